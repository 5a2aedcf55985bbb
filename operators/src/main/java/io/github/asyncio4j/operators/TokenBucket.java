package io.github.asyncio4j.operators;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.InvalidStateError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * One token bucket and its FIFO queue of waiters: the engine of {@link RateLimiter} (one bucket)
 * and {@link KeyedRateLimiter} (one per key). The design is explained on {@link RateLimiter}.
 *
 * <h2>The bucket as one instant</h2>
 *
 * <p>The bucket is stored as the instant {@code Z} at which it was (or will be) empty, on the
 * clock, in nanoseconds: at time {@code t} it holds {@code min(burst, (t - Z) / interval)} permits.
 * Taking {@code n} permits moves {@code Z} forward by {@code n × interval}; refilling is the clock
 * moving on; a full bucket keeps {@code Z = t - capacity}. {@code Z} is a {@code long} plus a
 * fraction in {@code [0, 1)}, so rates that do not divide a second stay exact over years.
 *
 * <h2>Invariants, guarded by {@code this}</h2>
 *
 * <ul>
 *   <li>{@code Z <= now} after every grant: a permit is never granted before the bucket earned it.
 *   <li>{@code Z >= now - capacity} after every observation: the bucket never holds more than
 *       {@code burst}.
 *   <li>{@code head == null} or {@code readyAt(head.permits) > now} once a drain has run: the head
 *       waits only for permits the bucket does not hold yet, and a wake-up is armed for it.
 *   <li>Waiters in the queue are {@code WAITING}; no permit is taken for them until they are
 *       granted, so withdrawing one needs no give-back.
 * </ul>
 */
final class TokenBucket {
  private static final AtomicIntegerFieldUpdater<TokenBucket> WIP =
      AtomicIntegerFieldUpdater.newUpdater(TokenBucket.class, "wip");

  final RateSpec spec;

  /** A keyed bucket's key and its links in the keyed limiter's LRU list (guarded by that lock). */
  @Nullable Object key;

  @Nullable TokenBucket lruPrev;
  @Nullable TokenBucket lruNext;

  // ---- guarded by this
  private boolean primed;
  private long emptyAt;
  private double emptyAtFrac;

  /** The last raw clock reading, and how far the clock went backwards in total (time stood). */
  private long lastRaw = Long.MIN_VALUE;

  private long skew;

  private @Nullable Waiter head;
  private @Nullable Waiter tail;
  private int waiterCount;
  private long queuedPermits;

  /** The armed wake-up for the head, or null. */
  private @Nullable Wakeup wakeup;

  /** Acquisitions between a keyed lookup and their enqueue: such a bucket is not idle. */
  private int pins;

  // ---- drain serialization: one thread pops and delivers at a time, so grants resume in order
  private volatile int wip;

  TokenBucket(RateSpec spec) {
    this.spec = spec;
  }

  // ------------------------------------------------------------------ time (lock held)

  /**
   * Reads the clock as the bucket's monotonic time, refilling (capping) the bucket.
   *
   * <p>A reading below the last one is either stale (another thread read the clock later but took
   * the lock first) or a clock that went back. An event loop's clock never goes back, so there it
   * is stale, and time stands still for it: the bucket's time never runs ahead of the clock. Any
   * other clock is read under the lock (see {@link #reading}), so there it went back (a wall clock
   * set back), and time stands still from then on by an offset, instead of the bucket refilling
   * nothing until the clock catches up.
   */
  private long observe(long raw) {
    long now;
    if (raw >= lastRaw) {
      lastRaw = raw;
      now = raw + skew;
    } else if (spec.boundClock() instanceof EventLoop) {
      now = lastRaw + skew; // stale: a racing reader got the lock first
    } else {
      skew += lastRaw - raw; // the clock went back: time stands still instead
      lastRaw = raw;
      now = raw + skew;
    }
    if (!primed) {
      primed = true;
      emptyAt = now - spec.capacityCeil; // born full
      emptyAtFrac = spec.capacityFrac;
    } else if (elapsed(now) > spec.capacity) {
      emptyAt = now - spec.capacityCeil; // full: the bucket does not hold more than burst
      emptyAtFrac = spec.capacityFrac;
    }
    return now;
  }

