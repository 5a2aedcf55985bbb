package io.github.asyncio4j;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * {@link Queue#asFlux()}: drains a queue with backpressure, so that an item leaves the queue only
 * for a request. Completes once the queue is shut down and empty, also without demand (the queue
 * tells its drains when it shuts down).
 *
 * <p><b>Design.</b> Every signal to the subscriber comes out of one drain loop, serialized by
 * {@code wip} (the usual Reactor trampoline), so signals never overlap and a request from {@code
 * onNext} does not recurse. With demand, the loop takes as many items as the demand allows (at most
 * {@value #BATCH}) out of the queue under one lock acquisition ({@link Queue#takeBatch}), and emits
 * them outside the lock; the slots it frees go to waiting putters, oldest first, as {@code
 * getNowait()} would free them. It does so only when no getter waits, as {@code get()}'s own fast
 * path: earlier getters are served first. Only when the queue is empty (or getters wait) does it
 * wait, with one {@code get()}: the get's outcome is parked in {@code ready} / {@code getError} and
 * the loop emits it.
 *
 * <p>Worked example: a subscriber requests 3 from a queue holding {@code [a, b, c, d]} with a
 * putter waiting to put {@code e}. One lock: {@code a, b, c} are taken and the putter is promised a
 * slot; outside the lock {@code a}, {@code b}, {@code c} are emitted. If the subscriber cancels in
 * its {@code onNext(a)}, the loop stops there and gives {@code b, c} back to the head of the queue
 * (or to waiting getters, oldest first): the queue is {@code [b, c, d]} again, and then {@code e}.
 * An item that a get delivers after a cancel goes back in the same way: nothing is dropped.
 */
final class QueueFlux<T> extends Flux<T> {
  private final Queue<T> queue;

  QueueFlux(Queue<T> queue) {
    this.queue = queue;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    Drain<T> drain = new Drain<>(queue, actual);
    queue.addShutdownListener(drain); // before any signal, so no shutdown goes unheard
    actual.onSubscribe(drain);
    drain.subscribed = true; // requests made inside onSubscribe are served from here on
    drain.drain();
  }

  /** The most items taken out of the queue under one lock acquisition. */
  static final int BATCH = 256;

  static final class Drain<T> implements Subscription, Runnable {
    @SuppressWarnings("rawtypes") // field updaters cannot name a generic type
    private static final AtomicLongFieldUpdater<Drain> REQUESTED =
        AtomicLongFieldUpdater.newUpdater(Drain.class, "requested");

    @SuppressWarnings("rawtypes") // field updaters cannot name a generic type
    private static final AtomicIntegerFieldUpdater<Drain> WIP =
        AtomicIntegerFieldUpdater.newUpdater(Drain.class, "wip");

    private final Queue<T> queue;
    private final CoreSubscriber<? super T> actual;

    private volatile long requested;
    private volatile int wip;
    volatile boolean subscribed;
    private volatile boolean cancelled;

    /*
     * Written by the get in flight, read by the drain loop. 'inFlight' is set by the loop before it
     * subscribes a get and cleared by the get after 'ready' / 'getError', so a loop that reads
     * inFlight == false first also sees what the get left.
     */
    private volatile boolean inFlight;
    private volatile @Nullable T ready;
    private volatile @Nullable Throwable getError;
    private volatile @Nullable Subscription current;
    private volatile @Nullable Throwable badRequest;

    /** Drain loop only: a terminal signal was emitted, or the subscriber cancelled. */
    private boolean done;

    /**
     * Drain loop only: the items of one batch, between {@link Queue#takeBatch} and their {@code
     * onNext}; empty between batches. Allocated at the first batch.
     */
    private Object @Nullable [] batch;

    Drain(Queue<T> queue, CoreSubscriber<? super T> actual) {
      this.queue = queue;
      this.actual = actual;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        badRequest = Exceptions.nullOrNegativeRequestException(n); // Reactive Streams rule 3.9
      } else {
        Operators.addCap(REQUESTED, this, n);
      }
      drain();
    }

    @Override
    public void cancel() {
      if (cancelled) {
        return;
      }
      cancelled = true;
      cancelGet(); // a pending get is withdrawn; an item already handed to it goes back
      drain();
    }

    /** The queue shut down: complete if nothing is left for us. */
    @Override
    public void run() {
      drain();
    }

    private void cancelGet() {
      Subscription s = current;
      if (s != null) {
        s.cancel();
      }
    }

    void drain() {
      if (!subscribed || WIP.getAndIncrement(this) != 0) {
        return;
      }
      int missed = 1;
      for (; ; ) {
        if (cancelled) {
          T item = ready; // delivered by a get that raced the cancel: not ours to keep
          if (item != null) {
            ready = null;
            queue.giveBack(item);
          }
          if (!done) {
            done = true;
            queue.removeShutdownListener(this);
          }
        } else if (!done) {
          Throwable bad = badRequest;
          if (bad != null) {
            done = true;
            cancelled = true; // an item still on its way goes back on the next pass
            cancelGet();
            queue.removeShutdownListener(this);
            actual.onError(bad);
            continue;
          }
          boolean busy = inFlight; // read before 'ready': see the class comment
          T item = ready;
          if (item != null) {
            ready = null; // a get is issued only with demand, so there is some
            actual.onNext(item);
            Operators.produced(REQUESTED, this, 1); // leaves an unbounded demand unbounded
            continue;
          }
          if (!busy) {
            Throwable e = getError;
            if (e != null) {
              done = true;
              queue.removeShutdownListener(this);
              if (e instanceof QueueShutDown) {
                actual.onComplete();
              } else {
                actual.onError(e); // CancelledError when the awaiting task was cancelled
              }
            } else if (requested > 0) {
              int taken = takeAndEmit();
              if (taken > 0) {
                continue; // demand may remain: look again
              }
              if (taken == Queue.SHUT_DOWN_AND_EMPTY) {
                done = true;
                queue.removeShutdownListener(this);
                actual.onComplete();
              } else {
                // Empty, or getters came first: wait in line with one get.
                inFlight = true;
                queue.get().subscribe(new GetSubscriber());
                continue; // a get served at once has already left its outcome
              }
            } else if (queue.isShutDownAndEmpty()) {
              done = true; // no demand, but nothing more will come: complete now
              queue.removeShutdownListener(this);
              actual.onComplete();
            }
          }
        }
        missed = WIP.addAndGet(this, -missed);
        if (missed == 0) {
          return;
        }
      }
    }

    /**
     * Drain loop: takes as many items as the demand allows out of the queue at once and emits them.
     * If the subscriber cancels meanwhile, the items not emitted go back, in their order.
     *
     * @return the items taken, or {@link Queue#takeBatch}'s 0 or {@link Queue#SHUT_DOWN_AND_EMPTY}
     */
    @SuppressWarnings("unchecked") // the batch holds only the queue's items
    private int takeAndEmit() {
      Object[] b = batch;
      if (b == null) {
        int maxsize = queue.maxsize();
        b = batch = new Object[maxsize > 0 ? Math.min(maxsize, BATCH) : BATCH];
      }
      long r = requested;
      int k = queue.takeBatch(b, (int) Math.min(r, b.length));
      int emitted = 0;
      while (emitted < k && !cancelled) {
        T item = (T) b[emitted];
        b[emitted++] = null;
        actual.onNext(item);
      }
      if (emitted < k) {
        // Cancelled halfway (Reactive Streams rule 3.13: stop soon): the rest was never emitted.
        queue.giveBackAll(b, emitted, k);
        Arrays.fill(b, emitted, k, null);
      }
      if (emitted > 0) {
        Operators.produced(REQUESTED, this, emitted); // leaves an unbounded demand unbounded
      }
      return k;
    }

    /** One get: leaves its outcome for the drain loop. */
    private final class GetSubscriber implements CoreSubscriber<T> {
      @Override
      public Context currentContext() {
        return actual.currentContext();
      }

      @Override
      public void onSubscribe(Subscription s) {
        current = s;
        if (cancelled) {
          s.cancel(); // the cancel may have missed 'current': withdraw here
        } else {
          s.request(1);
        }
      }

      @Override
      public void onNext(T item) {
        ready = item;
      }

      @Override
      public void onError(Throwable e) {
        current = null;
        getError = e;
        inFlight = false;
        drain();
      }

      @Override
      public void onComplete() {
        current = null;
        inFlight = false;
        drain();
      }
    }
  }
}
