package io.github.asyncio4j;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A flag that tasks wait for: asyncio's {@code asyncio.Event}. {@link #set()} sets it and wakes
 * every waiter; {@link #clear()} resets it; {@link #await()} waits until it is set.
 *
 * <p>Waiters wake in first-in-first-out order. A {@code clear()} right after {@code set()} does not
 * un-wake them (asyncio's S3). A cancelled waiter simply leaves. Thread-safe: a waiter inside a
 * task or on a loop resumes on that loop one iteration after {@code set()}; a waiter with no loop
 * resumes on the thread that calls {@code set()}. {@code await()} on a set event completes at once.
 * The name is {@code await}, not asyncio's {@code wait}, because {@link Object#wait()} is final.
 */
public final class Event implements Waiter.Owner {
  private boolean flag;
  private final WaiterQueue waiters = new WaiterQueue();
  private final Mono<Boolean> await = new Await();

  /** An event that is not set: asyncio's {@code Event()}. */
  public Event() {}

  /**
   * Waits until the event is set: asyncio's {@code await event.wait()}.
   *
   * @return a {@code Mono} of {@code true}, at once if the event is set
   */
  public Mono<Boolean> await() {
    return await;
  }

  /** Sets the flag and wakes every waiter: asyncio's {@code event.set()}. */
  @SuppressWarnings("unchecked") // an event's waiters are all Waiter<Boolean>
  public void set() {
    Waiter<?>[] woken;
    synchronized (this) {
      if (flag) {
        return;
      }
      flag = true;
      woken = waiters.drain();
    }
    for (Waiter<?> w : woken) {
      ((Waiter<Boolean>) w).resolve(Boolean.TRUE);
    }
  }

  /** Resets the flag: asyncio's {@code event.clear()}. */
  public synchronized void clear() {
    flag = false;
  }

  /**
   * Whether the flag is set: asyncio's {@code event.is_set()}.
   *
   * @return true if set
   */
  public synchronized boolean isSet() {
    return flag;
  }

  /**
   * A snapshot for monitoring.
   *
   * @return whether set and how many wait
   */
  public synchronized Statistics statistics() {
    return new Statistics(flag, waiters.size());
  }

  /**
   * An event's state at one moment.
   *
   * @param set whether the flag is set
   * @param waiters how many wait
   */
  public record Statistics(boolean set, int waiters) {}

  @Override
  public void waiterCancelled(Waiter<?> w) {
    synchronized (this) {
      waiters.remove(w);
    }
  }

  /**
   * asyncio's repr: {@code <Event [set]>} or {@code <Event [unset, waiters:2]>}.
   *
   * @return the state
   */
  @Override
  public synchronized String toString() {
    return "<Event ["
        + (flag ? "set" : "unset")
        + (waiters.isEmpty() ? "" : ", waiters:" + waiters.size())
        + "]>";
  }

  private final class Await extends Mono<Boolean> {
    @Override
    public void subscribe(CoreSubscriber<? super Boolean> actual) {
      Waiter<Boolean> w;
      synchronized (Event.this) {
        if (flag) {
          w = null;
        } else {
          w = new Waiter<>(Waiter.loopOf(actual), Event.this, null);
          waiters.add(w);
        }
      }
      if (w == null) {
        actual.onSubscribe(Operators.scalarSubscription(actual, Boolean.TRUE));
      } else {
        w.subscribe(actual);
      }
    }
  }
}
