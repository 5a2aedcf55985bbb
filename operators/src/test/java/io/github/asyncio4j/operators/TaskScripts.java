package io.github.asyncio4j.operators;

import static io.github.asyncio4j.operators.Asyncio.getRunningLoop;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.VirtualTimeEventLoop;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * What the TaskGroup, timeout and waitFor suites write their scripts with: a virtual-time {@code
 * asyncio.run}, the loop's clock, and Python's {@code try/except} shapes as operators.
 */
final class TaskScripts {
  private TaskScripts() {}

  /** {@code asyncio.run(main)} on a new virtual-time loop. */
  static <T> T runV(Mono<T> main) {
    return Asyncio.run(main, false, VirtualTimeEventLoop::create);
  }

  /** {@code loop.time()} of the running loop. */
  static double now() {
    return getRunningLoop().time();
  }

  /** A duration of {@code s} seconds, to the nanosecond. */
  static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  /** {@code except CancelledError: log.append(what); raise}. */
  static <T> Mono<T> onCancel(Mono<T> m, List<String> log, String what) {
    return m.onErrorResume(
        CancelledError.class,
        e -> {
          log.add(what);
          return Mono.error(e);
        });
  }

  /**
   * The error {@code m} ends with, as a value, so that the script goes on in the same task; an
   * {@code AssertionError} value if it completes instead.
   */
  static Mono<Throwable> errorOf(Mono<?> m) {
    return m.then(Mono.<Throwable>fromCallable(() -> new AssertionError("completed normally")))
        .onErrorResume(Mono::just);
  }
}
