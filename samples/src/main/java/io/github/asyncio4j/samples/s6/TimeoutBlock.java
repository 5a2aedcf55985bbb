package io.github.asyncio4j.samples.s6;

import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.operators.Timeout;
import io.github.asyncio4j.samples.Transcript;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Guide section 6.2 (超时控制), the recommended way: {@code asyncio.timeout}.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # Python 3.11+ 推荐:asyncio.timeout
 * async with asyncio.timeout(5.0):
 *     result = await slow_operation()
 * # 超时抛出 TimeoutError
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Mono<String> result = Asyncio.timeout(Duration.ofSeconds(5)).wrap(slowOperation());
 * // or in one call: Asyncio.timeout(Duration.ofSeconds(5), slowOperation())
 * }</pre>
 *
 * <p>{@link Timeout#wrap(Mono)} is {@code async with timeout:}. Entering it (subscribing, inside a
 * task) starts the clock; when the deadline passes, the task is cancelled, the body gets {@code
 * CancelledError} where it waits, and once it has ended the timeout raises {@link TimeoutError},
 * with the {@code CancelledError} as its cause. The task itself is not left cancelled: the timeout
 * takes its cancellation back ({@code cancelling()} is 0 again), so the task carries on after
 * catching the {@code TimeoutError}. A body that finishes in time is not touched.
 *
 * <p>{@code slow_operation()} here sleeps 10 s and a fast one 1 s; on a {@link
 * VirtualTimeEventLoop} those seconds pass at once, and the transcript's times are exact.
 */
public final class TimeoutBlock {
  /** The guide's 5.0 s. */
  static final Duration LIMIT = Duration.ofSeconds(5);

  private TimeoutBlock() {}

  /** {@code slow_operation()}: {@code seconds} of work, then a result. */
  static Mono<String> operation(double seconds) {
    return Asyncio.sleep(seconds).then(Mono.just("done after " + seconds + " s"));
  }

  /** The guide's block around an operation of {@code seconds}; catches the timeout to report it. */
  static Mono<Void> attempt(Transcript out, double seconds) {
    return Mono.defer(
        () -> {
          Timeout timeout = Asyncio.timeout(LIMIT);
          return timeout
              .wrap(operation(seconds))
              .doOnNext(result -> out.sayAt("result = '" + result + "', " + timeout))
              .then()
              .onErrorResume(
                  TimeoutError.class,
                  e -> {
                    Task<?> task = Objects.requireNonNull(Asyncio.currentTask());
                    out.sayAt(
                        "TimeoutError, caused by "
                            + Objects.requireNonNull(e.getCause()).getClass().getSimpleName()
                            + ", "
                            + timeout
                            + ", expired()="
                            + timeout.expired());
                    out.say("  the task goes on: cancelling()=" + task.cancelling());
                    return Mono.empty();
                  });
        });
  }

  /** The guide's slow operation, then a fast one within the limit. */
  static Mono<Void> main(Transcript out) {
    return attempt(out, 10.0).then(attempt(out, 1.0));
  }

  /**
   * Runs both on a virtual-time loop.
   *
   * @return what they printed
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(main(out), false, VirtualTimeEventLoop::create);
    return out.toString();
  }

  /**
   * Prints what {@link #run()} shows.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    System.out.println(run());
  }
}
