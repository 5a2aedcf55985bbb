package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.EventLoop;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
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
import reactor.core.scheduler.Scheduler;

/**
 * {@code call_later}: from a callback on the loop, schedule 100,000 timers, timer {@code i} with a
 * delay of {@code (i % 1000) * 10 µs} (deadlines spread over 10 ms); run until all have fired. The
 * run therefore lasts at least 10 ms whatever the implementation.
 *
 * <p>The 1,000 distinct delays are built once per trial, as a program would keep its constant
 * delays. One JMH operation is one whole run; {@link Workload#CALL_LATER} gives the timers it
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
public class CallLaterBenchmark {
  private static final int SPREAD = 1000;
  private static final long STEP_NANOS = 10_000;

  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int n;
  private final Duration[] delays = new Duration[SPREAD];

  /** Computes the sizes and the delays of the trial. */
  @Setup(Level.Trial)
  public void size() {
    n = Workload.CALL_LATER.ops(sizeDivisor);
    for (int i = 0; i < SPREAD; i++) {
      delays[i] = Duration.ofNanos(i * STEP_NANOS);
    }
  }

  /** asyncio4j's {@link EventLoop#callLater(Duration, Runnable)} on a fresh loop. */
  @Benchmark
  public int asyncio4j(LoopState state) {
    EventLoop loop = state.loop;
    Duration[] delays = this.delays;
    int n = this.n;
    Countdown fired = new Countdown(n, loop::stop);
    loop.callSoon(
        () -> {
          for (int i = 0; i < n; i++) {
            loop.callLater(delays[i % SPREAD], fired);
          }
        });
    loop.runForever();
    return fired.checkDone();
  }

  /** The floor: a {@code PriorityQueue} of timers, the calling thread parking between deadlines. */
  @Benchmark
  public int floor() {
    FloorLoop loop = new FloorLoop();
    int n = this.n;
    Countdown fired = new Countdown(n, loop::stop);
    loop.callSoon(
        () -> {
          for (int i = 0; i < n; i++) {
            loop.callLater((i % SPREAD) * STEP_NANOS, fired);
          }
        });
    loop.runForever();
    return fired.checkDone();
  }

  /** Reactor: delayed {@code Scheduler.schedule} on a {@code Schedulers.newSingle()}. */
  @Benchmark
  public int reactor(SingleSchedulerState state) throws InterruptedException {
    Scheduler single = state.scheduler;
    int n = this.n;
    CountDownLatch done = new CountDownLatch(1);
    Countdown fired = new Countdown(n, done::countDown);
    single.schedule(
        () -> {
          for (int i = 0; i < n; i++) {
            single.schedule(fired, (i % SPREAD) * STEP_NANOS, TimeUnit.NANOSECONDS);
          }
        });
    Threads.await(done);
    return fired.checkDone();
  }

  /** java.util.concurrent: {@code schedule} on a single-thread scheduled executor. */
  @Benchmark
  public int juc(ExecutorState state) throws InterruptedException {
    ScheduledExecutorService scheduled = state.scheduled;
    int n = this.n;
    CountDownLatch done = new CountDownLatch(1);
    Countdown fired = new Countdown(n, done::countDown);
    scheduled.execute(
        () -> {
          for (int i = 0; i < n; i++) {
            scheduled.schedule(fired, (i % SPREAD) * STEP_NANOS, TimeUnit.NANOSECONDS);
          }
        });
    Threads.await(done);
    return fired.checkDone();
  }
}
