package io.github.asyncio4j.samples;

import io.github.asyncio4j.operators.Asyncio;
import java.net.ConnectException;
import reactor.core.publisher.Mono;

/**
 * The guide's {@code fetch} coroutine, shared by the samples of sections 3, 4, 6 and 8:
 *
 * <pre>{@code
 * async def fetch(url):
 *     await asyncio.sleep(1)
 *     return f"Data from {url}"
 * }</pre>
 *
 * <p>The port is a {@code Mono}: {@code fetch(url)} builds it, as calling {@code fetch(url)} builds
 * a coroutine object, and nothing runs until it is awaited (subscribed) or made a task. One
 * difference matters: a coroutine object can be awaited once, while a {@code Mono} is cold and runs
 * again on every subscription. Wrap it in a {@code Task} to run it once and await its result many
 * times.
 *
 * <p>The sleep is the guide's 1 s scaled down to {@value #DELAY} s so that the tour stays fast.
 *
 * <p>{@link #refused(String)} is a {@code fetch} whose connection is refused, for the samples that
 * show what {@code TaskGroup} and {@code gather} do with a failure.
 */
public final class Fetch {
  /** The simulated network delay in seconds: the guide's 1 s, scaled down by ten. */
  public static final double DELAY = 0.1;

  /** When {@link #refused(String)} fails, in seconds: half of {@link #DELAY}. */
  public static final double FAIL_AFTER = 0.05;

  private Fetch() {}

  /**
   * {@code fetch(url)}: sleeps {@link #DELAY} seconds on the running loop, then returns {@code
   * "Data from " + url}.
   *
   * @param url what to pretend to fetch
   * @return the coroutine, not started
   */
  public static Mono<String> fetch(String url) {
    return Asyncio.sleep(DELAY).then(Mono.fromCallable(() -> "Data from " + url));
  }

  /**
   * A {@code fetch(url)} that fails: sleeps {@link #FAIL_AFTER} seconds, then raises {@link
   * ConnectException} {@code "connection refused: " + url} (Python's {@code ConnectionError}).
   *
   * @param url what to pretend to fetch
   * @return the coroutine, not started
   */
  public static Mono<String> refused(String url) {
    return Asyncio.sleep(FAIL_AFTER)
        .then(Mono.error(() -> new ConnectException("connection refused: " + url)));
  }
}
