package io.github.asyncio4j.operators;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A token-bucket rate limiter for tasks, reactive chains and {@code Flux}es: in every window of
 * time of length {@code w}, at most {@code burst + rate × w / period} permits are granted. It is
 * what the asyncio guide's {@code rate_limited} meant to be.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 5); // 10/s, bursts of 5
 * Mono<Response> call = limiter.acquire().then(client.get(url));   // waits its turn, FIFO
 * if (!limiter.tryAcquire()) { return tooManyRequests(limiter.retryAfter()); }  // never waits
 * Flux<Row> paced = rows.transform(limiter.limit());                // one permit per element
 * }</pre>
 *
 * <h2>How is the RateLimiter designed, and why?</h2>
 *
 * <p><b>What the guide's version does.</b> The guide's section 6.5 holds an {@code
 * asyncio.Semaphore(rate)} while each call sleeps {@code 1/rate}, then runs:
 *
 * <pre>
 * async def limited(task):
 *     async with semaphore:              # Semaphore(rate)
 *         await asyncio.sleep(1 / rate)
 *         return await task
 * </pre>
 *
 * Each of the {@code rate} permits is held for {@code 1/rate + W} seconds ({@code W} the work), so
 * it admits {@code rate / (1/rate + W)} calls a second: {@code rate²} when the work is short (rate
 * 10 measured 99.4 calls/s on CPython 3.13), and a burst of {@code rate} at the start. That is a
 * concurrency cap, not a rate limit (ASYNCIO-SEMANTICS.md, erratum (e)).
 *
 * <p><b>The bound, and why a bucket gives it.</b> A bucket holds at most {@code burst} permits and
 * earns {@code rate} per {@code period}; granting takes permits from it and nothing else does. If
 * {@code L(t)} is what it holds, {@code 0 <= L(t) <= burst}, and the permits granted in a window
 * {@code [t1, t2]} are at most what it held at {@code t1} plus what it earned, {@code L(t1) + rate
 * × (t2 - t1) <= burst + rate × w}. The tests check that in every window of long virtual runs.
 *
 * <p><b>One number.</b> The bucket is stored as the instant {@code Z} at which it is empty: holding
 * {@code min(burst, (now - Z) / interval)}, with {@code interval = period / rate}. Taking {@code n}
 * permits moves {@code Z} forward by {@code n × interval}; a full bucket keeps {@code Z = now -
 * burst × interval}. (This is the "theoretical arrival time" of the ATM networks' GCRA.)
 *
 * <p><b>Waiting in line, without reserving.</b> An acquisition the bucket cannot serve joins a FIFO
 * queue; nothing is taken from the bucket until it is granted. Only the head of the line has a
 * wake-up, on the clock, at the instant the bucket will hold its permits; then it is granted, and
 * the wake-up is armed for the next. A later acquirer never passes an earlier one, not even one
 * asking for fewer permits, and {@link #tryAcquire()} fails while anyone waits.
 *
 * <p>Why not reserve at once and sleep until the debt is paid (Guava's {@code RateLimiter}, and the
 * natural asyncio port {@code next = max(now, next) + 1/rate})? Because of cancellation. Sleepers
 * computed their wake-ups from the reservations in front of them; one that leaves the middle of the
 * line cannot give its reservation back without letting a newcomer land on an instant already
 * promised. Rate 1/s, burst 1: A takes at 0; B reserves for 1 and C for 2; B is cancelled at 0.5
 * and gives back; D arrives at 0.5, finds the bucket one permit less in debt, and is scheduled for
 * 2, with C: two permits in a window of length 0, where the bound allows 1. Keeping B's reservation
 * instead wastes it. With a line, B simply leaves, and C moves up to 1.
 *
 * <p><b>A worked example.</b> Rate 2 per second, burst 3, a full bucket at {@code t = 0}:
 *
 * <ol>
 *   <li>{@code t = 0}: five tasks acquire one permit each. A, B, C pass at once ({@code Z} moves
 *       from {@code -1.5 s} to {@code 0}); D and E wait, D at the head with a wake-up for {@code
 *       0.5}.
 *   <li>{@code t = 0.2}: D's task is cancelled: D gets {@code CancelledError} and leaves the line,
 *       having taken nothing. E is the head now; its wake-up is armed for {@code 0.5}.
 *   <li>{@code t = 0.3}: {@code tryAcquire()} returns false: the bucket holds 0.6 of a permit, and
 *       E waits anyway. {@code retryAfter()} says {@code 0.7 s}: E's permit at 0.5, then its own.
 *   <li>{@code t = 0.5}: E is granted ({@code Z = 0.5}) and resumes.
 *   <li>The window {@code [0, 0.5]} saw 4 permits: the bound is {@code 3 + 2 × 0.5 = 4}. With
 *       nobody asking, the bucket is full again at {@code t = 2}, and a key of a {@link
 *       KeyedRateLimiter} in that state is forgotten: it is indistinguishable from a new one.
 * </ol>
 *
 * <p><b>Giving back.</b> A waiter withdrawn after its grant but before it resumed (its task was
 * cancelled in the same loop iteration, as asyncio's {@code _must_cancel}, or a Reactor cancel
 * raced with the grant) gives its permits back, less what the bucket earned while they were out:
 * {@code max(0, n - rate × held)}. The bound still holds: without that grant the bucket would hold
 * at most {@code n} more, and it loses that surplus to the cap at no more than {@code rate}. On the
 * virtual-time loop the grant and the withdrawal happen at the same instant, and all of {@code n}
 * comes back; a limited {@code Flux} gives back, the same way, the permits it spent on elements
 * that never came.
 *
 * <p><b>Clock.</b> All time comes from one clock. {@link #of(double, Duration, int)} binds to the
 * event loop of its first caller, as asyncio binds a {@code Lock}, so the {@link
 * io.github.asyncio4j.VirtualTimeEventLoop} tests it exactly; {@link #of(double, Duration, int,
 * Scheduler)} uses a given Reactor {@link Scheduler}'s {@code now()} and timers, for use off any
 * loop (a WebFlux handler); an {@link io.github.asyncio4j.EventLoop} is such a scheduler. Reactor's
 * own schedulers read the wall clock at millisecond resolution: a clock that goes back is taken as
 * time standing still, never as permits lost or earned.
 *
 * <p><b>Cost.</b> A {@link #tryAcquire()} or an acquisition that need not wait takes an uncontended
 * lock, reads the clock and does a few floating-point operations; it allocates nothing. A waiter
 * costs one small object (and a {@code Future} on a loop) and one timer when it reaches the head.
 *
 * <h2>Ordering, cancellation, threads</h2>
 *
 * <p><b>Fairness.</b> Acquisitions are granted in first-in-first-out order of subscription.
 *
 * <p><b>Cancellation.</b> A waiter withdrawn while waiting (its task cancelled, or a Reactor {@code
 * cancel()}) leaves the line having taken nothing; the one behind it moves up. One withdrawn after
 * its grant gives the permits back as above. Permits are never lost to cancellation.
 *
 * <p><b>Threads.</b> Thread-safe. An acquirer inside a task or on a loop's thread waits on an
 * asyncio4j future: it resumes on its loop, one iteration after its grant, in FIFO order with the
 * loop's other callbacks, and a cancelled task sees {@link io.github.asyncio4j.CancelledError} at
 * the acquisition. An acquirer on no loop resumes on the thread that grants it: the clock's thread
 * running the wake-up (the loop's, or a worker of the scheduler), or a thread whose withdrawal
 * freed the permits.
 */
public final class RateLimiter {
  private final RateSpec spec;
  private final TokenBucket bucket;
  private final Mono<Void> acquireOne;

  private RateLimiter(RateSpec spec) {
    this.spec = spec;
    this.bucket = new TokenBucket(spec);
    this.acquireOne = bucket.acquireMono(1, this);
  }

  /**
   * A limiter granting {@code rate} permits per {@code period}, in bursts of up to {@code burst},
   * on the clock of the event loop that first uses it: of the awaiting task's loop, or of the loop
   * running on the calling thread. It starts full. Using it later from another loop fails with
   * {@code IllegalStateException("... is bound to a different event loop")}, as asyncio's
   * primitives do; from a thread with no loop it is used on its loop's clock.
   *
   * @param rate permits earned per {@code period}: finite and {@code > 0}
   * @param period the period of {@code rate}: {@code > 0}
   * @param burst the bucket's size: how many permits may pass at once, {@code >= 1}
   * @return a full limiter
   * @throws IllegalArgumentException if {@code rate <= 0}, NaN or infinite, {@code period <= 0},
   *     {@code burst < 1}, or the bucket would take more than 2^62 ns to fill
   * @throws NullPointerException if {@code period} is null
   */
  public static RateLimiter of(double rate, Duration period, int burst) {
    return new RateLimiter(new RateSpec(rate, period, burst, null));
  }

  /**
   * A limiter granting {@code rate} permits per {@code period}, in bursts of up to {@code burst},
   * on {@code clock}: its {@link Scheduler#now} is the time and its timers wake the waiters. Usable
   * from any thread and any loop. Pass an {@link io.github.asyncio4j.EventLoop} to run on that
   * loop's clock, or a Reactor scheduler (reactor-test's {@code VirtualTimeScheduler} in tests).
   *
   * @param rate permits earned per {@code period}: finite and {@code > 0}
   * @param period the period of {@code rate}: {@code > 0}
   * @param burst the bucket's size, {@code >= 1}
   * @param clock the clock and timers
   * @return a full limiter
   * @throws IllegalArgumentException as {@link #of(double, Duration, int)}
   * @throws NullPointerException if {@code period} or {@code clock} is null
   */
  public static RateLimiter of(double rate, Duration period, int burst, Scheduler clock) {
    Objects.requireNonNull(clock, "clock");
    return new RateLimiter(new RateSpec(rate, period, burst, clock));
  }

  /**
   * Acquires one permit: what the guide's {@code async with semaphore: await sleep(1/rate)} meant,
   * without the {@code rate²}. See {@link #acquire(int)}.
   *
   * @return an empty {@code Mono} that completes when the permit is granted
   */
  public Mono<Void> acquire() {
    return acquireOne;
  }

  /**
   * Acquires {@code permits} together. Each subscription is one acquisition: it completes at once
   * if the bucket holds the permits and nobody waits, else when it is granted, in FIFO order. No
   * asyncio counterpart (asyncio has no rate limiter); the guide's {@code rate_limited} is a
   * concurrency cap.
   *
   * <p><b>Cancellation.</b> A task cancelled while waiting sees {@link
   * io.github.asyncio4j.CancelledError} here and leaves the line having taken nothing; so does a
   * Reactor {@code cancel()}. One cancelled after its grant, before resuming, gives the permits
   * back.
   *
   * <p><b>Threads.</b> Inside a task or on a loop's thread, it resumes on that loop, one iteration
   * after its grant; elsewhere on the thread that grants it (the clock's timer thread). A limiter
   * without a clock binds to the subscriber's loop on first use; subscribed with no loop and no
   * binding, it signals {@code IllegalStateException("no running event loop")}.
   *
   * @param permits how many, {@code 1 <= permits <= burst}
   * @return an empty {@code Mono} that completes when the permits are granted
   * @throws IllegalArgumentException if {@code permits < 1} or {@code permits > burst} (they could
   *     never be granted)
   */
  public Mono<Void> acquire(int permits) {
    spec.checkPermits(permits);
    return permits == 1 ? acquireOne : bucket.acquireMono(permits, this);
  }

  /**
   * Takes one permit if that needs no waiting. See {@link #tryAcquire(int)}.
   *
   * @return true if the permit was taken
   */
  public boolean tryAcquire() {
    return tryAcquire(1);
  }

  /**
   * Takes {@code permits} if the bucket holds them and nobody waits; never waits, never allocates.
   * A waiter in line makes it fail even when the bucket holds enough (FIFO). Runs on the calling
   * thread.
   *
   * @param permits how many, {@code 1 <= permits <= burst}
   * @return true if the permits were taken
   * @throws IllegalArgumentException if {@code permits < 1} or {@code permits > burst}
   * @throws IllegalStateException {@code "no running event loop"} for a limiter without a clock,
   *     not yet bound, called from a thread with no loop; or bound to a different loop
   */
  public boolean tryAcquire(int permits) {
    spec.checkPermits(permits);
    return bucket.tryTake(permits, spec.clockForTry(this));
  }

  /**
   * How long an {@code acquire()} made now would wait, if nobody in front of it withdraws: the
   * value for an HTTP 429 response's {@code Retry-After}. See {@link #retryAfter(int)}.
   *
   * @return zero if a permit is free now
   */
  public Duration retryAfter() {
    return retryAfter(1);
  }

  /**
   * How long an {@code acquire(permits)} made now would wait: until the bucket has earned the
   * permits of every waiter in line and then these. Exact if nobody withdraws; shorter if someone
   * does. Takes nothing.
   *
   * @param permits how many, {@code 1 <= permits <= burst}
   * @return zero if they are free now
   * @throws IllegalArgumentException if {@code permits < 1} or {@code permits > burst}
   * @throws IllegalStateException as {@link #tryAcquire(int)}
   */
  public Duration retryAfter(int permits) {
    spec.checkPermits(permits);
    spec.clockForTry(this);
    return bucket.retryAfter(permits);
  }

  /**
   * A {@code Flux} transformer that spends one permit per element: {@code
   * flux.transform(limiter.limit())}. See {@link #limit(Publisher)}.
   *
   * @param <T> the element type
   * @return a function limiting a {@code Flux}
   */
  public <T> Function<Flux<T>, Flux<T>> limit() {
    return this::limit;
  }

  /**
   * Limits {@code source} to this limiter's rate: each element costs one permit, taken before it is
   * requested from upstream. Nothing is buffered: upstream is asked for as many elements as the
   * bucket holds free permits and downstream wants (at most {@code burst}), then for one per permit
   * granted. Its permit waits are FIFO with the limiter's other acquirers.
   *
   * <p><b>Cancellation.</b> Cancelling the {@code Flux}, or its completion or failure, withdraws
   * its waiting acquisition and gives back the permits spent on elements that never came (less what
   * the bucket earned meanwhile). Inside a task, a task cancelled while the {@code Flux} waits for
   * a permit makes it fail with {@link io.github.asyncio4j.CancelledError}.
   *
   * <p><b>Threads.</b> Upstream is requested from the thread that grants the permit (the clock's,
   * or the loop's inside a task) or from downstream's; elements are emitted on upstream's thread.
   *
   * @param source the elements
   * @param <T> the element type
   * @return the limited elements
   */
  public <T> Flux<T> limit(Publisher<T> source) {
    Objects.requireNonNull(source, "source");
    return new FluxRateLimit<>(Flux.from(source), bucket, this);
  }

  /**
   * The permits earned per {@link #period()}.
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
   * The bucket's size: the most permits that pass at once.
   *
   * @return the burst
   */
  public int burst() {
    return spec.burst;
  }

  /**
   * A snapshot for monitoring. Reads the clock; a limiter not yet bound to a loop reports a full
   * bucket.
   *
   * @return the permits held now and the waiters in line
   */
  public Statistics statistics() {
    return new Statistics(bucket.permits(), bucket.waiters());
  }

  /**
   * A limiter's state at one moment.
   *
   * @param permits permits the bucket holds now, fractional, between 0 and {@code burst}
   * @param waiters acquisitions waiting in line
   */
  public record Statistics(double permits, int waiters) {}

  /**
   * Like asyncio's reprs: {@code <RateLimiter rate=10.0/PT1S burst=5 [permits:2.5, waiters:0]>}.
   *
   * @return the configuration and state
   */
  @Override
  public String toString() {
    Statistics s = statistics();
    return "<RateLimiter "
        + spec.describe()
        + " [permits:"
        + (Math.floor(s.permits() * 1000) / 1000)
        + ", waiters:"
        + s.waiters()
        + "]>";
  }
}
