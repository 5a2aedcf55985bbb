package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.operators.RateLimiter;
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
 * {@code rate_limit_try} (an extra, not in {@code BENCHMARKS.md}): {@code rate_limit_free} with the
 * limiters' non-waiting calls: asyncio4j's {@link RateLimiter#tryAcquire()}, Resilience4j's {@code
 * acquirePermission()} with a timeout of zero, Bucket4j's {@code tryConsume(1)}. The target of
 * issue 4 for this path: no allocation.
 *
 * <p>One JMH operation is one whole run; {@link Workload#RATE_LIMIT_TRY} gives the acquisitions it
 * counts.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class RateLimitTryBenchmark {
  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int n;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    n = Workload.RATE_LIMIT_TRY.ops(sizeDivisor);
  }

  /**
   * asyncio4j: {@link RateLimiter#tryAcquire()} on the loop's thread inside {@code
   * runUntilComplete} (the limiter binds to that loop's clock).
   */
  @Benchmark
  public int asyncio4j(LoopState state) {
    EventLoop loop = state.loop;
    int n = this.n;
    Integer granted =
        loop.runUntilComplete(
            Mono.fromCallable(
                () -> {
                  RateLimiter limiter = RateLimiter.of(n, RateLimitFreeBenchmark.PERIOD, n);
                  int taken = 0;
                  for (int i = 0; i < n; i++) {
                    if (!limiter.tryAcquire()) {
                      throw new IllegalStateException("acquisition " + i + " was refused");
                    }
                    taken++;
                  }
                  return taken;
                }));
    return check(granted);
  }

  /** Resilience4j: {@code acquirePermission()} of a limiter with a timeout of zero. */
  @Benchmark
  public int resilience4j() {
    return check(RateLimitFreeBenchmark.resilience4jRun(n, Duration.ZERO));
  }

  /** Bucket4j: {@code tryConsume(1)}, as in {@code rate_limit_free}. */
  @Benchmark
  public int bucket4j() {
    return check(RateLimitFreeBenchmark.bucket4jRun(n));
  }

  private int check(Integer granted) {
    if (granted == null || granted != n) {
      throw new IllegalStateException("expected " + n + " acquisitions but there were " + granted);
    }
    return granted;
  }
}
