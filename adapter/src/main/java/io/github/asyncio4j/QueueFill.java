package io.github.asyncio4j;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * {@link Queue#putAll(Publisher)}: subscribes to the source and puts its items one at a time,
 * requesting the next item only once the previous one is in the queue. So the source is never asked
 * for more than one item beyond what the queue has taken.
 */
final class QueueFill<T> extends Mono<Void> {
  private final Queue<T> queue;
  private final Publisher<? extends T> source;

  QueueFill(Queue<T> queue, Publisher<? extends T> source) {
    this.queue = queue;
    this.source = source;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Void> actual) {
    Filler<T> filler = new Filler<>(queue, actual);
    actual.onSubscribe(filler);
    source.subscribe(filler);
  }

  /**
   * The subscriber to the source, and the subscription of the downstream {@code Mono}. Reactive
   * Streams' rules for subscribers hold: one upstream (a second is cancelled), null items and
   * signals refused with {@link NullPointerException}, demand of one at a time, signals after a
   * terminal one or a cancel ignored.
   *
   * <p>Terminal signals race: the source may complete on its thread while the last put completes on
   * a getter's; {@code finished} lets exactly one of them end the transfer. Without a downstream
   * (the Reactive Streams TCK subscribes a bare filler), a failure other than the queue's shutdown
   * goes to Reactor's {@code onErrorDropped} hook.
   */
  static final class Filler<T> implements CoreSubscriber<T>, Subscription {
    @SuppressWarnings("rawtypes") // field updaters cannot name a generic type
    private static final AtomicReferenceFieldUpdater<Filler, Subscription> UPSTREAM =
        AtomicReferenceFieldUpdater.newUpdater(Filler.class, Subscription.class, "upstream");

    @SuppressWarnings("rawtypes") // field updaters cannot name a generic type
    private static final AtomicIntegerFieldUpdater<Filler> FINISHED =
        AtomicIntegerFieldUpdater.newUpdater(Filler.class, "finished");

    private final Queue<T> queue;
    private final @Nullable CoreSubscriber<? super Void> actual;
    private volatile @Nullable Subscription upstream;
    private volatile @Nullable Subscription pendingPut;
    private volatile boolean putting;
    private volatile boolean sourceDone;
    private volatile boolean cancelled;

    /** 0 while the transfer runs; 1 once it completed, failed or was cancelled. */
    private volatile int finished;

    Filler(Queue<T> queue, @Nullable CoreSubscriber<? super Void> actual) {
      this.queue = queue;
      this.actual = actual;
    }

    @Override
    public Context currentContext() {
      return actual != null ? actual.currentContext() : Context.empty();
    }

    @Override
    public void onSubscribe(Subscription s) {
      Objects.requireNonNull(s, "subscription"); // Reactive Streams rule 2.13
      if (Operators.setOnce(UPSTREAM, this, s)) { // a second one is cancelled (rule 2.5)
        s.request(1);
      }
    }

    @Override
    public void onNext(T item) {
      Objects.requireNonNull(item, "item"); // Reactive Streams rule 2.13
      if (finished != 0 || putting) {
        // After a cancel or a failure (rule 2.8), or beyond the one item asked for: not ours.
        Operators.onDiscard(item, currentContext());
        return;
      }
      putting = true;
      queue.put(item).subscribe(new PutSubscriber());
    }

    @Override
    public void onError(Throwable e) {
      Objects.requireNonNull(e, "error"); // Reactive Streams rule 2.13
      Subscription put = pendingPut;
      if (put != null) {
        put.cancel(); // the item in hand is not put: a promised slot passes on
      }
      finish(e);
    }

    @Override
    public void onComplete() {
      sourceDone = true;
      if (!putting) {
        finish(null); // else the put in flight finishes the transfer
      }
    }

    private void finish(@Nullable Throwable e) {
      if (!FINISHED.compareAndSet(this, 0, 1)) {
        if (e != null && !(e instanceof QueueShutDown)) {
          Operators.onErrorDropped(e, currentContext());
        }
        return;
      }
      CoreSubscriber<? super Void> a = actual;
      if (a == null) {
        if (e != null && !(e instanceof QueueShutDown)) {
          Operators.onErrorDropped(e, Context.empty());
        }
      } else if (e != null) {
        a.onError(e);
      } else {
        a.onComplete();
      }
    }

    /** The downstream {@code Mono<Void>} emits no items: its demand does not matter. */
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {
      cancelled = true;
      if (!FINISHED.compareAndSet(this, 0, 1)) {
        return;
      }
      Operators.terminate(UPSTREAM, this);
      Subscription put = pendingPut;
      if (put != null) {
        put.cancel();
      }
    }

    /** The put of the one item in hand. */
    private final class PutSubscriber implements CoreSubscriber<Void> {
      @Override
      public Context currentContext() {
        return Filler.this.currentContext();
      }

      @Override
      public void onSubscribe(Subscription s) {
        pendingPut = s;
        if (cancelled) {
          s.cancel(); // the cancel may have missed 'pendingPut': withdraw here
        } else {
          s.request(1);
        }
      }

      @Override
      public void onNext(Void v) {}

      @Override
      public void onError(Throwable e) {
        pendingPut = null;
        Operators.terminate(UPSTREAM, Filler.this); // QueueShutDown: stop the source
        finish(e);
      }

      @Override
      public void onComplete() {
        pendingPut = null;
        putting = false;
        if (sourceDone) {
          finish(null);
        } else if (finished == 0) {
          Subscription up = upstream;
          if (up != null) {
            up.request(1);
          }
        }
      }
    }
  }
}
