package io.github.asyncio4j.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The worker threads of the {@code juc} baselines of {@code lock_1000} and {@code semaphore_10}:
 * {@value #WORKERS} real threads, alive for the whole trial so that neither their start-up is timed
 * nor their allocations lost (JMH's {@code gc} profiler on Java 17 counts only threads still alive
 * at the end of an iteration).
 *
 * <p>Why {@value #WORKERS} and not 1,000: a thread per asyncio task would measure 1,000 stacks and
 * the kernel's scheduler on 2 cores, not the lock; and 1,000 tasks submitted to a small pool run
 * mostly one after another, without contention. {@value #WORKERS} threads contend for a lock (19
 * wait while one holds it) and for a semaphore of 10 permits (twice as many threads as permits), as
 * many tasks do in the asyncio workloads, at a thread count a Java service would run.
 */
@State(Scope.Benchmark)
public class WorkersState {
  /** How many worker threads share the acquisitions. */
  public static final int WORKERS = 20;

  private ExecutorService pool;

  /** Starts the worker threads. */
  @Setup(Level.Trial)
  public void start() {
    pool = Executors.newFixedThreadPool(WORKERS, Threads.named("bench-worker"));
  }

  /** Stops the worker threads. */
  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  /**
   * Has each worker thread run {@code body} {@code perWorker} times, and returns at once.
   *
   * @return a latch that opens when every worker has returned
   */
  public CountDownLatch run(int perWorker, Runnable body) {
    CountDownLatch finished = new CountDownLatch(WORKERS);
    for (int w = 0; w < WORKERS; w++) {
      pool.execute(
          () -> {
            try {
              for (int i = 0; i < perWorker; i++) {
                body.run();
              }
            } finally {
              finished.countDown();
            }
          });
    }
    return finished;
  }
}
