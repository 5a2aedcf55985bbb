package io.github.asyncio4j.operators;

import io.github.asyncio4j.EventLoop;
import java.time.Duration;
import java.util.HashMap;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * One {@link RateLimiter} bucket per key (a client, an API key, an IP address), with memory that
 * stays bounded: per-client limits for a service, answering HTTP 429 with a {@code Retry-After}.
 *
 * <pre>{@code
 * KeyedRateLimiter<String> perClient =
 *     KeyedRateLimiter.of(10, Duration.ofSeconds(1), 20, 100_000, Schedulers.parallel());
 * if (!perClient.tryAcquire(clientId)) {
 *   Duration wait = perClient.retryAfter(clientId);   // Retry-After: ceil(wait in seconds)
 *   return tooManyRequests(wait);
 * }
 * }</pre>
 *
 * <p>Every key has the bucket and the guarantee of a {@link RateLimiter}: in every window of length
 * {@code w}, at most {@code burst + rate × w / period} permits for that key, FIFO among that key's
 * waiters, cancellation-safe. Keys are independent: one client's burst costs another nothing.
 *
 * <h2>Memory: which keys are kept</h2>
 *
 * <p>A key whose bucket is full again and has nobody waiting is <em>idle</em>. An idle bucket is
 * indistinguishable from a new one (a new key starts full), so forgetting it changes nothing any
 * caller can observe; it is never worth keeping. A bucket that is not full, or has waiters, is
 * never forgotten: that would hand its key a fresh burst. So:
 *
 * <ul>
 *   <li><b>Idle keys are evicted as traffic flows:</b> each call examines the two least recently
 *       used keys and evicts those that are idle (a key not idle is moved to the back, so every key
 *       is examined in turn). A key is idle at the latest {@code burst × period / rate} after its
 *       last use, and then goes within the next few calls.
 *   <li><b>At most {@code maxKeys} keys are kept.</b> A new key at the cap evicts the least
 *       recently used idle key among the eight least recently used (those not idle move to the
 *       back). If none of them is idle, the new key is <em>refused</em> rather than a spent bucket
 *       forgotten: {@link #tryAcquire(Object)} returns false, {@link #retryAfter(Object)} says when
 *       one of them will be idle, and {@link #acquire(Object)} waits that long and tries again
 *       (such retries are not FIFO). This happens only when {@code maxKeys} keys were all used
 *       within the last {@code burst × period / rate}: size the cap above the number of clients
 *       active in that time.
 * </ul>
 *
 * <p><b>Threads.</b> Thread-safe; one lock guards the table of keys (held for a lookup and a
 * bucket's non-waiting step, never while a subscriber runs), each bucket has its own. Waiters
 * resume as {@link RateLimiter#acquire(int)}'s do: on their loop, or on the clock's thread. {@code
 * tryAcquire} of a known key allocates nothing.
 *
 * @param <K> the key type; keys are compared with {@code equals}, as in a {@code HashMap}
 */
public final class KeyedRateLimiter<K> {
  /** Least recently used keys examined by each call for eviction. */
  private static final int CLEANUP_PER_CALL = 2;

  /** Least recently used keys examined for one idle key to make room at the cap. */
  private static final int SCAN_AT_CAP = 8;

  private final RateSpec spec;
  private final int maxKeys;

  /** Guarded by itself, as are the LRU links of its buckets: eldest at lruHead. */
  private final HashMap<K, TokenBucket> buckets;

  private @Nullable TokenBucket lruHead;
  private @Nullable TokenBucket lruTail;

  private KeyedRateLimiter(RateSpec spec, int maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys >= 1 required but it was " + maxKeys);
    }
    this.spec = spec;
    this.maxKeys = maxKeys;
    this.buckets = new HashMap<>();
  }

  /**
   * A keyed limiter granting each key {@code rate} permits per {@code period}, in bursts of up to
   * {@code burst}, keeping at most {@code maxKeys} keys, on the clock of the event loop that first
   * uses it (see {@link RateLimiter#of(double, Duration, int)}).
   *
   * @param rate permits each key earns per {@code period}: finite and {@code > 0}
   * @param period the period of {@code rate}: {@code > 0}
   * @param burst each bucket's size, {@code >= 1}
   * @param maxKeys the most keys kept, {@code >= 1}
   * @param <K> the key type
   * @return an empty keyed limiter
   * @throws IllegalArgumentException if {@code rate <= 0}, NaN or infinite, {@code period <= 0},
   *     {@code burst < 1} or {@code maxKeys < 1}
   * @throws NullPointerException if {@code period} is null
   */
  public static <K> KeyedRateLimiter<K> of(double rate, Duration period, int burst, int maxKeys) {
    return new KeyedRateLimiter<>(new RateSpec(rate, period, burst, null), maxKeys);
  }

  /**
   * A keyed limiter as {@link #of(double, Duration, int, int)}, on {@code clock}: usable from any
   * thread and loop (see {@link RateLimiter#of(double, Duration, int, Scheduler)}).
   *
   * @param rate permits each key earns per {@code period}: finite and {@code > 0}
   * @param period the period of {@code rate}: {@code > 0}
   * @param burst each bucket's size, {@code >= 1}
   * @param maxKeys the most keys kept, {@code >= 1}
   * @param clock the clock and timers
   * @param <K> the key type
   * @return an empty keyed limiter
   * @throws IllegalArgumentException as {@link #of(double, Duration, int, int)}
   * @throws NullPointerException if {@code period} or {@code clock} is null
   */
  public static <K> KeyedRateLimiter<K> of(
      double rate, Duration period, int burst, int maxKeys, Scheduler clock) {
    Objects.requireNonNull(clock, "clock");
    return new KeyedRateLimiter<>(new RateSpec(rate, period, burst, clock), maxKeys);
  }

  /**
   * Acquires one permit for {@code key}. See {@link #acquire(Object, int)}.
   *
   * @param key the client
   * @return an empty {@code Mono} that completes when the permit is granted
   */
  public Mono<Void> acquire(K key) {
    return acquire(key, 1);
  }

  /**
   * Acquires {@code permits} for {@code key}, as {@link RateLimiter#acquire(int)} does on that
   * key's bucket: at once if it holds them and none of that key's acquirers waits, else in FIFO
   * order among them. If the key is new and the table is full of keys that are not idle, it waits
   * until one will be idle and tries again (see the class comment); a task cancelled meanwhile sees
   * {@link io.github.asyncio4j.CancelledError}.
   *
   * <p>Cancellation and threads as {@link RateLimiter#acquire(int)}.
   *
   * @param key the client
   * @param permits how many, {@code 1 <= permits <= burst}
   * @return an empty {@code Mono} that completes when the permits are granted
   * @throws IllegalArgumentException if {@code permits < 1} or {@code permits > burst}
   * @throws NullPointerException if {@code key} is null
   */
  public Mono<Void> acquire(K key, int permits) {
    Objects.requireNonNull(key, "key");
    spec.checkPermits(permits);
    return new KeyedAcquire(key, permits);
  }

  /**
   * Takes one permit for {@code key} if that needs no waiting. See {@link #tryAcquire(Object,
   * int)}.
   *
   * @param key the client
   * @return true if the permit was taken
   */
  public boolean tryAcquire(K key) {
    return tryAcquire(key, 1);
  }

  /**
   * Takes {@code permits} for {@code key} if its bucket holds them and none of its acquirers waits;
   * never waits. Allocates nothing for a key already kept. A new key refused at the cap (see the
   * class comment) gets false. Runs on the calling thread.
   *
   * @param key the client
   * @param permits how many, {@code 1 <= permits <= burst}
   * @return true if the permits were taken
   * @throws IllegalArgumentException if {@code permits < 1} or {@code permits > burst}
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException {@code "no running event loop"} for a limiter without a clock,
   *     not yet bound, called from a thread with no loop; or bound to a different loop
   */
  public boolean tryAcquire(K key, int permits) {
    Objects.requireNonNull(key, "key");
    spec.checkPermits(permits);
    long now = RateSpec.nanos(spec.clockForTry(this));
    synchronized (buckets) {
      TokenBucket b = bucketFor(key, now);
      return b != null && b.tryTake(permits, now);
    }
  }

  /**
   * How long an {@code acquire(key)} made now would wait, if nobody in front of it withdraws: the
   * value for {@code Retry-After} after a failed {@link #tryAcquire(Object)}. See {@link
   * #retryAfter(Object, int)}.
   *
   * @param key the client
   * @return zero if a permit is free now
   */
  public Duration retryAfter(K key) {
    return retryAfter(key, 1);
  }

  /**
   * How long an {@code acquire(key, permits)} made now would wait: until the key's bucket has
   * earned the permits of its waiters and then these; zero for a key not kept if there is room for
   * it; for a new key refused at the cap, when the first of the least recently used keys will be
   * idle. Takes nothing, and does not count as a use of the key.
   *
   * @param key the client
   * @param permits how many, {@code 1 <= permits <= burst}
   * @return zero if they are free now
   * @throws IllegalArgumentException if {@code permits < 1} or {@code permits > burst}
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException as {@link #tryAcquire(Object, int)}
   */
  public Duration retryAfter(K key, int permits) {
    Objects.requireNonNull(key, "key");
    spec.checkPermits(permits);
    long now = RateSpec.nanos(spec.clockForTry(this));
    synchronized (buckets) {
      TokenBucket b = buckets.get(key);
      if (b != null) {
        return b.retryAfter(permits, now);
      }
      long room = untilRoom(now);
      return room == 0 ? Duration.ZERO : Duration.ofNanos(room);
    }
  }

  /**
   * How many keys are kept now.
   *
   * @return at most {@link #maxKeys()}
   */
  public int size() {
    synchronized (buckets) {
      return buckets.size();
    }
  }

  /**
   * The most keys kept.
   *
   * @return the cap
   */
  public int maxKeys() {
    return maxKeys;
  }

  /**
   * The permits each key earns per {@link #period()}.
   *
   * @return the rate
   */
  public double rate() {
    return spec.rate;
  }

  /**
   * The period of {@link #rate()}.
   *
   * @return the period
   */
  public Duration period() {
    return spec.period;
  }

  /**
   * Each bucket's size.
   *
   * @return the burst
   */
  public int burst() {
    return spec.burst;
  }

  /**
   * Like asyncio's reprs: {@code <KeyedRateLimiter rate=10.0/PT1S burst=20 [keys:3/100000]>}.
   *
   * @return the configuration and state
   */
  @Override
  public String toString() {
    return "<KeyedRateLimiter " + spec.describe() + " [keys:" + size() + "/" + maxKeys + "]>";
  }

  // ------------------------------------------------------------------ the table (lock held)

  /**
   * The key's bucket, made if new and there is room (evicting an idle key at the cap); null if it
   * is refused. Counts as a use: the key moves to the back of the LRU list. Cleans up a little.
   */
  private @Nullable TokenBucket bucketFor(K key, long now) {
    TokenBucket b = buckets.get(key);
    if (b != null) {
      moveToBack(b);
      cleanUp(now, b);
      return b;
    }
    cleanUp(now, null);
    if (buckets.size() >= maxKeys && !evictForRoom(now)) {
      return null;
    }
    b = new TokenBucket(spec);
    b.key = key;
    buckets.put(key, b);
    linkLast(b);
    return b;
  }

  /**
   * Evicts idle keys among the {@link #CLEANUP_PER_CALL} least recently used, never {@code inUse}
   * (the caller is about to take from it: evicting it would lose that).
   */
  private void cleanUp(long now, @Nullable TokenBucket inUse) {
    for (int i = 0; i < CLEANUP_PER_CALL; i++) {
      TokenBucket eldest = lruHead;
      if (eldest == null || eldest == inUse) {
        return;
      }
      if (eldest.idle(now)) {
        evict(eldest);
      } else {
        moveToBack(eldest); // second chance: the next calls examine the others
      }
    }
  }

  /** Evicts one idle key among the {@link #SCAN_AT_CAP} least recently used; false if none. */
  private boolean evictForRoom(long now) {
    for (int i = 0; i < SCAN_AT_CAP; i++) {
      TokenBucket eldest = lruHead;
      if (eldest == null) {
        return false;
      }
      if (eldest.idle(now)) {
        evict(eldest);
        return true;
      }
      moveToBack(eldest);
    }
    return false;
  }

  /** Nanoseconds until a new key would be taken: 0 if there is room now. Reads only. */
  private long untilRoom(long now) {
    if (buckets.size() < maxKeys) {
      return 0;
    }
    long min = Long.MAX_VALUE;
    TokenBucket b = lruHead;
    for (int i = 0; i < SCAN_AT_CAP && b != null; i++, b = b.lruNext) {
      if (b.idle(now)) {
        return 0;
      }
      min = Math.min(min, b.untilIdle(now));
    }
    return min;
  }

  private void evict(TokenBucket b) {
    unlink(b);
    buckets.remove(b.key);
  }

  private void linkLast(TokenBucket b) {
    b.lruPrev = lruTail;
    b.lruNext = null;
    if (lruTail == null) {
      lruHead = b;
    } else {
      lruTail.lruNext = b;
    }
    lruTail = b;
  }

  private void unlink(TokenBucket b) {
    TokenBucket p = b.lruPrev;
    TokenBucket n = b.lruNext;
    if (p == null) {
      lruHead = n;
    } else {
      p.lruNext = n;
    }
    if (n == null) {
      lruTail = p;
    } else {
      n.lruPrev = p;
    }
    b.lruPrev = null;
    b.lruNext = null;
  }

  private void moveToBack(TokenBucket b) {
    if (b != lruTail) {
      unlink(b);
      linkLast(b);
    }
  }

  // ------------------------------------------------------------------ acquire

  /** A subscription to {@code acquire(key, permits)}. */
  private final class KeyedAcquire extends Mono<Void> {
    private final K key;
    private final int permits;

    KeyedAcquire(K key, int permits) {
      this.key = key;
      this.permits = permits;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
      EventLoop loop = RateSpec.loopOf(actual.currentContext());
      Scheduler clock;
      try {
        clock = spec.clock(loop, KeyedRateLimiter.this);
      } catch (IllegalStateException e) {
        Operators.error(actual, e);
        return;
      }
      long now = RateSpec.nanos(clock);
      TokenBucket b;
      boolean taken = false;
      long refusedFor = 0;
      synchronized (buckets) {
        b = bucketFor(key, now);
        if (b == null) {
          refusedFor = Math.max(1, untilRoom(now));
        } else if (b.tryTake(permits, now)) {
          taken = true;
        } else {
          b.pin(); // not idle, so not evicted, until its waiter is in line
        }
      }
      if (taken) {
        Operators.complete(actual);
      } else if (b != null) {
        b.subscribeWaiter(actual, permits, loop, true);
      } else {
        // Refused at the cap: wait until a key will be idle, then try again.
        RateSpec.sleep(Duration.ofNanos(refusedFor), loop, clock).then(this).subscribe(actual);
      }
    }

    @Override
    public String toString() {
      return "acquire(" + key + ", " + permits + ") " + KeyedRateLimiter.this;
    }
  }
}
