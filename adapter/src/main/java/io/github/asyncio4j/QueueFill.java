package io.github.asyncio4j;

import java.util.Objects;
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
 * requesting the next item only once the previous one is in the queue.
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
   * Streams' rules for subscribers hold: one upstream, null items refused, demand of one.
   */
  static final class Filler<T> implements CoreSubscriber<T>, Subscription {
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<Filler, Subscription> UPSTREAM =
        AtomicReferenceFieldUpdater.newUpdater(Filler.class, Subscription.class, "upstream");

    private final Queue<T> queue;
    private final @Nullable CoreSubscriber<? super Void> actual;
    private volatile @Nullable Subscription upstream;
    private volatile @Nullable Subscription pendingPut;
    private volatile boolean putting;
    private volatile boolean sourceDone;
    private volatile boolean finished;

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
      if (Operators.setOnce(UPSTREAM, this, s)) {
        s.request(1);
      }
    }

    @Override
    public void onNext(T item) {
      Objects.requireNonNull(item, "item"); // Reactive Streams rule 2.13
      putting = true;
      queue
          .put(item)
          .subscribe(
              new CoreSubscriber<Void>() {
                @Override
                public Context currentContext() {
                  return Filler.this.currentContext();
                }

                @Override
                public void onSubscribe(Subscription s) {
                  pendingPut = s;
                  s.request(1);
                }

                @Override
                public void onNext(Void v) {}

                @Override
                public void onError(Throwable e) {
                  pendingPut = null;
                  Operators.terminate(UPSTREAM, Filler.this);
                  finish(e);
                }

                @Override
                public void onComplete() {
                  pendingPut = null;
                  putting = false;
                  if (sourceDone) {
                    finish(null);
                  } else {
                    Subscription up = upstream;
                    if (up != null) {
                      up.request(1);
                    }
                  }
                }
              });
    }

    @Override
    public void onError(Throwable e) {
      Objects.requireNonNull(e, "error");
      Subscription put = pendingPut;
      if (put != null) {
        put.cancel();
      }
      finish(e);
    }

    @Override
    public void onComplete() {
      sourceDone = true;
      if (!putting) {
        finish(null);
      }
    }

    private void finish(@Nullable Throwable e) {
      if (finished) {
        return;
      }
      finished = true;
      if (actual == null) {
        if (e != null && !(e instanceof QueueShutDown)) {
          Operators.onErrorDropped(e, Context.empty());
        }
        return;
      }
      if (e != null) {
        actual.onError(e);
      } else {
        actual.onComplete();
      }
    }

    @Override
    public void request(long n) {
      // The downstream Mono<Void> emits no items: demand does not matter.
    }

    @Override
    public void cancel() {
      finished = true;
      Operators.terminate(UPSTREAM, this);
      Subscription put = pendingPut;
      if (put != null) {
        put.cancel();
      }
    }
  }
}
