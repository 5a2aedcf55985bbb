package io.github.asyncio4j;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A condition variable for tasks: asyncio's {@code asyncio.Condition}. A task holding the
 * underlying {@link Lock} calls {@link #await()} to release it and wait for a {@link #signal(int)};
 * it returns holding the lock again.
 *
 * <p><b>Names.</b> asyncio's {@code wait()}, {@code notify(n)} and {@code notify_all()} are {@code
 * await()}, {@code signal(n)} and {@code signalAll()} here, the words of {@code
 * java.util.concurrent}, because {@link Object}'s final methods own the asyncio names.
 *
 * <p><b>Design.</b> {@code await()} queues a waiter, releases the lock, and waits. {@code
 * signal(n)} wakes the {@code n} oldest waiters; each must then re-acquire the lock through the
 * lock's own FIFO, so it returns only after the signaller releases. The re-acquisition happens on
 * every exit path (asyncio's S5): if the task is cancelled while waiting, or again while
 * re-acquiring, it keeps re-acquiring and re-raises the most recent {@link CancelledError} once it
 * holds the lock, so {@code withLock} around it always releases a lock it holds. A waiter that was
 * signalled but then fails or is cancelled before it returns (before it resumed, or while it
 * re-acquired) passes the signal to the next waiter (asyncio 3.13, gh-112202). Wake-ups may be
 * spurious to callers in general, so re-check the predicate, or use {@link
 * #waitFor(BooleanSupplier)}.
 *
 * <p><b>Reactor cancel.</b> A Reactor {@code cancel()} of the whole {@code await()} (a WebFlux
 * client going away) cannot be intercepted: it ends the wait or the re-acquisition, leaving the
 * lock released. {@link #withLock} (and the lock's own {@link Lock#withLock}) around the {@code
 * await()} knows it, and does not release the lock a second time, from under its next holder.
 *
 * <p><b>Threads.</b> Thread-safe, resuming waiters as {@link Lock} does.
 *
 * <pre>{@code
 * Condition cond = new Condition();
 * cond.withLock(cond.waitFor(() -> resourceReady()).then(useResource()));
 * }</pre>
 */
public final class Condition implements Waiter.Owner {
  private final Lock lock;
  private final WaiterQueue waiters = new WaiterQueue();

  /** A condition with a new lock of its own: asyncio's {@code Condition()}. */
  public Condition() {
    this(new Lock());
  }

  /**
   * A condition on an existing lock: asyncio's {@code Condition(lock)}.
   *
   * @param lock the lock waiters release and re-acquire
   */
  public Condition(Lock lock) {
    this.lock = Objects.requireNonNull(lock, "lock");
  }

  /**
   * Acquires the underlying lock: asyncio's {@code cond.acquire()}.
   *
   * @return the lock's acquisition
   */
  public Mono<Void> acquire() {
    return lock.acquire();
  }

  /** Releases the underlying lock: asyncio's {@code cond.release()}. */
  public void release() {
    lock.release();
  }

  /**
   * Whether the underlying lock is held: asyncio's {@code cond.locked()}.
   *
   * @return true if held
   */
  public boolean locked() {
    return lock.locked();
  }

  /**
   * Runs {@code body} holding the underlying lock: asyncio's {@code async with cond:}.
   *
   * @param body the work
   * @param <T> the result type
   * @return {@code body}'s outcome
   */
  public <T> Mono<T> withLock(Mono<T> body) {
    return lock.withLock(body);
  }

  /**
   * Releases the lock, waits for a signal, re-acquires the lock: asyncio's {@code await
   * cond.wait()}. Fails with {@code IllegalStateException("cannot wait on un-acquired lock")} when
   * subscribed while the lock is not held. See the class comment for cancellation.
   *
   * @return a {@code Mono} of {@code true}, completing with the lock held
   */
  public Mono<Boolean> await() {
    return Mono.deferContextual(
        ctx -> {
          // The withLock around us, if any (its holding, put there by the lock): it must not
          // release the lock while we have given it up, nor miss it once we have it back.
          MonoWithHold.@Nullable HoldSubscriber<?> hold = ctx.getOrDefault(lock, null);
          EventLoop loop = Waiter.loopOf(ctx); // outside the lock: it may walk a long chain
          Waiter<Boolean> w;
          synchronized (this) {
            if (!lock.locked()) {
              return Mono.error(new IllegalStateException("cannot wait on un-acquired lock"));
            }
            w = new Waiter<>(loop, this, null);
            waiters.add(w);
          }
          if (hold == null || hold.giveUp()) {
            lock.release();
          }
          return w.materialize()
              .flatMap(
                  signal -> {
                    Throwable error = signal.getThrowable();
                    if (error != null) {
                      // Cancelled while waiting (or signalled, then cancelled before it resumed:
                      // waiterDropped passed the signal on). Re-acquire, then re-raise.
                      return reacquire(hold).then(Mono.error(error));
                    }
                    // Signalled. If re-acquiring fails or is cancelled, the signal goes to another
                    // waiter (asyncio 3.13, gh-112202): spurious wake-ups are allowed, lost ones
                    // are not.
                    return reacquire(hold)
                        .thenReturn(Boolean.TRUE)
                        .doOnError(e -> wake(1))
                        .doOnCancel(() -> wake(1));
                  });
        });
  }

  /** Re-acquires the lock even when cancelled meanwhile; then re-raises the latest cancellation. */
  private Mono<Void> reacquire(MonoWithHold.@Nullable HoldSubscriber<?> hold) {
    Mono<Void> acquire =
        hold == null ? lock.acquire() : lock.acquire().doOnSuccess(held -> takeBack(hold));
    return acquire.onErrorResume(CancelledError.class, e -> reacquire(hold).then(Mono.error(e)));
  }

  /**
   * The lock is ours again on behalf of {@code hold}: the withLock owns it again; or, if it ended
   * meanwhile (a Reactor cancel while we re-acquired), nobody else will release it, so we do.
   */
  private void takeBack(MonoWithHold.HoldSubscriber<?> hold) {
    if (!hold.takeBack()) {
      lock.release();
    }
  }

  /**
   * Waits until {@code predicate} is true: asyncio's {@code await cond.wait_for(predicate)}. The
   * predicate is checked holding the lock, first at once, then after each wake-up.
   *
   * @param predicate the condition, evaluated on the thread the waiter resumes on
   * @return a {@code Mono} of the predicate's last value ({@code true})
   */
  public Mono<Boolean> waitFor(BooleanSupplier predicate) {
    Objects.requireNonNull(predicate, "predicate");
    // One round: true, or wait and complete empty to go round again. repeat() resubscribes in a
    // loop, so many wake-ups neither deepen the chain nor the stack.
    return Mono.defer(
            () ->
                predicate.getAsBoolean()
                    ? Mono.just(Boolean.TRUE)
                    : await().then(Mono.<Boolean>empty()))
        .repeat()
        .next();
  }

  /**
   * Wakes up to {@code n} waiters, oldest first: asyncio's {@code cond.notify(n)}. The caller must
   * hold the lock; the woken waiters return after it releases.
   *
   * @param n how many to wake; zero or less wakes none
   * @throws IllegalStateException {@code "cannot notify on un-acquired lock"}
   */
  public void signal(int n) {
    if (!lock.locked()) {
      throw new IllegalStateException("cannot notify on un-acquired lock");
    }
    wake(n);
  }

  /**
   * Wakes one waiter: asyncio's {@code cond.notify()}.
   *
   * @throws IllegalStateException {@code "cannot notify on un-acquired lock"}
   */
  public void signal() {
    signal(1);
  }

  /**
   * Wakes every waiter: asyncio's {@code cond.notify_all()}.
   *
   * @throws IllegalStateException {@code "cannot notify on un-acquired lock"}
   */
  public void signalAll() {
    int n;
    synchronized (this) {
      n = waiters.size();
    }
    signal(n);
  }

  @SuppressWarnings("unchecked") // a condition's waiters are all Waiter<Boolean>
  private void wake(int n) {
    int woken = 0;
    while (woken < n) {
      Waiter<?> w;
      synchronized (this) {
        w = waiters.poll();
      }
      if (w == null) {
        return;
      }
      if (((Waiter<Boolean>) w).resolve(Boolean.TRUE)) {
        woken++;
      }
    }
  }

  /**
   * A snapshot for monitoring.
   *
   * @return the lock's state and how many wait for a signal
   */
  public synchronized Statistics statistics() {
    return new Statistics(lock.locked(), waiters.size());
  }

  /**
   * A condition's state at one moment.
   *
   * @param locked whether the underlying lock is held
   * @param waiters how many wait for a signal
   */
  public record Statistics(boolean locked, int waiters) {}

  @Override
  public void waiterCancelled(Waiter<?> w) {
    synchronized (this) {
      waiters.remove(w);
    }
  }

  @Override
  public void waiterDropped(Waiter<?> w) {
    wake(1); // signalled, then cancelled before it resumed: the signal goes to another waiter
  }

  /**
   * asyncio's repr: {@code <Condition [locked, waiters:1]>}.
   *
   * @return the state
   */
  @Override
  public synchronized String toString() {
    return "<Condition ["
        + (lock.locked() ? "locked" : "unlocked")
        + (waiters.isEmpty() ? "" : ", waiters:" + waiters.size())
        + "]>";
  }
}
