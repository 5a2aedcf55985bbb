package io.github.asyncio4j.samples.s5;

import io.github.asyncio4j.Condition;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Guide section 5 (asyncio 同步原语), {@code Condition}: waiting, under a lock, until a predicate
 * holds, while another task changes the state and notifies.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # Condition - 更复杂的等待/通知模式
 * cond = asyncio.Condition()
 * async with cond:
 *     await cond.wait_for(lambda: resource_ready())
 *     await use_resource()
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Condition cond = new Condition();
 * Mono<Void> consumer =
 *     cond.withLock(cond.waitFor(() -> resourceReady()).then(useResource()));
 * // the producer, which the guide leaves out:
 * Mono<Void> producer =
 *     cond.withLock(Mono.fromRunnable(() -> { makeProgress(); cond.signalAll(); }));
 * }</pre>
 *
 * <p>{@link Condition#withLock(Mono)} is {@code async with cond:}. {@link
 * Condition#waitFor(java.util.function.BooleanSupplier)} checks the predicate holding the lock;
 * while it is false, it releases the lock, waits for a notification, takes the lock back and checks
 * again. asyncio's {@code notify(n)} and {@code notify_all()} are {@link Condition#signal(int)} and
 * {@link Condition#signalAll()} here, because {@link Object#notify()} is final in Java.
 *
 * <p>The guide shows only the waiting side; someone must change the state and notify, holding the
 * lock. Here the resource needs two parts, and a producer adds one every half second, notifying
 * each time and keeping the lock 0.1 s longer. The transcript shows the two points of a condition:
 * a notified waiter returns only once it has the lock back (at 0.6 and 1.2, not at 0.5 and 1.1),
 * and a notification is a hint, not a promise, so the predicate is checked again (still false at
 * 0.6). On a {@link VirtualTimeEventLoop}, so the times are exact.
 */
public final class ConditionWaitFor {
  /** Parts the resource needs before it is ready. */
  static final int PARTS = 2;

  /** Time between two parts, in seconds. */
  static final double PART_EVERY = 0.5;

  /** How long the producer keeps the lock after notifying, in seconds. */
  static final double HOLD = 0.1;

  private ConditionWaitFor() {}

  /** The state the condition guards; read and written holding the condition's lock. */
  static final class Resource {
    int parts;
  }

  /** {@code resource_ready()}, logging what it finds. */
  static boolean resourceReady(Transcript out, Resource resource) {
    boolean ready = resource.parts >= PARTS;
    out.sayAt("consumer checks the predicate: parts=" + resource.parts + " -> " + ready);
    return ready;
  }

  /** The guide's block: {@code async with cond: await cond.wait_for(...); await use_resource()}. */
  static Mono<Void> consumer(Transcript out, Condition cond, Resource resource) {
    return cond.withLock(
        cond.waitFor(() -> resourceReady(out, resource))
            .then(
                Mono.fromRunnable(
                    () -> out.sayAt("consumer: use_resource(), holding the lock: " + cond))));
  }

  /** The other side: adds a part and notifies, holding the lock, {@link #PARTS} times. */
  static Mono<Void> producer(Transcript out, Condition cond, Resource resource) {
    return Flux.range(1, PARTS)
        .concatMap(
            part ->
                Asyncio.sleep(PART_EVERY)
                    .then(
                        cond.withLock(
                            Mono.fromRunnable(
                                    () -> {
                                      resource.parts = part;
                                      cond.signalAll();
                                      out.sayAt(
                                          "producer: part "
                                              + part
                                              + " made, signalAll(), keeps the lock "
                                              + HOLD
                                              + " s");
                                    })
                                .then(Asyncio.sleep(HOLD)))))
        .then();
  }

  /** The consumer as a task, and the producer. */
  static Mono<Void> main(Transcript out) {
    return Mono.defer(
        () -> {
          Condition cond = new Condition();
          Resource resource = new Resource();
          Task<Void> consumer = Asyncio.createTask(consumer(out, cond, resource));
          return producer(out, cond, resource).then(consumer);
        });
  }

  /**
   * Runs the consumer and the producer on a virtual-time loop.
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
