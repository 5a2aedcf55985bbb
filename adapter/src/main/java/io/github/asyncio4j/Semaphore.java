package io.github.asyncio4j;

import java.util.Objects;
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
   * acquire() returns (test_acquire_fifo_order_4). Whoever frees a permit (release, a dropped or a
   * resumed hand-off) hands it on, so a permit is never left free while someone waits for it.
   */
  private int value;

  private int handedOff;

  private final WaiterQueue waiters = new WaiterQueue();
  private final Mono<Void> acquire = new Acquire();
  private final MonoWithHold.Holdable holdable = new Holding();

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
    Waiter<?> w;
    boolean more;
    synchronized (this) {
      checkRelease(value + handedOff);
      value++;
      w = takeWaiter();
      more = w != null && value > 0 && !waiters.isEmpty();
    }
    if (w != null) {
      handOff(w, more);
    }
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
   * Runs {@code body} holding a permit: asyncio's {@code async with sem:}. The permit is taken when
   * the result is subscribed, as {@link #acquire()} takes it (FIFO, no barging), and released
   * exactly once when {@code body} completes, fails or is cancelled, before its outcome is
   * signalled. If the acquisition itself is cancelled, nothing is released, and a permit handed to
   * it at that very moment is passed on. A task's cancel reaches the body as {@link
   * CancelledError}, and the release follows its clean-up; a Reactor {@code cancel()} releases at
   * once, on the cancelling thread (as Reactor's {@code usingWhen} does), even if the body is still
   * running on another thread at that moment. The body runs on the thread that acquired: the loop's
   * thread for a waiter on a loop.
   *
   * @param body the work to limit
   * @param <T> the result type
   * @return {@code body}'s outcome
   */
  public <T> Mono<T> withPermit(Mono<T> body) {
    Objects.requireNonNull(body, "body");
    return new MonoWithHold<>(holdable, body, "withPermit");
  }

  /**
   * Takes a permit if nobody waits and one is free, else queues a waiter for it, FIFO: what every
   * acquisition does first. {@code loop} was found before the lock (see {@link Waiter#loopOf}).
   *
   * @return null if taken, else the queued waiter
   */
  private synchronized @Nullable Waiter<Void> takeOrQueue(@Nullable EventLoop loop) {
    if (!isLocked()) {
      value--;
      return null;
    }
    Waiter<Void> w = new Waiter<>(loop, this, null);
    waiters.add(w);
    return w;
  }

  /** What withPermit holds: a permit. */
  private final class Holding implements MonoWithHold.Holdable {
    @Override
    public @Nullable Waiter<Void> acquireOrQueue(@Nullable EventLoop loop) {
      return takeOrQueue(loop);
    }

    @Override
    public void release() {
      Semaphore.this.release();
    }

    @Override
    public String toString() {
      return Semaphore.this.toString();
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

  /** Under the lock: the oldest waiter, with a free permit reserved for it; null if none. */
  private @Nullable Waiter<?> takeWaiter() {
    if (value == 0) {
      return null;
    }
    Waiter<?> w = waiters.poll();
    if (w != null) {
      value--; // reserved for w
      handedOff++;
    }
    return w;
  }

  /**
   * Hands the permit reserved for {@code w} over, outside the lock; then, while {@code more}
   * permits are free for more waiters, the next ones. When none are (the common case), the lock is
   * not taken again.
   */
  @SuppressWarnings("unchecked") // every waiter of a semaphore is a Waiter<Void>
  private void handOff(Waiter<?> w, boolean more) {
    for (; ; ) {
      boolean taken = ((Waiter<Void>) w).resolve(null);
      if (taken && !more) {
        return;
      }
      synchronized (this) {
        if (!taken) {
          value++; // w was cancelled meanwhile: its permit goes on
          handedOff--;
        }
        w = takeWaiter();
        if (w == null) {
          return;
        }
        more = value > 0 && !waiters.isEmpty();
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
    Waiter<?> next;
    boolean more;
    synchronized (this) {
      value++; // handed over but never taken: back, and on to the next waiter
      handedOff--;
      next = takeWaiter();
      more = next != null && value > 0 && !waiters.isEmpty();
    }
    if (next != null) {
      handOff(next, more);
    }
  }

  @Override
  public void waiterResumed(Waiter<?> w) {
    Waiter<?> next;
    boolean more;
    synchronized (this) {
      handedOff--;
      next = takeWaiter(); // permits freed meanwhile go to those who queued behind w
      more = next != null && value > 0 && !waiters.isEmpty();
    }
    if (next != null) {
      handOff(next, more);
    }
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

  /** One acquisition per subscription. */
  private final class Acquire extends Mono<Void> {
    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
      EventLoop loop = Waiter.loopOf(actual); // outside the lock: it may walk a long chain
      Waiter<Void> w = takeOrQueue(loop);
      if (w == null) {
        Operators.complete(actual); // uncontended: no suspension, no allocation
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
