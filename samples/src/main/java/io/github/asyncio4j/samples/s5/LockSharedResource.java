package io.github.asyncio4j.samples.s5;

import io.github.asyncio4j.Lock;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Guide section 5 (asyncio 同步原语), {@code Lock}: keeping tasks from using a shared resource at the
 * same time.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # Lock - 防止多个协程同时访问共享资源
 * lock = asyncio.Lock()
 * async with lock:
 *     await safe_operation()
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Lock lock = new Lock();
 * Mono<Void> guarded = lock.withLock(safeOperation());   // async with lock: await safe_operation()
 * }</pre>
 *
 * <p>{@link Lock#withLock(Mono)} is {@code async with lock:}: it acquires the lock when subscribed,
 * runs the body, and releases the lock however the body ends (completes, fails or is cancelled).
 * The lock is no {@code java.util.concurrent} lock: waiting for it suspends the task, never the
 * loop's thread, and waiters get it in first-come order.
 *
 * <p>Why a lock at all, with one thread? Because a task lets others run at every {@code await}.
 * {@code safeOperation()} reads a counter, awaits (a simulated 10 ms of I/O), then writes the
 * counter plus one. Three tasks running it without the lock all read 0 before any of them writes,
 * so two of the three updates are lost; under the lock they take turns, 10 ms each, in the order
 * they asked, and the counter reaches 3. The sample runs on a {@link VirtualTimeEventLoop}, so the
 * times are exact.
 */
public final class LockSharedResource {
  /** How many tasks update the counter. */
  static final int TASKS = 3;

  /** The simulated I/O between reading and writing, in seconds. */
  static final double IO = 0.01;

  private LockSharedResource() {}

  /** The shared resource: a counter, only ever touched on the loop's thread. */
  static final class Counter {
    int value;
  }

  /** {@code safe_operation()}: read, await some I/O, write back one more. */
  static Mono<Void> safeOperation(Transcript out, Counter counter, String who) {
    return Mono.defer(
        () -> {
          int read = counter.value;
          out.sayAt(who + " reads " + read);
          return Asyncio.sleep(IO)
              .then(
                  Mono.fromRunnable(
                      () -> {
                        counter.value = read + 1;
                        out.sayAt(who + " writes " + counter.value);
                      }));
        });
  }

  /** {@link #TASKS} tasks running {@code safeOperation()}, guarded by {@code lock} or not. */
  static Mono<Integer> updates(Transcript out, Lock lock, boolean guarded) {
    return Mono.defer(
        () -> {
          Counter counter = new Counter();
          List<Mono<Void>> tasks = new ArrayList<>();
          for (int i = 1; i <= TASKS; i++) {
            Mono<Void> operation = safeOperation(out, counter, "task-" + i);
            tasks.add(guarded ? lock.withLock(operation) : operation);
          }
          return Asyncio.gather(tasks).then(Mono.fromSupplier(() -> counter.value));
        });
  }

  /** Three unguarded updates, then three under the lock. */
  static Mono<Void> main(Transcript out) {
    Lock lock = new Lock();
    return Mono.defer(
            () -> {
              out.say("without the lock:");
              return updates(out, lock, false);
            })
        .doOnNext(
            n ->
                out.sayAt(
                    "counter = " + n + ": " + (TASKS - n) + " of " + TASKS + " updates were lost"))
        .then(
            Mono.defer(
                () -> {
                  out.say("with lock.withLock(safeOperation()):");
                  return updates(out, lock, true);
                }))
        .doOnNext(n -> out.sayAt("counter = " + n + ", and the lock is free again: " + lock))
        .then();
  }

  /**
   * Runs the unguarded and the guarded updates on a virtual-time loop.
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
