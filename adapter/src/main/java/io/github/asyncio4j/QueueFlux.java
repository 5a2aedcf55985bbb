package io.github.asyncio4j;

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
 * {@link Queue#asFlux()}: drains a queue with backpressure, one {@code get} in flight at a time and
 * only while the subscriber has demand. Completes on {@link QueueShutDown}. A trampoline ({@code
 * wip}) keeps synchronous gets from recursing.
 */
final class QueueFlux<T> extends Flux<T> {
  private final Queue<T> queue;

  QueueFlux(Queue<T> queue) {
    this.queue = queue;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    actual.onSubscribe(new Drain<>(queue, actual));
  }

  static final class Drain<T> implements Subscription {
    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<Drain> REQUESTED =
        AtomicLongFieldUpdater.newUpdater(Drain.class, "requested");

    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<Drain> WIP =
        AtomicIntegerFieldUpdater.newUpdater(Drain.class, "wip");

    private final Queue<T> queue;
    private final CoreSubscriber<? super T> actual;
    private volatile long requested;
    private volatile int wip;
    private volatile boolean cancelled;
    private volatile boolean inFlight;
    private volatile boolean done;
    private volatile @Nullable Subscription current;

    Drain(Queue<T> queue, CoreSubscriber<? super T> actual) {
      this.queue = queue;
      this.actual = actual;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancel();
        actual.onError(Exceptions.nullOrNegativeRequestException(n));
        return;
      }
      Operators.addCap(REQUESTED, this, n);
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
      Subscription s = current;
      if (s != null) {
        s.cancel(); // a pending get is withdrawn; a handed item goes back to the queue
      }
    }

    private void drain() {
      if (WIP.getAndIncrement(this) != 0) {
        return;
      }
      int missed = 1;
      do {
        if (!cancelled && !done && !inFlight && requested > 0) {
          inFlight = true;
          queue.get().subscribe(new GetSubscriber());
        }
        missed = WIP.addAndGet(this, -missed);
      } while (missed != 0);
    }

    /** One get: emits its item, then lets the drain issue the next. */
    private final class GetSubscriber implements CoreSubscriber<T> {
      private boolean got;

      @Override
      public Context currentContext() {
        return actual.currentContext();
      }

      @Override
      public void onSubscribe(Subscription s) {
        current = s;
        if (cancelled) {
          s.cancel();
        } else {
          s.request(1);
        }
      }

      @Override
      public void onNext(T item) {
        got = true;
        if (cancelled) {
          return; // unreachable in practice: a cancelled get gives its item back
        }
        REQUESTED.decrementAndGet(Drain.this);
        actual.onNext(item);
      }

      @Override
      public void onError(Throwable e) {
        current = null;
        if (cancelled || done) {
          return;
        }
        done = true;
        if (e instanceof QueueShutDown) {
          actual.onComplete();
        } else {
          actual.onError(e);
        }
      }

      @Override
      public void onComplete() {
        current = null;
        if (!got && !cancelled && !done) {
          done = true; // an empty get never happens; treat it as the end
          actual.onComplete();
          return;
        }
        inFlight = false;
        drain();
      }
    }
  }
}
