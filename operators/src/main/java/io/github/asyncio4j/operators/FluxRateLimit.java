package io.github.asyncio4j.operators;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * {@link RateLimiter#limit(org.reactivestreams.Publisher)}: one permit per element, taken before
 * the element is requested from upstream, so nothing is ever buffered.
 *
 * <p>The subscriber keeps two counts: {@code requested}, what downstream still wants, and {@code
 * held}, permits taken for elements requested from upstream and not yet arrived. While {@code
 * requested > held} it takes what the bucket holds free ({@code tryTakeUpTo}, at most {@code
 * burst}) and requests that many; when the bucket is empty it subscribes one {@code acquire(1)}, in
 * line with every other acquirer, and requests one element when it is granted. All of this runs in
 * a drain loop that one thread at a time enters.
 */
final class FluxRateLimit<T> extends FluxOperator<T, T> {
  private final TokenBucket bucket;
  private final Object owner;

  FluxRateLimit(Flux<T> source, TokenBucket bucket, Object owner) {
    super(source);
    this.bucket = bucket;
    this.owner = owner;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    try {
      bucket.spec.clock(RateSpec.loopOf(actual.currentContext()), owner);
    } catch (IllegalStateException e) {
      Operators.error(actual, e);
      return;
    }
    source.subscribe(new LimitSubscriber<>(actual, bucket, bucket.acquireMono(1, owner)));
  }

  @SuppressWarnings("rawtypes") // field updaters are made for the raw class
  static final class LimitSubscriber<T> implements CoreSubscriber<T>, Subscription {
    private static final AtomicLongFieldUpdater<LimitSubscriber> REQUESTED =
        AtomicLongFieldUpdater.newUpdater(LimitSubscriber.class, "requested");
    private static final AtomicLongFieldUpdater<LimitSubscriber> HELD =
        AtomicLongFieldUpdater.newUpdater(LimitSubscriber.class, "held");
    private static final AtomicIntegerFieldUpdater<LimitSubscriber> WIP =
        AtomicIntegerFieldUpdater.newUpdater(LimitSubscriber.class, "wip");
    private static final AtomicReferenceFieldUpdater<LimitSubscriber, Object> TERMINAL =
        AtomicReferenceFieldUpdater.newUpdater(LimitSubscriber.class, Object.class, "terminal");

    /** {@code terminal} for a completed upstream; a Throwable is a failure. */
    private static final Object COMPLETE = new Object();

    /** {@code terminal} for a cancelled subscription: nothing to signal. */
    private static final Object CANCELLED = new Object();

    /** Serialized: upstream's signals and a failed permit wait may come from two threads. */
    private final CoreSubscriber<T> actual;

    private final Context context;
    private final TokenBucket bucket;
    private final Mono<Void> acquireOne;
    private @Nullable Subscription upstream;

    /** Downstream's demand not yet met by an element. */
    private volatile long requested;

    /** Permits taken for elements requested upstream and not arrived yet. */
    private volatile long held;

    /**
     * A time no later than the grant of any permit in {@code held} (bucket time): what a give-back
     * counts from. Written in the drain only, when {@code held} was 0.
     */
    private long heldSince;

    /** The pending {@code acquire(1)}, or null. Drain only. */
    private @Nullable PermitWait wait;

    private volatile int wip;

    /**
     * Null while active; then {@link #COMPLETE}, a Throwable or {@link #CANCELLED}, set once. The
     * drain then cleans up and signals it downstream, after giving permits back.
     */
    private volatile @Nullable Object terminal;

    private boolean cleanedUp;

    LimitSubscriber(CoreSubscriber<? super T> actual, TokenBucket bucket, Mono<Void> acquireOne) {
      this.actual = Operators.serialize(actual);
      this.context = actual.currentContext();
      this.bucket = bucket;
      this.acquireOne = acquireOne;
    }

    @Override
    public Context currentContext() {
      return context;
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        actual.onSubscribe(this);
      }
    }

    @Override
    public void onNext(T t) {
      if (terminal != null) {
        Operators.onNextDropped(t, context);
        return;
      }
      if (HELD.decrementAndGet(this) < 0) {
        HELD.incrementAndGet(this);
        Operators.onDiscard(t, context);
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        onError(Exceptions.failWithOverflow("upstream emitted more than the permits requested"));
        return;
      }
      if (requested != Long.MAX_VALUE) {
        REQUESTED.decrementAndGet(this);
      }
      actual.onNext(t);
    }

    @Override
    public void onError(Throwable e) {
      if (TERMINAL.compareAndSet(this, null, e)) {
        drain();
      } else {
        Operators.onErrorDropped(e, context);
      }
    }

    @Override
    public void onComplete() {
      if (TERMINAL.compareAndSet(this, null, COMPLETE)) {
        drain();
      }
    }

    @Override
    public void request(long n) {
      if (Operators.validate(n)) {
        Operators.addCap(REQUESTED, this, n);
        drain();
      }
    }

    @Override
    public void cancel() {
      if (TERMINAL.compareAndSet(this, null, CANCELLED)) {
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        drain();
      }
    }

    /** The permit wait failed (a task cancelled it: CancelledError; or the clock refused). */
    void waitFailed(Throwable e) {
      if (TERMINAL.compareAndSet(this, null, e)) {
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        drain();
      } else {
        Operators.onErrorDropped(e, context);
      }
    }

    void drain() {
      if (WIP.getAndIncrement(this) != 0) {
        return;
      }
      int missed = 1;
      for (; ; ) {
        drainOnce();
        missed = WIP.addAndGet(this, -missed);
        if (missed == 0) {
          return;
        }
      }
    }

    private void drainOnce() {
      Subscription s = upstream;
      if (s == null || cleanedUp) {
        return;
      }
      PermitWait w = wait;
      if (w != null && w.granted) {
        wait = null;
        addHeld(1, w.since);
        w = null;
        if (terminal == null) {
          s.request(1);
        }
      }
      Object t = terminal;
      if (t != null) {
        // Cancelled or terminated: withdraw the wait, give back the permits of elements that
        // never came (less what the bucket earned since: see RateLimiter, "Giving back").
        cleanedUp = true;
        if (w != null) {
          wait = null;
          w.cancel();
        }
        long h = HELD.getAndSet(this, 0);
        if (h > 0) {
          bucket.giveBack(h, heldSince);
        }
        if (t == COMPLETE) {
          actual.onComplete();
        } else if (t instanceof Throwable e) {
          actual.onError(e);
        }
        return;
      }
      if (w != null) {
        return; // in line for a permit
      }
      while (terminal == null) {
        long need = requested - held;
        if (need <= 0) {
          return;
        }
        long before = bucket.now();
        int k = bucket.tryTakeUpTo((int) Math.min(need, Integer.MAX_VALUE));
        if (k > 0) {
          addHeld(k, before);
          s.request(k); // may emit at once: onNext lowers held and requested alike
          continue;
        }
        PermitWait pw = new PermitWait(before);
        wait = pw;
        acquireOne.subscribe(pw); // a grant at once calls drain(): counted in 'missed'
        return;
      }
    }

    private void addHeld(long permits, long since) {
      if (held == 0) {
        heldSince = since; // no permit out: this is the oldest
      }
      HELD.addAndGet(this, permits);
    }

    /** One {@code acquire(1)} in line for this {@code Flux}. */
    final class PermitWait implements CoreSubscriber<Void> {
      final long since;
      volatile boolean granted;
      volatile @Nullable Subscription subscription;

      PermitWait(long since) {
        this.since = since;
      }

      @Override
      public Context currentContext() {
        return context; // inside a task, the wait registers with it: a cancel arrives here
      }

      @Override
      public void onSubscribe(Subscription s) {
        subscription = s;
      }

      @Override
      public void onNext(Void v) {}

      @Override
      public void onError(Throwable e) {
        waitFailed(e);
      }

      @Override
      public void onComplete() {
        granted = true;
        drain();
      }

      void cancel() {
        Subscription s = subscription;
        if (s != null) {
          s.cancel();
        }
      }
    }
  }
}
