package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.operators.RateLimiter;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * {@code rate_limit_free}: 1,000,000 acquisitions, one after another on one thread, of a limiter
 * that never makes anyone wait: {@code n} permits per second in a bucket of {@code n} that starts
 * full ({@code n} the acquisitions of the run; the CPython script's limiter has the same capacity).
 * Each run builds a new limiter, so that every run starts full.
 *
 * <p>One JMH operation is one whole run; {@link Workload#RATE_LIMIT_FREE} gives the acquisitions it
 * counts. {@link RateLimitTryBenchmark} ({@code rate_limit_try}) is the same with asyncio4j's
 * non-waiting {@code tryAcquire()}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class RateLimitFreeBenchmark {
  /** The period of every limiter's rate. */
  static final Duration PERIOD = Duration.ofSeconds(1);

  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int n;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    n = Workload.RATE_LIMIT_FREE.ops(sizeDivisor);
  }

  /**
   * asyncio4j: {@link RateLimiter#acquire()}, the {@code Mono} a task awaits, on the loop's thread
   * inside {@code runUntilComplete} (the limiter binds to that loop's clock). Each acquisition is
   * one subscription by a reused subscriber ({@link Completions}), which checks that it completed
   * at once.
   */
  @Benchmark
  public int asyncio4j(LoopState state) {
    EventLoop loop = state.loop;
    int n = this.n;
    Integer granted =
        loop.runUntilComplete(
            Mono.fromCallable(
                () -> {
                  RateLimiter limiter = RateLimiter.of(n, PERIOD, n);
                  Completions awaiter = new Completions();
                  for (int i = 0; i < n; i++) {
                    limiter.acquire().subscribe(awaiter);
                    awaiter.take();
                  }
                  return n;
                }));
    return check(granted);
  }

  /**
   * Resilience4j: {@code RateLimiter.acquirePermission()} of the default (atomic) limiter, {@code
   * limitForPeriod(n)} per second, willing to wait up to 10 s as an acquisition that may wait is.
   */
  @Benchmark
  public int resilience4j() {
    return check(resilience4jRun(n, Duration.ofSeconds(10)));
  }

  /**
   * Bucket4j: {@code tryConsume(1)} of a local bucket (its default, lock-free) of capacity {@code
   * n} refilled greedily at {@code n} per second.
   */
  @Benchmark
  public int bucket4j() {
    return check(bucket4jRun(n));
  }

  /** {@code n} Resilience4j acquisitions on a new limiter that may wait {@code timeout}. */
  static int resilience4jRun(int n, Duration timeout) {
    io.github.resilience4j.ratelimiter.RateLimiter limiter =
        io.github.resilience4j.ratelimiter.RateLimiter.of(
            "bench",
            RateLimiterConfig.custom()
                .limitForPeriod(n)
                .limitRefreshPeriod(PERIOD)
                .timeoutDuration(timeout)
                .build());
    int granted = 0;
    for (int i = 0; i < n; i++) {
      if (!limiter.acquirePermission()) {
        throw new IllegalStateException("acquisition " + i + " was refused");
      }
      granted++;
    }
    return granted;
  }

  /** {@code n} Bucket4j {@code tryConsume(1)} on a new full bucket. */
  static int bucket4jRun(int n) {
    Bucket bucket =
        Bucket.builder().addLimit(limit -> limit.capacity(n).refillGreedy(n, PERIOD)).build();
    int granted = 0;
    for (int i = 0; i < n; i++) {
      if (!bucket.tryConsume(1)) {
        throw new IllegalStateException("acquisition " + i + " was refused");
      }
      granted++;
    }
    return granted;
  }

  private int check(Integer granted) {
    if (granted == null || granted != n) {
      throw new IllegalStateException("expected " + n + " acquisitions but there were " + granted);
    }
    return granted;
  }
}
