package io.github.asyncio4j.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The four producer threads of {@code threadsafe_4}, alive for the whole trial so that neither
 * their start-up is timed nor their allocations lost (JMH's {@code gc} profiler on Java 17 counts
 * only threads still alive at the end of an iteration).
 */
@State(Scope.Benchmark)
public class ProducersState {
  /** How many producer threads submit callbacks. */
  public static final int PRODUCERS = 4;

  private ExecutorService pool;

  /** Starts the producer threads. */
  @Setup(Level.Trial)
  public void start() {
    pool = Executors.newFixedThreadPool(PRODUCERS, Threads.named("bench-producer"));
  }

  /** Stops the producer threads. */
  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  /**
   * Has each producer thread pass {@code callback} to {@code submit} {@code perProducer} times, and
   * returns at once.
   *
   * @return a latch that opens when every producer has returned
   */
  public CountDownLatch produce(int perProducer, Consumer<Runnable> submit, Runnable callback) {
    CountDownLatch finished = new CountDownLatch(PRODUCERS);
    for (int p = 0; p < PRODUCERS; p++) {
      pool.execute(
          () -> {
            try {
              for (int i = 0; i < perProducer; i++) {
                submit.accept(callback);
              }
            } finally {
              finished.countDown();
            }
          });
    }
    return finished;
  }
}