  private long observe() {
    return observe(RateSpec.nanos(clock()));
  }

  /** Nanoseconds of refill the bucket holds at {@code now}: permits × interval. */
  private double elapsed(long now) {
    return (double) (now - emptyAt) - emptyAtFrac;
  }

  /** The first instant at which the bucket holds {@code permits} (the queue aside). */
  private long readyAt(long permits) {
    double d = Math.ceil(emptyAtFrac + permits * spec.interval);
    long whole = (long) d; // saturates
    long r = emptyAt + whole;
    return ((emptyAt ^ r) & (whole ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  /** Takes {@code permits}: moves Z forward. */
  private void advance(long permits) {
    double f = emptyAtFrac + permits * spec.interval;
    long whole = (long) f;
    emptyAt += whole;
    emptyAtFrac = f - whole;
  }

  private Scheduler clock() {
    Scheduler c = spec.boundClock();
    if (c == null) {
      throw new IllegalStateException("no running event loop");
    }
    return c;
  }

  // ------------------------------------------------------------------ non-waiting operations

  /**
   * A clock reading taken by a caller before it took the lock, or, for a clock other than an event
   * loop's, a new one: such a clock may go back, and only readings taken under the lock tell a
   * clock that went back from a reader that lost the race for the lock.
   */
  private long reading(long raw) {
    Scheduler c = spec.boundClock();
    return c == null || c instanceof EventLoop ? raw : RateSpec.nanos(c);
  }

  /**
   * Takes {@code permits} if the bucket holds them and nobody waits, reading {@code clock} (the
   * bound clock). Never allocates. An event loop's clock is read before the lock, so that the lock
   * is held for a few arithmetic operations only; any other clock under it (see {@link #reading}).
   */
  boolean tryTake(int permits, Scheduler clock) {
    if (!(clock instanceof EventLoop)) {
      synchronized (this) {
        return take(permits, RateSpec.nanos(clock));
      }
    }
    long raw = RateSpec.nanos(clock);
    synchronized (this) {
      return take(permits, raw);
    }
  }

  /** As {@link #tryTake(int, Scheduler)} with a clock reading taken by the caller. */
  synchronized boolean tryTake(int permits, long raw) {
    return take(permits, reading(raw));
  }

  private boolean take(int permits, long raw) {
    if (head != null) {
      return false; // FIFO: never pass a waiter, even when the bucket holds enough
    }
    long now = observe(raw);
    // readyAt(permits) <= now, and advance(permits), sharing the sum; readyAt's overflow guard is
    // not needed here: now - emptyAt <= capacity <= 2^62 after observe. Exact below 2^53 ns (104
    // days of refill); above, the comparison may be off by the last bit of the double, as readyAt.
    double f = emptyAtFrac + permits * spec.interval;
    if ((double) (now - emptyAt) < f) {
      return false; // for a whole number x, x >= ceil(f) if and only if x >= f
    }
    long whole = (long) f;
    emptyAt += whole;
    emptyAtFrac = f - whole;
    return true;
  }

  /** Takes as many whole permits as the bucket holds, up to {@code max}, if nobody waits. */
  synchronized int tryTakeUpTo(int max) {
    if (head != null) {
      return 0;
    }
    long now = observe();
    int k = (int) Math.min(Math.min(max, spec.burst), Math.floor(elapsed(now) / spec.interval));
    while (k > 0 && readyAt(k) > now) {
      k--; // the last ulp: readyAt is the authority, as for waiters
    }
    if (k <= 0) {
      return 0;
    }
    advance(k);
    return k;
  }

  /** The bucket's monotonic time now. */
  synchronized long now() {
    return observe();
  }

  /**
   * Gives back {@code permits} taken at {@code since} and not used, less what the bucket refilled
   * meanwhile: {@code max(0, permits × interval - (now - since))} nanoseconds of credit. Then wakes
   * the waiters it may now serve. See "Giving back" on {@link RateLimiter}.
   */
  void giveBack(long permits, long since) {
    synchronized (this) {
      credit(permits, since, observe());
    }
    drain();
  }

  private void credit(long permits, long since, long now) {
    double credit = permits * spec.interval - (double) (now - since);
    if (credit <= 0) {
      return; // held for a whole interval per permit: the bucket has already refilled them
    }
    double f = emptyAtFrac - credit;
    long whole = (long) Math.floor(f);
    emptyAt += whole;
    emptyAtFrac = f - whole;
    if (elapsed(now) > spec.capacity) {
      emptyAt = now - spec.capacityCeil;
      emptyAtFrac = spec.capacityFrac;
    }
  }

  /** How long an acquisition of {@code permits} made now would wait, if nobody withdraws. */
  synchronized Duration retryAfter(int permits, long raw) {
    long now = observe(reading(raw));
    long at = readyAt(queuedPermits + permits);
    return at <= now ? Duration.ZERO : Duration.ofNanos(at - now);
  }

  synchronized Duration retryAfter(int permits) {
    return retryAfter(permits, RateSpec.nanos(clock()));
  }

  /** Whether the bucket is full, nobody waits, and no acquisition is on its way: it may go. */
  synchronized boolean idle(long raw) {
    if (pins != 0 || head != null) {
      return false;
    }
    if (!primed) {
      return true;
    }
    return elapsed(observe(reading(raw))) >= spec.capacity;
  }

  /** Nanoseconds until the bucket is idle if nothing else arrives. */
  synchronized long untilIdle(long raw) {
    long now = observe(reading(raw));
    long at = readyAt(queuedPermits + spec.burst);
    return Math.max(1, at - now);
  }

  /** Permits held now (fractional), without binding a clock. */
  synchronized double permits() {
    if (spec.boundClock() == null) {
      return spec.burst;
    }
    long now = observe();
    return Math.max(0, Math.min(spec.burst, elapsed(now) / spec.interval));
  }

  synchronized int waiters() {
    return waiterCount;
  }

  synchronized void pin() {
    pins++;
  }

  // ------------------------------------------------------------------ the queue

  /**
   * Appends {@code w} to the queue, unless it was cancelled while it subscribed. A drain must
   * follow. {@code unpin} releases a {@link #pin()} taken by a keyed lookup.
   */
  void enqueue(Waiter w, boolean unpin) {
    synchronized (this) {
      if (unpin) {
        pins--;
      }
      w.bucket = this; // published before reading cancelRequested: pairs with Waiter.cancel
      if (w.cancelRequested) {
        w.state = Waiter.CANCELLED;
        return;
      }
      w.state = Waiter.WAITING;
      w.prev = tail;
      if (tail == null) {
        head = w;
      } else {
        tail.next = w;
      }
      tail = w;
      waiterCount++;
      queuedPermits += w.permits;
    }
  }

  private void unlink(Waiter w) {
    Waiter p = w.prev;
    Waiter n = w.next;
    if (p == null) {
      head = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      tail = p;
    } else {
      n.prev = p;
    }
    w.prev = null;
    w.next = null;
    waiterCount--;
    queuedPermits -= w.permits;
  }

  /** Pops the head if the bucket holds its permits; drops heads whose awaiter is gone. */
  private @Nullable Waiter pollReady(long now) {
    for (; ; ) {
      Waiter w = head;
      if (w == null) {
        return null;
      }
      if (w.abandoned()) {
        unlink(w); // its task cancelled the wait; its own withdraw will find it gone
        w.state = Waiter.CANCELLED;
        continue;
      }
      if (readyAt(w.permits) > now) {
        return null;
      }
      unlink(w);
      advance(w.permits);
      w.state = Waiter.GRANTED;
      w.grantedAt = now;
      return w;
    }
  }

  /**
   * Withdraws {@code w}: a waiting one leaves the queue (it held no permits); a granted one not yet
   * resumed gives its permits back, less what the bucket refilled since the grant.
   */
  void withdraw(Waiter w) {
    synchronized (this) {
      if (w.state == Waiter.WAITING) {
        unlink(w);
      } else if (w.state == Waiter.GRANTED) {
        credit(w.permits, w.grantedAt, observe());
      } else {
        return; // already withdrawn, or admitted: nothing to give back
      }
      w.state = Waiter.CANCELLED;
    }
    drain(); // the next waiter may be servable now, or the wake-up may go
  }

  /** Marks a granted waiter resumed; false if it was withdrawn meanwhile. */
  synchronized boolean admit(Waiter w) {
    if (w.state == Waiter.GRANTED) {
      w.state = Waiter.ADMITTED;
      return true;
    }
    return false;
  }

  /**
   * Grants ready waiters in FIFO order and arms the wake-up for the new head. One thread drains at
   * a time (the others leave a note in {@code wip}), so grants are delivered in queue order.
   */
  void drain() {
    if (WIP.getAndIncrement(this) != 0) {
      return;
    }
    int missed = 1;
    for (; ; ) {
      Scheduler clock = spec.boundClock();
      if (clock != null) {
        drainOnce(clock);
      }
      missed = WIP.addAndGet(this, -missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private void drainOnce(Scheduler clock) {
    for (; ; ) {
      Waiter w;
      Wakeup arm = null;
      Wakeup disarm = null;
      long delay = 0;
      synchronized (this) {
        long now = observe(RateSpec.nanos(clock));
        w = pollReady(now);
        if (w == null) {
          Waiter h = head;
          if (h == null) {
            disarm = wakeup;
            wakeup = null;
          } else {
            long due = readyAt(h.permits);
            Wakeup current = wakeup;
            if (current == null || current.due > due) {
              disarm = current;
              arm = new Wakeup(due);
              wakeup = arm;
              delay = due - now;
            } // else: the armed one comes first; it will re-arm for the rest
          }
        }
      }
      if (w != null) {
        deliver(w);
        continue;
      }
      if (disarm != null) {
        disarm.dispose();
      }
      if (arm != null) {
        try {
          arm.handle = clock.schedule(arm, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
          failAll(closed);
        }
      }
      return;
    }
  }

  private static void deliver(Waiter w) {
    try {
      w.granted();
    } catch (Throwable t) {
      // A subscriber that throws from onComplete breaks the Reactive Streams rules; the drain must
      // go on for the others, so the error goes to Reactor's hook rather than into silence.
      Exceptions.throwIfJvmFatal(t);
      Operators.onErrorDropped(t, Context.empty());
    }
  }

  /** The clock refused the wake-up (a closed loop, a disposed scheduler): fail every waiter. */
  private void failAll(RejectedExecutionException e) {
    List<Waiter> failed = new ArrayList<>();
    synchronized (this) {
      for (Waiter w = head; w != null; w = head) {
        unlink(w);
        w.state = Waiter.CANCELLED;
        failed.add(w);
      }
      wakeup = null;
    }
    for (Waiter w : failed) {
      w.failed(e);
    }
  }

  /** A wake-up for the head at {@code due}. A stale one only runs a harmless drain. */
  private final class Wakeup implements Runnable, Disposable {
    final long due;
    volatile @Nullable Disposable handle;

    Wakeup(long due) {
      this.due = due;
    }

    @Override
    public void run() {
      synchronized (TokenBucket.this) {
        if (wakeup == this) {
          wakeup = null;
        }
      }
      drain();
    }

    @Override
    public void dispose() {
      Disposable h = handle;
      if (h != null) {
        h.dispose();
      }
    }
  }

  // ------------------------------------------------------------------ waiting acquisitions

  /** {@code acquire(permits)} on this bucket. */
  Mono<Void> acquireMono(int permits, Object owner) {
    return new Acquire(this, permits, owner);
  }

  /**
   * Subscribes {@code actual} as a waiter for {@code permits}, queued in FIFO order; the drain that
   * follows grants it at once if it is the head and the bucket holds them. {@code loop} is the
   * subscriber's loop (null if none); {@code unpin} releases a keyed lookup's {@link #pin()}.
   */
  void subscribeWaiter(
      CoreSubscriber<? super Void> actual, int permits, @Nullable EventLoop loop, boolean unpin) {
    Waiter w =
        loop != null ? new LoopWaiter(actual, permits, loop) : new PlainWaiter(actual, permits);
    try {
      w.start();
    } catch (Throwable t) {
      w.cancelRequested = true; // a subscriber that threw from onSubscribe: never queue it
      enqueue(w, unpin);
      throw t;
    }
    enqueue(w, unpin);
    drain();
  }

  /** A subscription to {@code acquire(permits)}. */
  static final class Acquire extends Mono<Void> {
    private final TokenBucket bucket;
    private final int permits;
    private final Object owner;

    Acquire(TokenBucket bucket, int permits, Object owner) {
      this.bucket = bucket;
      this.permits = permits;
      this.owner = owner;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
      RateSpec spec = bucket.spec;
      Scheduler clock = spec.boundClock();
      EventLoop loop;
      if (spec.explicitClock) {
        loop = null; // found below, only if the acquisition must wait
      } else {
        loop = EventLoop.runningOrNull();
        // The hot path: on the bound loop's thread, in a chain of no other loop.
        if (loop == null
            || loop != clock
            || actual.currentContext().getOrDefault(EventLoop.class, loop) != loop) {
          loop = RateSpec.loopOf(actual.currentContext());
          try {
            clock = spec.clock(loop, owner);
          } catch (IllegalStateException e) {
            Operators.error(actual, e);
            return;
          }
        }
      }
      if (bucket.tryTake(permits, Objects.requireNonNull(clock))) {
        Operators.complete(actual); // free: no suspension, no allocation
        return;
      }
      if (spec.explicitClock) {
        loop = RateSpec.loopOf(actual.currentContext());
      }
      bucket.subscribeWaiter(actual, permits, loop, false);
    }

    @Override
    public String toString() {
      return "acquire(" + permits + ") " + owner;
    }
  }

  /**
   * One queued acquisition.
   *
   * <pre>
   * NEW -> WAITING (queued) -> GRANTED (permits taken) -> ADMITTED (its awaiter resumed)
   * NEW | WAITING -> CANCELLED (withdrawn: it held nothing)
   * GRANTED -> CANCELLED (withdrawn before resuming: permits given back, less the refill since)
   * </pre>
   *
   * {@code state}, {@code prev}, {@code next} and {@code grantedAt} are guarded by the bucket.
   */
  abstract static class Waiter {
    static final int NEW = 0;
    static final int WAITING = 1;
    static final int GRANTED = 2;
    static final int ADMITTED = 3;
    static final int CANCELLED = 4;

    final int permits;
    volatile @Nullable TokenBucket bucket;
    volatile boolean cancelRequested;
    @Nullable Waiter prev;
    @Nullable Waiter next;
    int state;
    long grantedAt;

    Waiter(int permits) {
      this.permits = permits;
    }

    /** Subscribes the awaiter, before the waiter is queued (a grant may follow at once). */
    abstract void start();

    /** Whether the awaiter is gone without telling the bucket yet (a cancelled future). */
    boolean abandoned() {
      return false;
    }

    /** The permits were taken for it: resume the awaiter. Outside the bucket's lock, once. */
    abstract void granted();

    /** The clock refused to wake it. Outside the bucket's lock, once. */
    abstract void failed(Throwable e);

    /** Withdraws the waiter, also before it is queued: a Reactor cancel of its awaiter. */
    public void cancel() {
      cancelRequested = true; // written before reading bucket: pairs with TokenBucket.enqueue
      TokenBucket b = bucket;
      if (b != null) {
        b.withdraw(this);
      }
    }
  }

  /**
   * A waiter with no loop: its subscriber is resumed by the thread that grants it (the clock's
   * thread running the wake-up, or a thread whose withdrawal freed the permits).
   */
  static final class PlainWaiter extends Waiter implements Subscription {
    private final CoreSubscriber<? super Void> actual;

    PlainWaiter(CoreSubscriber<? super Void> actual, int permits) {
      super(permits);
      this.actual = actual;
    }

    @Override
    void start() {
      actual.onSubscribe(this);
    }

    @Override
    void granted() {
      TokenBucket b = bucket;
      if (b != null && b.admit(this)) {
        actual.onComplete();
      }
    }

    @Override
    void failed(Throwable e) {
      if (!cancelRequested) {
        actual.onError(e);
      }
    }

    @Override
    public void request(long n) {
      // an acquisition has no value to request: it only completes
    }

    @Override
    public String toString() {
      return "waiter(" + permits + ")";
    }
  }

  /**
   * A waiter on a loop: it awaits an asyncio4j {@link Future}, so it resumes on its loop one
   * iteration after the grant, and a task cancelled while it waits sees {@code CancelledError} here
   * (the task cancels the future it waits on).
   */
  static final class LoopWaiter extends Waiter implements CoreSubscriber<Void>, Subscription {
    private final CoreSubscriber<? super Void> actual;
    private final Future<Void> future;
    private @Nullable Subscription upstream;

    LoopWaiter(CoreSubscriber<? super Void> actual, int permits, EventLoop loop) {
      super(permits);
      this.actual = actual;
      this.future = loop.createFuture();
    }

    @Override
    void start() {
      future.subscribe(this); // registers with the awaiting task, then actual.onSubscribe(this)
    }

    @Override
    boolean abandoned() {
      return future.done();
    }

    @Override
    void granted() {
      try {
        future.setResult(null);
      } catch (InvalidStateError cancelledMeanwhile) {
        // Its task cancelled the future between the check and here: the permits go back, and the
        // awaiter gets CancelledError from the future.
        TokenBucket b = bucket;
        if (b != null) {
          b.withdraw(this);
        }
      }
    }

    @Override
    void failed(Throwable e) {
      try {
        future.setException(e);
      } catch (InvalidStateError cancelledMeanwhile) {
        // the awaiter gets CancelledError instead
      }
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      upstream = s;
      actual.onSubscribe(this);
    }

    @Override
    public void onNext(Void v) {
      // a Future<Void> completes empty
    }

    @Override
    public void onComplete() {
      TokenBucket b = bucket;
      if (b == null || b.admit(this)) {
        actual.onComplete();
      }
    }

    @Override
    public void onError(Throwable e) {
      // CancelledError from a task cancel (also one arriving after the grant: asyncio's
      // _must_cancel), or the clock's failure: either way the permits must not be lost.
      cancelRequested = true;
      TokenBucket b = bucket;
      if (b != null) {
        b.withdraw(this);
      }
      actual.onError(e);
    }

    @Override
    public void request(long n) {
      Subscription s = upstream;
      if (s != null) {
        s.request(n);
      }
    }

    @Override
    public void cancel() {
      Subscription s = upstream;
      if (s != null) {
        s.cancel(); // stop awaiting the future
      }
      super.cancel();
    }

    @Override
    public String toString() {
      return "waiter(" + permits + ") " + future;
    }
  }
}
