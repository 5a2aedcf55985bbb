package io.github.asyncio4j;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

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
 * (asyncio's S2, bpo-32734). One exception: a Reactor {@code cancel()} of a bare {@link #acquire()}
 * from another thread, at the very moment the lock is handed to it, cannot be told from a
 * completion its subscriber ignored (an empty {@code Mono} has no value to discard), and the lock
 * stays held. {@link #withLock} has no such window: use it wherever a Reactor cancel may come.
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
  private final MonoWithHold.Holdable holdable = new Holding();

  /** An unlocked lock: asyncio's {@code Lock()}. */
  public Lock() {}

  /**
   * Acquires the lock: asyncio's {@code await lock.acquire()}. Each subscription is one
   * acquisition: it completes at once if the lock is free and nobody waits, else when the lock is
   * handed to it, in FIFO order. Cancelling it while it waits withdraws it; see the class comment,
   * and prefer {@link #withLock} where a Reactor cancel may come from another thread.
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
      next = nextHolder();
      if (next == null) {
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
   * when the result is subscribed, as {@link #acquire()} acquires it (FIFO, no barging), and
   * released exactly once when {@code body} completes, fails or is cancelled, before its outcome is
   * signalled; if the acquisition itself is cancelled, nothing is released, and a lock handed to it
   * at that very moment is passed on. A {@link Condition#await()} in {@code body} gives the lock up
   * and takes it back; withLock releases only a lock the body holds when it ends. A task's cancel
   * reaches the body as {@link CancelledError} first, and the release follows its clean-up; a
   * Reactor {@code cancel()} releases at once, on the cancelling thread (as Reactor's {@code
   * usingWhen} does), even if the body is still running on another thread at that moment. The body
   * runs on the thread that acquired: the loop's thread for a waiter on a loop.
   *
   * @param body the work to do under the lock
   * @param <T> the result type
   * @return {@code body}'s outcome
   */
  public <T> Mono<T> withLock(Mono<T> body) {
    Objects.requireNonNull(body, "body");
    return new MonoWithHold<>(holdable, body, "withLock");
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

  /**
   * Under the lock, releasing: the oldest waiter, who holds the lock from now on; or null, and the
   * lock is free.
   */
  private @Nullable Waiter<?> nextHolder() {
    Waiter<?> w = waiters.poll();
    if (w == null) {
      locked = false;
    }
    return w;
  }

  /** Gives the lock to {@code w}, or to the next waiter if {@code w} was cancelled meanwhile. */
  @SuppressWarnings("unchecked") // every waiter of a lock is a Waiter<Void>
  private void handOff(@Nullable Waiter<?> w) {
    while (w != null && !((Waiter<Void>) w).resolve(null)) {
      synchronized (this) {
        w = nextHolder();
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

  /**
   * Takes a permit if nobody waits and one is free, else queues a waiter for it, FIFO: what every
   * acquisition does first. {@code loop} was found before the lock (see {@link Waiter#loopOf}).
   *
   * @return null if taken, else the queued waiter
   */
  private synchronized @Nullable Waiter<Void> takeOrQueue(@Nullable EventLoop loop) {
    if (!locked && waiters.isEmpty()) {
      locked = true;
      return null;
    }
    Waiter<Void> w = new Waiter<>(loop, this, null);
    waiters.add(w);
    return w;
  }

  /**
   * What withLock holds: the lock. The holding is in its body's {@code Context} under the lock
   * itself, so that {@link Condition#await()} in the body can give the lock up and take it back;
   * withLock then releases only a lock the body still holds. Without it, a Reactor {@code cancel()}
   * of a body waiting in {@code await()} (lock given up) would release the lock a second time, from
   * under whichever task holds it then. It is the body's own holding, not the lock's current
   * holder, so a cancel racing with {@code await()} cannot make one body give up another's lock.
   */
  private final class Holding implements MonoWithHold.Holdable {
    @Override
    public @Nullable Waiter<Void> acquireOrQueue(@Nullable EventLoop loop) {
      return takeOrQueue(loop);
    }

    @Override
    public Context contextFor(Context context, MonoWithHold.HoldSubscriber<?> holding) {
      return context.put(Lock.this, holding);
    }

    @Override
    public void release() {
      Lock.this.release();
    }

    @Override
    public String toString() {
      return Lock.this.toString();
    }
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
      return "acquire " + Lock.this;
    }
  }
}
