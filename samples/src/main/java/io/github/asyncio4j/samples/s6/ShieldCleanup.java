package io.github.asyncio4j.samples.s6;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.time.Duration;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;

/**
 * Guide section 6.2 (超时控制), the last example: shielding a clean-up from cancellation, ported as it
 * was meant, since the guide's code is wrong.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # 屏蔽取消(防止超时取消后的清理操作被中断)
 * async def robust_operation():
 *     try:
 *         await asyncio.wait_for(slow_operation(), timeout=5.0)
 *     except asyncio.TimeoutError:
 *         with asyncio.shield(cleanup_coro()):  # cleanup 不会被取消
 *             pass
 * }</pre>
 *
 * <h2>The erratum (ASYNCIO-SEMANTICS.md section 8, (b))</h2>
 *
 * <p>{@code shield} returns an awaitable future, not a context manager: the guide's {@code with}
 * line raises {@code TypeError: '_asyncio.Future' object does not support the context manager
 * protocol}. By then {@code shield} has already started {@code cleanup_coro()} as a task, which
 * nobody awaits: the clean-up runs unsupervised, and {@code robust_operation} fails with a {@code
 * TypeError} instead. What the guide means is
 *
 * <pre>{@code
 * except asyncio.TimeoutError:
 *     await asyncio.shield(cleanup_coro())  # cleanup 不会被取消
 * }</pre>
 *
 * <p>and that is what this sample ports.
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * static Mono<Void> robustOperation() {
 *   return Asyncio.waitFor(slowOperation(), Duration.ofSeconds(5))
 *       .then()
 *       .onErrorResume(TimeoutError.class, e -> Asyncio.shield(cleanup()));  // await shield(...)
 * }
 * }</pre>
 *
 * <p>{@link Asyncio#shield(Mono)} runs {@code cleanup()} as a task of its own and mirrors its
 * outcome. If the task awaiting the shield is cancelled, that task gets {@link CancelledError} at
 * once, and the clean-up task keeps running to its end: the shield protects the clean-up, not its
 * awaiter. Keep the program alive until the clean-up is done ({@link Asyncio#run(Mono)} cancels
 * whatever is left when the main task ends).
 *
 * <p>The transcript shows why it is needed. At {@code t=5} the slow operation times out and the
 * clean-up (1 s) starts; at {@code t=5.5} the program shuts down and cancels {@code
 * robust_operation}. Unshielded, the clean-up is cut off halfway. Shielded, {@code
 * robust_operation} is cancelled at {@code t=5.5} all the same, but the clean-up finishes at {@code
 * t=6}. On a {@link VirtualTimeEventLoop}, so the times are exact.
 */
public final class ShieldCleanup {
  /** The guide's {@code timeout=5.0}. */
  static final Duration LIMIT = Duration.ofSeconds(5);

  /** How long the clean-up takes, in seconds. */
  static final double CLEANUP = 1.0;

  /**
   * When the program cancels {@code robust_operation}, in seconds: halfway through the clean-up.
   */
  static final double SHUTDOWN_AT = 5.5;

  private ShieldCleanup() {}

  /** {@code slow_operation()}: longer than the timeout allows. */
  static Mono<String> slowOperation() {
    return Asyncio.sleep(10.0).then(Mono.just("the result"));
  }

  /** {@code cleanup_coro()}: takes {@link #CLEANUP} seconds, and says how it ended. */
  static Mono<Void> cleanup(Transcript out, String label) {
    return Mono.defer(
        () -> {
          out.sayAt(label + ": cleanup starts");
          return Asyncio.sleep(CLEANUP)
              .then(Mono.fromRunnable(() -> out.sayAt(label + ": cleanup finished")))
              .onErrorResume(
                  CancelledError.class,
                  e -> {
                    out.sayAt(label + ": cleanup cut off halfway");
                    return Mono.error(e);
                  })
              .then();
        });
  }

  /**
   * The (corrected) guide's {@code robust_operation()}; {@code protect} is {@code Asyncio::shield}
   * or nothing.
   */
  static Mono<Void> robustOperation(
      Transcript out, String label, UnaryOperator<Mono<Void>> protect) {
    return Asyncio.waitFor(slowOperation(), LIMIT)
        .then()
        .onErrorResume(
            TimeoutError.class,
            e -> {
              out.sayAt(label + ": TimeoutError");
              return protect.apply(cleanup(out, label));
            });
  }

  /** Starts {@code robust_operation()}, cancels it at {@link #SHUTDOWN_AT}, waits, reports. */
  static Mono<Void> shutDownDuringCleanup(
      Transcript out, String label, UnaryOperator<Mono<Void>> protect) {
    return Mono.defer(
        () -> {
          Task<Void> robust = Asyncio.createTask(robustOperation(out, label, protect));
          return Asyncio.sleep(SHUTDOWN_AT)
              .then(
                  Mono.defer(
                      () -> {
                        out.sayAt(label + ": the program shuts down, robust_operation.cancel()");
                        robust.cancel();
                        return robust;
                      }))
              .onErrorResume(
                  CancelledError.class,
                  e -> {
                    out.sayAt(label + ": robust_operation ended, cancelled=" + robust.cancelled());
                    return Mono.empty();
                  })
              // wait past the end of a shielded clean-up, which asyncio.run would cancel
              .then(Asyncio.sleep(CLEANUP))
              .then();
        });
  }

  /**
   * Runs the shutdown during the clean-up unshielded, then shielded, each on a fresh virtual-time
   * loop so that both start at {@code t=0}.
   *
   * @return what they printed
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(
        shutDownDuringCleanup(out, "unshielded", UnaryOperator.identity()),
        false,
        VirtualTimeEventLoop::create);
    Asyncio.run(
        shutDownDuringCleanup(out, "shielded", Asyncio::shield),
        false,
        VirtualTimeEventLoop::create);
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
