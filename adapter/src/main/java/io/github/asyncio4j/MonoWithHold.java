package io.github.asyncio4j;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * {@link Semaphore#withPermit} and {@link Lock#withLock}: asyncio's {@code async with primitive:}.
 * Per subscription one {@link HoldSubscriber} takes a permit (or the lock), subscribes the body,
 * and gives the permit back exactly once, however the body ends: completion, error, or a Reactor
 * {@code cancel()}. It replaces {@code Mono.usingWhen} plus a token per acquisition: an uncontended
 * holding allocates only the subscriber (and, for a lock, the body's context), a waiting one adds
 * its waiter and the waiter's await.
 *
 * <p><b>How it holds.</b> An uncontended acquisition subscribes the body at once. A contended one
 * subscribes the subscriber to its {@link Waiter}, so the wait is an ordinary asyncio4j await: a
 * task's cancel reaches it as {@link CancelledError}, and the primitive's hand-off, FIFO and
 * cancellation rules are the waiter's. The subscriber tells the waiter's completion (the permit is
 * handed to it) from the body's by its phase.
 *
 * <p><b>The race this class exists for.</b> A Reactor cancel may come from another thread at the
 * very moment a permit is handed to the waiting subscriber. Either the waiter's await loses (the
 * cancel withdraws it, or the primitive gets the permit back through {@link
 * Waiter.Owner#waiterDropped}), or the grant is delivered anyway, after the cancel: the subscriber
 * is then {@code ABANDONED} and releases what it was given. Never both, never neither.
 *
 * @param <T> the body's result type
 */
final class MonoWithHold<T> extends Mono<T> implements Scannable {
  /** What {@code withPermit}/{@code withLock} holds: a {@link Semaphore} or a {@link Lock}. */
  interface Holdable {
    /**
     * Takes a permit if that needs no waiting, else queues a waiter for one. Called outside the
     * primitive's lock.
     *
     * @param loop the loop the waiter resumes on, found outside the lock; null off any loop
     * @return null if the permit was taken, else the queued waiter, resolved empty at the hand-off
     */
    @Nullable Waiter<Void> acquireOrQueue(@Nullable EventLoop loop);

    /** Gives a permit back: the primitive's {@code release()}. */
    void release();

    /**
     * The context the waiter and the body see: {@code context}, plus what the body needs to find
     * this holding (a {@link Lock} puts it under itself, for {@link Condition#await()}).
     *
     * @param context the subscriber's context
     * @param holding the holding the body runs in
     * @return the body's context
     */
    default Context contextFor(Context context, HoldSubscriber<?> holding) {
      return context;
    }
  }

  private final Holdable primitive;
  private final Mono<T> body;
  private final String name;

  /**
   * Holds {@code primitive} around {@code body}.
   *
   * @param name the operator's name in a task's repr: {@code withPermit} or {@code withLock}
   */
  MonoWithHold(Holdable primitive, Mono<T> body, String name) {
    this.primitive = primitive;
    this.body = body;
    this.name = name;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    HoldSubscriber<T> h = new HoldSubscriber<>(actual, primitive, body);
    actual.onSubscribe(h);
    h.acquire();
  }

  @Override
  public @Nullable Object scanUnsafe(Attr key) {
    // A contended holding resumes on its loop, or on the releasing thread: not synchronous.
    return key == Attr.RUN_STYLE ? Attr.RunStyle.ASYNC : null;
  }

  @Override
  public String stepName() {
    return name; // a task's repr: coro=<withLock>
  }

  @Override
  public String toString() {
    return name + " " + primitive;
  }

  /**
   * One holding: the subscription its subscriber sees, the subscriber of the waiter's await, then
   * of the body.
   *
   * <pre>
   *   ACQUIRING --granted--> HELD --body ends, or cancel--> DONE (released)
   *   ACQUIRING --the wait fails (a task's cancel)--> DONE (nothing to release)
   *   ACQUIRING --Reactor cancel--> ABANDONED --granted all the same--> DONE (released)
   *   HELD --Condition.await gives the lock up--> GIVEN_UP --takes it back--> HELD
   *   GIVEN_UP --body ends, or cancel--> DONE (nothing to release: await did, or will)
   * </pre>
   *
   * <p>Each move out of HELD or ABANDONED is one atomic step, so the permit goes back once.
   *
   * @param <T> the body's result type
   */
  static final class HoldSubscriber<T> extends Operators.MonoSubscriber<T, T> {
    private static final int ACQUIRING = 0;
    private static final int ABANDONED = 1;
    private static final int HELD = 2;
    private static final int GIVEN_UP = 3;
    private static final int DONE = 4;

    @SuppressWarnings("rawtypes") // a field updater of a generic class
    private static final AtomicIntegerFieldUpdater<HoldSubscriber> PHASE =
        AtomicIntegerFieldUpdater.newUpdater(HoldSubscriber.class, "phase");

    @SuppressWarnings("rawtypes") // a field updater of a generic class
    private static final AtomicReferenceFieldUpdater<HoldSubscriber, Subscription> UPSTREAM =
        AtomicReferenceFieldUpdater.newUpdater(
            HoldSubscriber.class, Subscription.class, "upstream");

    private final Holdable primitive;
    private final Mono<T> body;

    /**
     * The body's context, made once: the waiter, the body and its awaits all ask for it, and each
     * ask would otherwise walk the whole operator chain down to the task.
     */
    private final Context context;

    private volatile int phase;

    /** The waiter's await, then the body's subscription; Reactor's CANCELLED once cancelled. */
    private volatile @Nullable Subscription upstream;

    HoldSubscriber(CoreSubscriber<? super T> actual, Holdable primitive, Mono<T> body) {
      super(actual);
      this.primitive = primitive;
      this.body = body;
      this.context = primitive.contextFor(actual.currentContext(), this);
    }

    @Override
    public Context currentContext() {
      return context;
    }

    /** Takes the permit, or waits for it. */
    @SuppressWarnings("unchecked") // the waiter completes empty: it never calls onNext(T)
    void acquire() {
      if (phase != ACQUIRING) {
        return; // cancelled from onSubscribe
      }
      Waiter<Void> w = primitive.acquireOrQueue(Waiter.loopOf(context));
      if (w == null) {
        granted();
      } else {
        ((Mono<T>) (Mono<?>) w).subscribe(this); // onSubscribe(await); onComplete at the hand-off
      }
    }

    /** The permit is ours: run the body, or give it back if a Reactor cancel came first. */
    private void granted() {
      if (PHASE.compareAndSet(this, ACQUIRING, HELD)) {
        body.subscribe(this);
      } else if (PHASE.compareAndSet(this, ABANDONED, DONE)) {
        // Handed over while the cancel withdrew the wait, and the hand-off won: pass it on.
        releaseDropped();
      }
    }

    @Override
    public void onSubscribe(Subscription s) {
      // The await, then the body: replacing never cancels the await, which is done by then.
      if (Operators.replace(UPSTREAM, this, s)) {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(T t) {
      value = t; // a Mono's one value, delivered with the completion, after the release
    }

    @Override
    public void onComplete() {
      int p = phase;
      if (p == ACQUIRING || p == ABANDONED) {
        granted(); // the await of the waiter completed: handed a permit
        return;
      }
      p = PHASE.getAndSet(this, DONE);
      if (p == DONE) {
        return; // cancelled meanwhile, and released then
      }
      T v = value;
      if (p == HELD) {
        try {
          primitive.release();
        } catch (RuntimeException e) {
          // A BoundedSemaphore released too often, a Lock released by hand inside the body.
          value = null;
          Operators.onDiscard(v, context);
          actual.onError(e);
          return;
        }
      }
      if (v == null) {
        actual.onComplete();
      } else {
        complete(v);
      }
    }

    @Override
    public void onError(Throwable error) {
      int p = PHASE.getAndSet(this, DONE);
      if (p == HELD) {
        try {
          primitive.release();
        } catch (RuntimeException e) {
          error.addSuppressed(e);
        }
      } else if (p == ABANDONED || p == DONE) {
        // The wait failed after a Reactor cancel (nothing was handed over), or the body failed
        // after one: nobody listens any more.
        if (!(error instanceof CancelledError)) {
          Operators.onErrorDropped(error, context);
        }
        return;
      }
      actual.onError(error); // the wait failed (ACQUIRING), or the body did
    }

    /**
     * A Reactor cancel: withdraw the wait, or cancel the body and give the permit back at once, on
     * the calling thread (as {@code usingWhen} does), even if the body still runs elsewhere.
     */
    @Override
    public void cancel() {
      for (; ; ) {
        int p = phase;
        if (p == DONE || p == ABANDONED) {
          return;
        }
        int next = p == ACQUIRING ? ABANDONED : DONE;
        if (PHASE.compareAndSet(this, p, next)) {
          super.cancel();
          Operators.terminate(UPSTREAM, this); // the await withdraws, or the body stops
          if (p == HELD) {
            releaseDropped();
          }
          return;
        }
      }
    }

    /** Releases on behalf of a subscriber that is gone: a failure can only be reported. */
    private void releaseDropped() {
      try {
        primitive.release();
      } catch (RuntimeException e) {
        Operators.onErrorDropped(e, context);
      }
    }

    /**
     * {@link Condition#await()} gives the lock up: false if this holding already ended (a Reactor
     * cancel meanwhile released it, so the caller must not).
     */
    boolean giveUp() {
      return PHASE.compareAndSet(this, HELD, GIVEN_UP);
    }

    /**
     * {@link Condition#await()} holds the lock again: true if this holding owns it again; false if
     * it ended meanwhile (a Reactor cancel while it re-acquired), and the caller must release it.
     */
    boolean takeBack() {
      return PHASE.compareAndSet(this, GIVEN_UP, HELD);
    }

    @Override
    public String toString() {
      return "holding " + primitive;
    }
  }
}
