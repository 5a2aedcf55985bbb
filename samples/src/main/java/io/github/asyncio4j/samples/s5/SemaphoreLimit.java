package io.github.asyncio4j.samples.s5;

import io.github.asyncio4j.Semaphore;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;

/**
 * Guide section 5 (asyncio 同步原语), {@code Semaphore}: at most ten tasks in an operation at once.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # Semaphore - 限制并发数
 * sem = asyncio.Semaphore(10)
 * async with sem:
 *     await limited_operation()  # 最多10个协程同时执行
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Semaphore sem = new Semaphore(10);
 * Mono<Void> limited = sem.withPermit(limitedOperation());   // async with sem:
 * }</pre>
 *
 * <p>{@link Semaphore#withPermit(Mono)} is {@code async with sem:}: it takes a permit when
 * subscribed, waiting while none is free, and gives it back however the body ends. Waiters get
 * permits in first-come order.
 *
 * <p>The transcript measures it: {@value #TASKS} tasks run {@code limitedOperation()}, which counts
 * the tasks inside it and takes 0.1 s. Without the semaphore all {@value #TASKS} are inside at
 * once; with {@code Semaphore(10)} never more than 10, and the {@value #TASKS} operations take
 * three rounds of 0.1 s (10, 10, 5). On a {@link VirtualTimeEventLoop}, so the times are exact.
 */
public final class SemaphoreLimit {
  /** How many tasks want in. */
  static final int TASKS = 25;

  /** The semaphore's permits: the guide's 10. */
  static final int PERMITS = 10;

  /** How long one operation takes, in seconds. */
  static final double WORK = 0.1;

  private SemaphoreLimit() {}

  /** How many tasks are inside the operation now, and the most seen at once. */
  static final class Gauge {
    int inside;
    int max;
  }

  /** {@code limited_operation()}: counts itself in, works, counts itself out. */
  static Mono<Void> limitedOperation(Gauge gauge) {
    return Mono.defer(
        () -> {
          gauge.inside++;
          gauge.max = Math.max(gauge.max, gauge.inside);
          return Asyncio.sleep(WORK).doFinally(signal -> gauge.inside--);
        });
  }

  /** Runs {@link #TASKS} operations concurrently, each through {@code limit}. */
  static Mono<String> measure(UnaryOperator<Mono<Void>> limit) {
    return Mono.defer(
        () -> {
          Gauge gauge = new Gauge();
          double start = Asyncio.getRunningLoop().time();
          List<Mono<Void>> tasks = new ArrayList<>();
          for (int i = 0; i < TASKS; i++) {
            tasks.add(limit.apply(limitedOperation(gauge)));
          }
          return Asyncio.gather(tasks)
              .then(
                  Mono.fromSupplier(
                      () ->
                          String.format(
                              Locale.ROOT,
                              "%d operations took %.2f s, at most %d at once",
                              TASKS,
                              Asyncio.getRunningLoop().time() - start,
                              gauge.max)));
        });
  }

  /** The operations without a limit, then under {@code Semaphore(10)}. */
  static Mono<Void> main(Transcript out) {
    Semaphore sem = new Semaphore(PERMITS);
    return measure(UnaryOperator.identity())
        .doOnNext(result -> out.say("without a semaphore: " + result))
        .then(measure(sem::withPermit))
        .doOnNext(result -> out.say("with Semaphore(" + PERMITS + "):  " + result))
        .then(Mono.fromRunnable(() -> out.say("afterwards: " + sem)));
  }

  /**
   * Runs the operations on a virtual-time loop.
   *
   * @return what it measured
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
