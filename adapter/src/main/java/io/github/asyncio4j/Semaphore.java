package io.github.asyncio4j;

import java.util.Objects;
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
 * #release()} hands the permit straight to the oldest waiter. A release happens-before the
 * acquisition it enables.
 *
 * <p><b>Cancellation.</b> A waiter cancelled while waiting leaves the queue; one cancelled after a
 * permit was handed to it but before it resumed gives the permit back, and the next waiter gets it.
 * Permits are never lost (asyncio's S6).
 *
 * <p><b>Threads.</b> Thread-safe. A waiter inside a task or on a loop's thread resumes on that
 * loop, one iteration after the hand-off; a waiter with no loop resumes on the thread that calls
 * {@link #release()}. An uncontended {@code acquire} completes at once without allocating.
 */
public class Semaphore implements Waiter.Owner {
  /*
   * Guarded by 'this': value >= 0 free permits; waiters non-empty -> value == 0 (permits released
   * while waiters exist go straight to them).
   */
  private int value;

  private final WaiterQueue waiters = new WaiterQueue();
  private final Mono<Void> acquire = new Acquire();
  private final Mono<Void> releaseMono = Mono.fromRunnable(this::release);

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
    if (value > 0 && waiters.isEmpty()) {
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
      checkRelease(value);
      value++;
    }
    wakeWaiters();
  }

  /** BoundedSemaphore's check; called under the lock. */
  void checkRelease(int freePermits) {}

  /**
   * Whether an {@code acquire} would wait: asyncio's {@code sem.locked()}.
   *
   * @return true if no permit is free or someone already waits
   */
  public synchronized boolean locked() {
    return value == 0 || !waiters.isEmpty();
  }

  /**
   * Runs {@code body} holding a permit: asyncio's {@code async with sem:}. The permit is released
   * when {@code body} completes, fails or is cancelled; a cancelled acquisition releases nothing.
   *
   * @param body the work to limit
   * @param <T> the result type
   * @return {@code body}'s outcome
   */
  public <T> Mono<T> withPermit(Mono<T> body) {
    Objects.requireNonNull(body, "body");
    return Mono.usingWhen(
        acquire.thenReturn(Boolean.TRUE),
        held -> body,
        held -> releaseMono,
        (held, error) -> releaseMono,
        held -> releaseMono);
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
  @SuppressWarnings("unchecked") // a semaphore's waiters are all Waiter<Void>
  private void wakeWaiters() {
    for (; ; ) {
      Waiter<?> w;
      synchronized (this) {
        if (value == 0 || (w = waiters.poll()) == null) {
          return;
        }
        value--; // reserved for w
      }
      if (!((Waiter<Void>) w).resolve(null)) {
        synchronized (this) {
          value++; // w was cancelled meanwhile: the permit goes on
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
    }
    wakeWaiters();
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
    if (value == 0 || !waiters.isEmpty()) {
      return "<"
          + name
          + " [locked"
          + (waiters.isEmpty() ? "" : ", waiters:" + waiters.size())
          + "]>";
    }
    return "<" + name + " [unlocked, value:" + value + "]>";
  }

  private final class Acquire extends Mono<Void> {
    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
      Waiter<Void> w;
      synchronized (Semaphore.this) {
        if (value > 0 && waiters.isEmpty()) {
          value--;
          w = null;
        } else {
          w = new Waiter<>(Waiter.loopOf(actual), Semaphore.this, null);
          waiters.add(w);
        }
      }
      if (w == null) {
        Operators.complete(actual);
      } else {
        w.subscribe(actual);
      }
    }

    @Override
    public String toString() {
      return "acquire " + Semaphore.this;
    }
  }
}
