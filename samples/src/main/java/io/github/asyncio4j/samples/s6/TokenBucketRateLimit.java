package io.github.asyncio4j.samples.s6;

import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.operators.RateLimiter;
import io.github.asyncio4j.samples.Transcript;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Guide section 6.5 (速率限制), what the guide's {@code rate_limited} meant: at most {@code rate} calls
 * a second, with asyncio4j's {@link RateLimiter}.
 *
 * <h2>The guide's Python, and the intent in its docstring</h2>
 *
 * <pre>{@code
 * async def rate_limited(tasks, rate=10):
 *     """限制每秒提交的任务数"""      # limit the tasks submitted per second
 *     ...
 * }</pre>
 *
 * <p>As written it admits {@code rate²} a second ({@link GuideRateLimited}, erratum (e) in
 * ASYNCIO-SEMANTICS.md).
 *
 * <h2>The port, as meant</h2>
 *
 * <pre>{@code
 * static <T> Mono<List<T>> rateLimited(List<Mono<T>> tasks, double rate) {
 *   return Mono.defer(() -> {
 *     RateLimiter limiter = RateLimiter.of(rate, Duration.ofSeconds(1), 1);
 *     return Asyncio.gather(tasks.stream().map(task -> limiter.acquire().then(task)).toList());
 *   });
 * }
 * }</pre>
 *
 * <p>{@link RateLimiter} is a token bucket: it earns {@code rate} permits a second and holds at
 * most {@code burst}; each call takes one before it starts, waiting in first-come order when there
 * is none. In any window of {@code w} seconds at most {@code burst + rate × w} calls pass, however
 * long the calls take, and a cancelled waiter gives its place back. With {@code burst = 1} calls
 * start exactly {@code 1/rate} apart; a larger burst lets that many through at once after a quiet
 * spell, then {@code rate} a second. The limiter binds to the loop that first uses it, so on a
 * {@link VirtualTimeEventLoop} its clock is virtual too.
 *
 * <p>The transcript measures the guide's version and the limiter the same way ({@link
 * GuideRateLimited#describe}): rate 10 gives 100 calls a second as the guide wrote it, 10 with the
 * limiter; with bursts of 5, five at once, then 10 a second, and never more than {@code 5 + 10 × 1
 * = 15} in a second.
 */
public final class TokenBucketRateLimit {
  /** The guide's {@code rate}. */
  static final int RATE = 10;

  /** How many calls are measured with the limiter. */
  static final int CALLS = 30;

  /** The burst of the second limiter. */
  static final int BURST = 5;

  private TokenBucketRateLimit() {}

  /**
   * {@code rate_limited(tasks, rate)} as meant: {@code rate} a second, in bursts of {@code burst}.
   */
  static <T> Mono<List<T>> rateLimited(List<Mono<T>> tasks, double rate, int burst) {
    return Mono.defer(
        () -> {
          RateLimiter limiter = RateLimiter.of(rate, Duration.ofSeconds(1), burst);
          return Asyncio.gather(tasks.stream().map(task -> limiter.acquire().then(task)).toList());
        });
  }

  /** Measures {@link #rateLimited} on a fresh virtual-time loop. */
  static String measure(double rate, int burst, int calls) {
    List<Long> starts =
        Asyncio.run(
            rateLimited(GuideRateLimited.calls(calls), rate, burst),
            false,
            VirtualTimeEventLoop::create);
    return GuideRateLimited.describe(
        starts == null ? List.of() : starts.stream().sorted().toList());
  }

  /**
   * Measures the guide's version, then the limiter with bursts of 1 and of {@value #BURST}.
   *
   * @return what it measured
   */
  public static String run() {
    Transcript out = new Transcript();
    out.say("the guide's rate_limited(tasks, rate=" + RATE + "), Semaphore + sleep(1/rate):");
    out.say("  " + GuideRateLimited.measure(RATE, GuideRateLimited.CALLS));
    out.say("RateLimiter.of(" + RATE + ", 1 s, burst 1):");
    out.say("  " + measure(RATE, 1, CALLS));
    out.say("RateLimiter.of(" + RATE + ", 1 s, burst " + BURST + "):");
    out.say("  " + measure(RATE, BURST, CALLS));
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
