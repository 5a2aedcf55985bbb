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
 * {@code threadsafe_4}: 4 producer threads each submit 100,000 callbacks to the loop from outside
 * it; the run ends when all 400,000 have run on the loop (the last one stops it).
 *
 * <p>The producers are a pool alive for the whole trial ({@link ProducersState}). One JMH operation
 * is one whole run; {@link Workload#THREADSAFE_4} gives the callbacks it counts.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class Threadsafe4Benchmark {
  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int perProducer;
  private int total;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    perProducer = Workload.scaled(100_000, sizeDivisor);
    total = Workload.THREADSAFE_4.ops(sizeDivisor);
  }

  /** asyncio4j's {@link EventLoop#callSoonThreadsafe(Runnable)}; the loop runs on this thread. */
  @Benchmark
  public int asyncio4j(LoopState state, ProducersState producers) throws InterruptedException {
    EventLoop loop = state.loop;
    Countdown callback = new Countdown(total, loop::stop);
    CountDownLatch finished = producers.produce(perProducer, loop::callSoonThreadsafe, callback);
    loop.runForever();
    Threads.await(finished);
    return callback.checkDone();
  }

  /** Reactor: {@code Scheduler.schedule} on a {@code Schedulers.newSingle()} from 4 threads. */
  @Benchmark
  public int reactor(SingleSchedulerState state, ProducersState producers)
      throws InterruptedException {
    Scheduler single = state.scheduler;
    CountDownLatch done = new CountDownLatch(1);
    Countdown callback = new Countdown(total, done::countDown);
    CountDownLatch finished = producers.produce(perProducer, single::schedule, callback);
    Threads.await(done);
    Threads.await(finished);
    return callback.checkDone();
  }

  /** java.util.concurrent: {@code execute} on a single-thread executor from 4 threads. */
  @Benchmark
  public int juc(ExecutorState state, ProducersState producers) throws InterruptedException {
    ExecutorService executor = state.executor;
    CountDownLatch done = new CountDownLatch(1);
    Countdown callback = new Countdown(total, done::countDown);
    CountDownLatch finished = producers.produce(perProducer, executor::execute, callback);
    Threads.await(done);
    Threads.await(finished);
    return callback.checkDone();
  }
}
