package io.github.asyncio4j.samples.s6;

import io.github.asyncio4j.Semaphore;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Guide section 6.5 (速率限制): the guide's {@code rate_limited}, ported as written and measured. It
 * admits about {@code rate²} calls a second, not {@code rate}.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * async def rate_limited(tasks, rate=10):
 *     """限制每秒提交的任务数"""
 *     semaphore = asyncio.Semaphore(rate)
 *     interval = 1.0 / rate
 *
 *     async def limited(task):
 *         async with semaphore:
 *             await asyncio.sleep(interval)
 *             return await task
 *
 *     return await asyncio.gather(*[limited(t) for t in tasks])
 * }</pre>
 *
 * <h2>The port, as written</h2>
 *
 * <pre>{@code
 * static <T> Mono<List<T>> rateLimited(List<Mono<T>> tasks, int rate) {
 *   return Mono.defer(() -> {
 *     Semaphore semaphore = new Semaphore(rate);
 *     double interval = 1.0 / rate;
 *     Function<Mono<T>, Mono<T>> limited =
 *         task -> semaphore.withPermit(Asyncio.sleep(interval).then(task));
 *     return Asyncio.gather(tasks.stream().map(limited).toList());
 *   });
 * }
 * }</pre>
 *
 * <h2>The erratum (ASYNCIO-SEMANTICS.md section 8, (e))</h2>
 *
 * <p>The docstring says "limits the tasks submitted per second", but this is a concurrency cap, not
 * a rate limit. Each of the {@code rate} permits is held for {@code 1/rate + W} seconds ({@code W}
 * the task's own work), so it admits {@code rate / (1/rate + W)} calls a second: {@code rate²} when
 * the work is short. With {@code rate=10} and instant tasks, ten calls start every 0.1 s, 100 a
 * second. (Measured on CPython: rate 5 gives 24.9/s, 10 gives 99.4/s, 20 gives 393.7/s; with 0.2 s
 * of work, rate 10 gives 33.2/s.) {@link TokenBucketRateLimit} shows the real limiter.
 *
 * <p>The measurement: {@value #CALLS} instant calls, each recording when it starts, on a {@link
 * VirtualTimeEventLoop} (exact times, no waiting). It reports how long they took, the most that
 * started in any window of one second, and the steady rate: the calls after the first instant's,
 * divided by the time from the first instant to the last.
 */
public final class GuideRateLimited {
  /** The guide's default {@code rate}. */
  static final int RATE = 10;

  /** How many calls are measured. */
  static final int CALLS = 200;

  private GuideRateLimited() {}

  /** The guide's {@code rate_limited(tasks, rate)}, as written. */
  static <T> Mono<List<T>> rateLimited(List<Mono<T>> tasks, int rate) {
    return Mono.defer(
        () -> {
          Semaphore semaphore = new Semaphore(rate);
          double interval = 1.0 / rate;
          Function<Mono<T>, Mono<T>> limited =
              task -> semaphore.withPermit(Asyncio.sleep(interval).then(task));
          return Asyncio.gather(tasks.stream().map(limited).toList());
        });
  }

  /** {@code n} instant calls, each returning the loop's time when it starts, in milliseconds. */
  static List<Mono<Long>> calls(int n) {
    List<Mono<Long>> calls = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      calls.add(Mono.fromCallable(() -> Asyncio.getRunningLoop().now(TimeUnit.MILLISECONDS)));
    }
    return calls;
  }

  /**
   * What a list of start times (milliseconds, ascending) says about the rate: the time taken, the
   * most in any one-second window, and the steady rate after the first instant.
   */
  static String describe(List<Long> starts) {
    int n = starts.size();
    long first = starts.get(0);
    long last = starts.get(n - 1);
    int atFirst = 0;
    while (atFirst < n && starts.get(atFirst) == first) {
      atFirst++;
    }
    int maxInWindow = 0;
    for (int i = 0, j = 0; i < n; i++) {
      while (j < n && starts.get(j) < starts.get(i) + 1000) {
        j++;
      }
      maxInWindow = Math.max(maxInWindow, j - i);
    }
    double steady = (n - atFirst) / ((last - first) / 1000.0);
    return String.format(
        Locale.ROOT,
        "%d calls from t=%.2f to t=%.2f, %d at once at first; at most %d in any 1 s window;"
            + " steady rate %.1f calls/s",
        n,
        first / 1000.0,
        last / 1000.0,
        atFirst,
        maxInWindow,
        steady);
  }

  /** Measures the guide's {@code rate_limited} with {@code rate} on a fresh virtual-time loop. */
  static String measure(int rate, int calls) {
    List<Long> starts =
        Asyncio.run(rateLimited(calls(calls), rate), false, VirtualTimeEventLoop::create);
    return describe(starts == null ? List.of() : starts.stream().sorted().toList());
  }

  /**
   * Measures the guide's {@code rate_limited} at its default rate of 10.
   *
   * @return what it measured
   */
  public static String run() {
    Transcript out = new Transcript();
    out.say("the guide's rate_limited(tasks, rate=" + RATE + "):");
    out.say("  " + measure(RATE, CALLS));
    out.say("  that is rate² = " + RATE * RATE + " calls a second, not rate = " + RATE);
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
