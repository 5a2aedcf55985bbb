package io.github.asyncio4j.samples.s5;

import io.github.asyncio4j.Event;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Guide section 5 (asyncio 同步原语), {@code Event}: one task tells others that something happened.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # Event - 协程间通知
 * event = asyncio.Event()
 *
 * # 等待方
 * await event.wait()
 *
 * # 通知方
 * event.set()
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Event event = new Event();
 * Mono<Boolean> waiter = event.await();   // the waiting side: await event.wait()
 * event.set();                            // the notifying side
 * }</pre>
 *
 * <p>asyncio's {@code wait()} is {@link Event#await()} here, because {@link Object#wait()} is final
 * in Java. It gives {@code true} once the flag is set. {@link Event#set()} wakes every waiter at
 * once, oldest first; a task that waits after the flag is set does not wait at all, until {@link
 * Event#clear()} resets it.
 *
 * <p>The transcript: three tasks wait from {@code t=0}; the notifier sets the event at {@code t=1},
 * and all three wake at that instant in the order they began to wait; a fourth, late waiter returns
 * at once. On a {@link VirtualTimeEventLoop}, so the times are exact.
 */
public final class EventNotification {
  /** How long the notifier takes before it sets the event, in seconds. */
  static final double NOTIFY_AFTER = 1.0;

  private EventNotification() {}

  /** The waiting side: {@code await event.wait()}. */
  static Mono<Void> waiter(Transcript out, Event event, String name) {
    return Mono.defer(
        () -> {
          out.sayAt(name + " waits");
          return event.await().doOnNext(r -> out.sayAt(name + " woke: await() -> " + r)).then();
        });
  }

  /** The notifying side: {@code event.set()} after a while. */
  static Mono<Void> notifier(Transcript out, Event event) {
    return Asyncio.sleep(NOTIFY_AFTER)
        .then(
            Mono.fromRunnable(
                () -> {
                  out.sayAt("notifier: " + event + ", set()");
                  event.set();
                }));
  }

  /** Three waiters and a notifier, then a late waiter. */
  static Mono<Void> main(Transcript out) {
    return Mono.defer(
        () -> {
          Event event = new Event();
          List<Task<Void>> waiters = new ArrayList<>();
          for (int i = 1; i <= 3; i++) {
            waiters.add(Asyncio.createTask(waiter(out, event, "waiter-" + i)));
          }
          return notifier(out, event)
              .then(Asyncio.gather(waiters))
              .then(waiter(out, event, "late-waiter"));
        });
  }

  /**
   * Runs the waiters and the notifier on a virtual-time loop.
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
