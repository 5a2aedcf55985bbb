package io.github.asyncio4j;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A mutual-exclusion lock for tasks and reactive chains: asyncio's {@code asyncio.Lock}. It is not
 * reentrant and has no owner: any code may release it.
 *
 * <p><b>Fairness.</b> Waiters acquire the lock in first-in-first-out order. {@link #release()}
 * hands the lock straight to the oldest waiter, so no newcomer (not even the releaser re-acquiring
 * at once) overtakes it; {@link #locked()} stays true through the hand-off (asyncio reports false
 * in that window, gh-138121). A release happens-before the acquisition it enables.
 *
 * <p><b>Cancellation.</b> A waiter cancelled while waiting (its task cancelled, or a Reactor {@code
 * cancel()}) leaves the queue; one cancelled after the lock was handed to it but before it resumed
 * passes the lock to the next waiter. No cancellation can lose the lock or leave it held by nobody
 * (asyncio's S2, bpo-32734).
 *
 * <p><b>Threads.</b> Thread-safe. An acquirer inside a task or on a loop's thread resumes on that
 * loop, in FIFO order with the loop's other callbacks, one iteration after the hand-off; an
 * acquirer with no loop (a Netty or {@code parallel()} thread) resumes on the thread that calls
 * {@link #release()}. An uncontended {@code acquire} completes at once, without suspending and
 * without allocating.
 *
 * <pre>{@code
 * Lock lock = new Lock();
 * Mono<Void> safe = lock.withLock(safeOperation());   // async with lock: await safe_operation()
 * }</pre>
 */
public final class Lock implements Waiter.Owner {
  /*
   * State, guarded by 'this':
   *   locked == false              -> waiters is empty
   *   locked == true, no waiters   -> held
   *   locked == true, waiters      -> held; release() hands it to the head
   */
  private boolean locked;

  private final WaiterQueue waiters = new WaiterQueue();
  private final Mono<Void> acquire = new Acquire();
  private final Mono<Void> releaseMono = Mono.fromRunnable(this::release);

  /** An unlocked lock: asyncio's {@code Lock()}. */
  public Lock() {}

  /**
   * Acquires the lock: asyncio's {@code await lock.acquire()}. Each subscription is one
   * acquisition: it completes at once if the lock is free and nobody waits, else when the lock is
   * handed to it, in FIFO order. Cancelling it while it waits withdraws it; see the class comment.
   *
   * @return an empty {@code Mono} that completes holding the lock
   */
  public Mono<Void> acquire() {
    return acquire;
  }

  /**
   * Acquires the lock if that needs no waiting: free, and nobody waiting. Never allocates.
   *
   * @return true if the caller now holds the lock
   */
  public synchronized boolean tryAcquire() {
    if (!locked && waiters.isEmpty()) {
      locked = true;
      return true;
    }
    return false;
  }

  /**
   * Releases the lock: asyncio's {@code lock.release()}. If tasks wait, the oldest gets the lock.
   *
   * @throws IllegalStateException {@code "Lock is not acquired."} if it is not locked
   */
  public void release() {
    Waiter<?> next;
    synchronized (this) {
      if (!locked) {
        throw new IllegalStateException("Lock is not acquired.");
      }
      next = waiters.poll();
      if (next == null) {
        locked = false;
        return;
      }
    }
    handOff(next);
  }

  /**
   * Whether the lock is held: asyncio's {@code lock.locked()}.
   *
   * @return true if held (also while being handed to a waiter)
   */
  public synchronized boolean locked() {
    return locked;
  }

  /**
   * Runs {@code body} holding the lock: asyncio's {@code async with lock:}. The lock is acquired
   * when the result is subscribed and released when {@code body} completes, fails or is cancelled;
   * if the acquisition itself is cancelled, nothing is released.
   *
   * @param body the work to do under the lock
   * @param <T> the result type
   * @return {@code body}'s outcome
   */
  public <T> Mono<T> withLock(Mono<T> body) {
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
   * @return whether it is locked and how many wait
   */
  public synchronized Statistics statistics() {
    return new Statistics(locked, waiters.size());
  }

  /**
   * A lock's state at one moment.
   *
   * @param locked whether it is held
   * @param waiters how many acquirers wait
   */
  public record Statistics(boolean locked, int waiters) {}

  /** Gives the lock to {@code w}, or to the next waiter if {@code w} was cancelled meanwhile. */
  @SuppressWarnings("unchecked") // a lock's waiters are all Waiter<Void>
  private void handOff(@Nullable Waiter<?> w) {
    while (w != null && !((Waiter<Void>) w).resolve(null)) {
      synchronized (this) {
        w = waiters.poll();
        if (w == null) {
          locked = false;
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
    release(); // it was ours on the waiter's behalf: pass it on
  }

  /**
   * asyncio's repr: {@code <Lock [locked, waiters:2]>} or {@code <Lock [unlocked]>}.
   *
   * @return the state
   */
  @Override
  public synchronized String toString() {
    if (!locked) {
      return "<Lock [unlocked]>";
    }
    return waiters.isEmpty()
        ? "<Lock [locked]>"
        : "<Lock [locked, waiters:" + waiters.size() + "]>";
  }

  private final class Acquire extends Mono<Void> {
    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
      Waiter<Void> w;
      synchronized (Lock.this) {
        if (!locked && waiters.isEmpty()) {
          locked = true;
          w = null;
        } else {
          w = new Waiter<>(Waiter.loopOf(actual), Lock.this, null);
          waiters.add(w);
        }
      }
      if (w == null) {
        Operators.complete(actual); // uncontended: no suspension, no allocation
      } else {
        w.subscribe(actual);
      }
    }

    @Override
    public String toString() {
      return "acquire " + Lock.this;
    }
  }
}
