package io.github.asyncio4j;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A counter of permits for tasks and reactive chains: asyncio's {@code asyncio.Semaphore}, the
 * building block of bulkheads. {@code acquire} takes a permit, waiting while there is none; {@code
 * release} gives one back.
 *
 * <p><b>Fairness.</b> Waiters are served in first-in-first-out order, and a newcomer never
 * overtakes a waiter even when a permit is free (asyncio 3.12's fix, gh-90155 / gh-97028): {@link
 * #release()} hands the permit straight to the oldest waiter, and until that waiter has resumed a
 * newcomer queues behind it, as asyncio's does ({@link #locked()} is true meanwhile). A release
 * happens-before the acquisition it enables.
 *
 * <p><b>Cancellation.</b> A waiter cancelled while waiting leaves the queue; one cancelled after a
 * permit was handed to it but before it resumed gives the permit back, and the next waiter gets it.
 * Permits are never lost (asyncio's S6). One exception: a Reactor {@code cancel()} of a bare {@link
 * #acquire()} from another thread, at the very moment a permit is handed to it, cannot be told from
 * a completion its subscriber ignored (an empty {@code Mono} has no value to discard), and the
 * permit stays taken. {@link #withPermit} has no such window: use it wherever a Reactor cancel may
 * come.
 *
 * <p><b>Threads.</b> Thread-safe. A waiter inside a task or on a loop's thread resumes on that
 * loop, one iteration after the hand-off; a waiter with no loop resumes on the thread that calls
 * {@link #release()}. An uncontended {@code acquire} completes at once without allocating.
 */
public class Semaphore implements Waiter.Owner {
  /*
   * Guarded by 'this':
   *   value >= 0     free permits
   *   handedOff >= 0 permits handed to waiters that have not resumed yet (they resume at once on
   *                  the releasing thread for a waiter with no loop; one iteration later on a loop)
   *   waiters non-empty -> value == 0, or handedOff > 0 and the waiters queued behind a hand-off
   * A newcomer takes a free permit only if nobody waits and no hand-off is on its way, so it never
   * runs before a waiter that was first (gh-97028, test_acquire_fifo_order_2). Permits are handed
   * to the oldest waiters at release; those freed while newcomers had to queue behind a hand-off go
   * to them when it resumes: asyncio 3.13's "while value > 0: wake_up_next()" when a woken
   * acquire() returns (test_acquire_fifo_order_4).
   */
  private int value;

  private int handedOff;

  private final WaiterQueue waiters = new WaiterQueue();
  private final Mono<Void> acquire = new Acquire<Void>(null);

  /**
   * withPermit's acquisition: it yields a {@link Permit}, so that a Reactor cancel racing with the
   * hand-off cannot lose the permit. A Permit handed over but not delivered (the subscriber left at
   * that moment) is discarded by the waiter, and the discard releases it; one delivered after the
   * cancel reaches usingWhen, which releases it.
   */
  private final Mono<Permit> acquirePermit =
      new Acquire<>(Permit::new).doOnDiscard(Permit.class, Permit::releaseNow);

  /**
   * A semaphore with {@code value} permits: asyncio's {@code Semaphore(value)}.
   *
   * @param value the initial number of permits
   * @throws IllegalArgumentException if {@code value < 0}
   */
  public Semaphore(int value) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "Semaphore initial value must be >= 0 but it was " + value);
    }
    this.value = value;
  }

  /** A semaphore with one permit: asyncio's {@code Semaphore()}. */
  public Semaphore() {
    this(1);
  }

  /**
   * Takes a permit: asyncio's {@code await sem.acquire()}. Each subscription takes one: at once if
   * one is free and nobody waits, else when one is handed to it, in FIFO order.
   *
   * @return an empty {@code Mono} that completes holding a permit
   */
  public Mono<Void> acquire() {
    return acquire;
  }

  /**
   * Takes a permit if that needs no waiting. Never allocates.
   *
   * @return true if a permit was taken
   */
  public synchronized boolean tryAcquire() {
    if (!isLocked()) {
      value--;
      return true;
    }
    return false;
  }

  /**
   * Gives a permit back: asyncio's {@code sem.release()}. The oldest waiter, if any, gets it.
   *
   * @throws IllegalArgumentException from a {@link BoundedSemaphore} released too many times
   */
  public void release() {
    synchronized (this) {
      checkRelease(value + handedOff);
      value++;
    }
    wakeWaiters();
  }

  /**
   * BoundedSemaphore's check; called under the lock.
   *
   * @param freePermits permits nobody holds: free, or on their way to a waiter
   */
  void checkRelease(int freePermits) {}

  /**
   * Whether an {@code acquire} would wait: asyncio's {@code sem.locked()}.
   *
   * @return true if no permit is free, or someone waits or is about to resume with a permit
   */
  public synchronized boolean locked() {
    return isLocked();
  }

  private boolean isLocked() {
    return value == 0 || !waiters.isEmpty() || handedOff > 0;
  }

  /**
   * Runs {@code body} holding a permit: asyncio's {@code async with sem:}. The permit is released
   * when {@code body} completes, fails or is cancelled; a cancelled acquisition releases nothing,
   * and a permit handed to it at that very moment is passed on. A Reactor {@code cancel()} releases
   * at once, on the cancelling thread (Reactor's {@code usingWhen}), even if the body is still
   * running on another thread at that moment.
   *
   * @param body the work to limit
   * @param <T> the result type
   * @return {@code body}'s outcome
   */
  public <T> Mono<T> withPermit(Mono<T> body) {
    Objects.requireNonNull(body, "body");
    return Mono.usingWhen(
        acquirePermit,
        permit -> body,
        Permit::release,
        (permit, error) -> permit.release(),
        Permit::release);
  }

  /** One withPermit's permit, given back once. */
  private final class Permit {
    private final AtomicBoolean released = new AtomicBoolean();

    Mono<Void> release() {
      return Mono.fromRunnable(this::releaseNow);
    }

    void releaseNow() {
      if (released.compareAndSet(false, true)) {
        Semaphore.this.release();
      }
    }
  }

  /**
   * A snapshot for monitoring.
   *
   * @return free permits and waiters
   */
  public synchronized Statistics statistics() {
    return new Statistics(value, waiters.size());
  }

  /**
   * A semaphore's state at one moment.
   *
   * @param permits free permits
   * @param waiters how many acquirers wait
   */
  public record Statistics(int permits, int waiters) {}

  /** Hands free permits to waiters, oldest first, outside the lock. */
  @SuppressWarnings("unchecked") // a waiter yields its payload: null, or withPermit's Permit
  private void wakeWaiters() {
    for (; ; ) {
      Waiter<?> w;
      synchronized (this) {
        if (value == 0 || (w = waiters.poll()) == null) {
          return;
        }
        value--; // reserved for w
        handedOff++;
      }
      if (!((Waiter<Object>) w).resolve(w.payload)) {
        synchronized (this) {
          value++; // w was cancelled meanwhile: the permit goes on
          handedOff--;
        }
      }
    }
  }

  @Override
  public void waiterCancelled(Waiter<?> w) {
    synchronized (this) {
      waiters.remove(w);
    }
  }

  @Override
  public void waiterDropped(Waiter<?> w) {
    synchronized (this) {
      value++; // handed over but never taken: back, and on to the next waiter
      handedOff--;
    }
    wakeWaiters();
  }

  @Override
  public void waiterResumed(Waiter<?> w) {
    synchronized (this) {
      handedOff--;
    }
    wakeWaiters(); // permits freed meanwhile go to those who queued behind w
  }

  /**
   * asyncio's repr: {@code <Semaphore [unlocked, value:2]>} or {@code <Semaphore [locked,
   * waiters:1]>}.
   *
   * @return the state
   */
  @Override
  public synchronized String toString() {
    String name = getClass().getSimpleName();
    if (isLocked()) {
      return "<"
          + name
          + " [locked"
          + (waiters.isEmpty() ? "" : ", waiters:" + waiters.size())
          + "]>";
    }
    return "<" + name + " [unlocked, value:" + value + "]>";
  }

  /** One acquisition per subscription, yielding a new token: none for acquire(), a Permit. */
  private final class Acquire<T> extends Mono<T> {
    private final @Nullable Supplier<T> token;

    Acquire(@Nullable Supplier<T> token) {
      this.token = token;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
      T t = token != null ? token.get() : null;
      Waiter<T> w;
      synchronized (Semaphore.this) {
        if (!isLocked()) {
          value--;
          w = null;
        } else {
          w = new Waiter<>(Waiter.loopOf(actual), Semaphore.this, t);
          waiters.add(w);
        }
      }
      if (w != null) {
        w.subscribe(actual);
      } else if (t == null) {
        Operators.complete(actual); // uncontended: no suspension, no allocation
      } else {
        actual.onSubscribe(Operators.scalarSubscription(actual, t)); // discards t if cancelled
      }
    }

    @Override
    public String toString() {
      return "acquire " + Semaphore.this;
    }
  }
}
