package io.github.asyncio4j.samples.s6;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Guide section 6.2 (超时控制), the older way: {@code wait_for}.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # 旧版兼容:wait_for
 * try:
 *     result = await asyncio.wait_for(slow_operation(), timeout=5.0)
 * except asyncio.TimeoutError:
 *     print("Operation timed out")
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Mono<String> result =
 *     Asyncio.waitFor(slowOperation(), Duration.ofSeconds(5))
 *         .onErrorResume(TimeoutError.class, e -> {            // except asyncio.TimeoutError:
 *           System.out.println("Operation timed out");
 *           return Mono.empty();
 *         });
 * }</pre>
 *
 * <p>{@link Asyncio#waitFor(Mono, Duration)} is Python 3.12's {@code wait_for}, that is {@code
 * async with timeout(5.0): return await aw} ({@link TimeoutBlock}). {@code asyncio.TimeoutError} is
 * the built-in {@code TimeoutError} since Python 3.11, {@link TimeoutError} here.
 *
 * <p>What matters about a timeout is when it returns. Here {@code slow_operation()} would take 10 s
 * and, when cancelled, needs 0.5 s to clean up (it catches {@link CancelledError}, cleans up and
 * re-raises, as section 6.3 recommends). At {@code t=5} it is cancelled; {@code waitFor} waits for
 * the clean-up and raises only at {@code t=5.5}, so nothing is left running behind the caller's
 * back (asyncio fixed its {@code wait_for} to do this in bpo-32751). On a {@link
 * VirtualTimeEventLoop}, so the times are exact.
 */
public final class WaitForTimeout {
  /** The guide's {@code timeout=5.0}. */
  static final Duration LIMIT = Duration.ofSeconds(5);

  /** How long {@code slow_operation()} would take, in seconds. */
  static final double WORK = 10.0;

  /** How long its clean-up takes when cancelled, in seconds. */
  static final double CLEANUP = 0.5;

  private WaitForTimeout() {}

  /** {@code slow_operation()}, which cleans up when cancelled. */
  static Mono<String> slowOperation(Transcript out) {
    return Asyncio.sleep(WORK)
        .then(Mono.just("the result"))
        .onErrorResume(
            CancelledError.class,
            e -> {
              out.sayAt("slow_operation() cancelled, cleaning up for " + CLEANUP + " s");
              return Asyncio.sleep(CLEANUP)
                  .then(Mono.fromRunnable(() -> out.sayAt("slow_operation() cleaned up")))
                  .then(Mono.error(e));
            });
  }

  /** The guide's {@code try} / {@code except}. */
  static Mono<Void> main(Transcript out) {
    return Asyncio.waitFor(slowOperation(out), LIMIT)
        .doOnNext(result -> out.sayAt("result = " + result))
        .then()
        .onErrorResume(
            TimeoutError.class,
            e -> {
              out.sayAt("Operation timed out");
              return Mono.empty();
            });
  }

  /**
   * Runs it on a virtual-time loop.
   *
   * @return what it printed
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
