package io.github.asyncio4j.operators;

import io.github.asyncio4j.EventLoop;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.ContextView;

/**
 * What the buckets of a {@link RateLimiter} or a {@link KeyedRateLimiter} share: the checked rate,
 * period and burst, the same figures in nanoseconds, and the clock.
 *
 * <p>The clock is either given at creation, or bound to the event loop of the first caller, as
 * asyncio binds a {@code Lock} to the first loop that uses it ({@code mixins._LoopBoundMixin}).
 */
final class RateSpec {
  /** Largest {@code burst × interval} accepted: 2^62 ns, about 146 years to fill the bucket. */
  static final double MAX_CAPACITY_NANOS = 0x1p62;

  private static final AtomicReferenceFieldUpdater<RateSpec, Scheduler> CLOCK =
      AtomicReferenceFieldUpdater.newUpdater(RateSpec.class, Scheduler.class, "clock");

  final double rate;
  final Duration period;
  final int burst;

  /** Nanoseconds the bucket takes to earn one permit: {@code period / rate}. */
  final double interval;

  /** Nanoseconds an empty bucket takes to fill: {@code burst × interval}. */
  final double capacity;

  /** {@code ceil(capacity)} and {@code ceil(capacity) - capacity}: "full" as whole + fraction. */
  final long capacityCeil;

  final double capacityFrac;

  /** Whether the clock was given at creation; otherwise it is bound to the first caller's loop. */
  final boolean explicitClock;

  /** The clock; null until a loop-bound limiter is first used. Set once, by CAS. */
  private volatile @Nullable Scheduler clock;

  RateSpec(double rate, @Nullable Duration period, int burst, @Nullable Scheduler clock) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate > 0 and finite required but it was " + rate);
    }
    Objects.requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period > 0 required but it was " + period);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst >= 1 required but it was " + burst);
    }
    double periodNanos = period.getSeconds() * 1e9 + period.getNano();
    double interval = periodNanos / rate;
    double capacity = burst * interval;
    if (!(capacity <= MAX_CAPACITY_NANOS)) {
      throw new IllegalArgumentException(
          "burst / rate * period <= 2^62 ns (about 146 years) required but it was "
              + capacity
              + " ns ("
              + burst
              + " / "
              + rate
              + " * "
              + period
              + ")");
    }
    this.rate = rate;
    this.period = period;
    this.burst = burst;
    this.interval = interval;
    this.capacity = capacity;
    this.capacityCeil = (long) Math.ceil(capacity);
    this.capacityFrac = capacityCeil - capacity;
    this.explicitClock = clock != null;
    this.clock = clock;
  }

  /** Checks a permit count against the burst: more could never be granted. */
  void checkPermits(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits >= 1 required but it was " + permits);
    }
    if (permits > burst) {
      throw new IllegalArgumentException(
          "permits <= burst ("
              + burst
              + ") required but it was "
              + permits
              + ": a bucket of "
              + burst
              + " can never hold them");
    }
  }

  /**
   * The clock, for a caller running on {@code callerLoop} (null when it runs on none). A limiter
   * without a clock binds to the caller's loop on first use, and then refuses callers on another
   * loop, as asyncio's primitives do.
   *
   * @throws IllegalStateException {@code "no running event loop"}, or {@code "<owner> is bound to a
   *     different event loop"}
   */
  Scheduler clock(@Nullable EventLoop callerLoop, Object owner) {
    Scheduler c = clock;
    if (c == null) {
      if (callerLoop == null) {
        throw new IllegalStateException("no running event loop");
      }
      // Losing the race is fine: the winner's loop is the clock, checked below like any other.
      CLOCK.compareAndSet(this, null, callerLoop);
      c = Objects.requireNonNull(clock);
    }
    if (!explicitClock && callerLoop != null && callerLoop != c) {
      throw new IllegalStateException(owner + " is bound to a different event loop");
    }
    return c;
  }

  /** The clock for a non-waiting call: the calling thread's loop binds it. */
  Scheduler clockForTry(Object owner) {
    Scheduler c = clock;
    if (c != null && explicitClock) {
      return c; // the hot path: no thread-local lookup
    }
    return clock(EventLoop.runningOrNull(), owner);
  }

  /** The clock once bound, else null. */
  @Nullable Scheduler boundClock() {
    return clock;
  }

  /** Reads the clock in nanoseconds. */
  static long nanos(Scheduler clock) {
    return clock.now(TimeUnit.NANOSECONDS);
  }

  /**
   * The loop a subscriber runs on, as {@link EventLoop#running(ContextView)} finds it (the loop of
   * the task whose chain carries {@code context}, else the loop running on this thread), or null
   * when there is none.
   */
  static @Nullable EventLoop loopOf(ContextView context) {
    if (EventLoop.runningOrNull() != null) {
      return EventLoop.running(context); // never throws with a loop on this thread
    }
    if (context.isEmpty()) {
      return null;
    }
    try {
      return EventLoop.running(context);
    } catch (IllegalStateException noLoop) {
      return null; // a chain outside any task and loop: it waits on the clock's thread
    }
  }

  /**
   * Sleeps {@code delay} on {@code clock}, as an asyncio4j awaitable when the caller runs on a loop
   * (so a task cancelled meanwhile sees {@code CancelledError} here).
   */
  static Mono<Void> sleep(Duration delay, @Nullable EventLoop callerLoop, Scheduler clock) {
    if (callerLoop == null) {
      return Mono.delay(delay, clock).then();
    }
    if (callerLoop == clock) {
      return callerLoop.sleep(delay);
    }
    return callerLoop.wrap(Mono.delay(delay, clock)).then();
  }

  /** {@code 100.0/PT1S burst=10}. */
  String describe() {
    return "rate=" + rate + "/" + period + " burst=" + burst;
  }
}
