package io.github.asyncio4j.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code reactor} baseline's loop: one {@link Schedulers#newSingle(String)} for the whole
 * trial.
 *
 * <p>It lives as long as the trial, not one invocation, because JMH's {@code gc} profiler on Java
 * 17 counts only the allocations of threads still alive at the end of an iteration.
 */
@State(Scope.Benchmark)
public class SingleSchedulerState {
  /** The single-thread scheduler. */
  public Scheduler scheduler;

  /** Starts the scheduler. */
  @Setup(Level.Trial)
  public void start() {
    scheduler = Schedulers.newSingle("bench-single");
    scheduler.init();
  }

  /** Disposes of the scheduler and its thread. */
  @TearDown(Level.Trial)
  public void stop() {
    scheduler.dispose();
  }
}
