package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.EventLoop;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
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
 * {@code call_soon}: from a callback on the loop, schedule 1,000,000 no-op callbacks, then one that
 * stops the loop; run until it has run. FIFO order makes the last callback the proof that every
 * no-op ran.
 *
 * <p>One JMH operation is one whole run; {@link Workload#CALL_SOON} gives the callbacks it counts.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class CallSoonBenchmark {
  private static final Runnable NOOP = () -> {};

  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int n;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    n = Workload.CALL_SOON.ops(sizeDivisor);
  }

  /** asyncio4j's {@link EventLoop#callSoon(Runnable)} on a fresh loop. */
  @Benchmark
  public void asyncio4j(LoopState state) {
    EventLoop loop = state.loop;
    int n = this.n;
    loop.callSoon(
        () -> {
          for (int i = 0; i < n; i++) {
            loop.callSoon(NOOP);
          }
          loop.callSoon(loop::stop);
        });
    loop.runForever();
  }

  /** The floor: an {@code ArrayDeque<Runnable>} drained by the calling thread. */
  @Benchmark
  public void floor() {
    FloorLoop loop = new FloorLoop();
    int n = this.n;
    loop.callSoon(
        () -> {
          for (int i = 0; i < n; i++) {
            loop.callSoon(NOOP);
          }
          loop.callSoon(loop::stop);
        });
    loop.runForever();
  }

  /** Reactor: {@code Scheduler.schedule} on a {@code Schedulers.newSingle()}, from its thread. */
  @Benchmark
  public void reactor(SingleSchedulerState state) throws InterruptedException {
    Scheduler single = state.scheduler;
    int n = this.n;
    CountDownLatch done = new CountDownLatch(1);
    single.schedule(
        () -> {
          for (int i = 0; i < n; i++) {
            single.schedule(NOOP);
          }
          single.schedule(done::countDown);
        });
    Threads.await(done);
  }

  /** java.util.concurrent: {@code execute} on a single-thread executor, from its thread. */
  @Benchmark
  public void juc(ExecutorState state) throws InterruptedException {
    ExecutorService executor = state.executor;
    int n = this.n;
    CountDownLatch done = new CountDownLatch(1);
    executor.execute(
        () -> {
          for (int i = 0; i < n; i++) {
            executor.execute(NOOP);
          }
          executor.execute(done::countDown);
        });
    Threads.await(done);
  }
}
