package io.github.asyncio4j.benchmarks;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The {@code juc} baseline's loops: a {@link Executors#newSingleThreadExecutor() single-thread
 * executor} for callbacks and a {@link Executors#newSingleThreadScheduledExecutor() single-thread
 * scheduled executor} for timers, each on its own real thread for the whole trial (JMH's {@code gc}
 * profiler on Java 17 counts only the allocations of threads still alive at the end of an
 * iteration).
 */
@State(Scope.Benchmark)
public class ExecutorState {
  /** A single-thread executor (a {@code LinkedBlockingQueue} in front of one thread). */
  public ExecutorService executor;

  /** A single-thread scheduled executor (a delay heap in front of one thread). */
  public ScheduledExecutorService scheduled;

  /** Starts both executors. */
  @Setup(Level.Trial)
  public void start() {
    executor = Executors.newSingleThreadExecutor(Threads.named("bench-juc"));
    scheduled = Executors.newSingleThreadScheduledExecutor(Threads.named("bench-juc-scheduled"));
  }

  /** Shuts both executors down and waits for their threads. */
  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    executor.shutdownNow();
    scheduled.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
    scheduled.awaitTermination(10, TimeUnit.SECONDS);
  }
}
