package io.github.asyncio4j.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread helpers shared by the benchmarks. */
final class Threads {
  /** How long a benchmark waits for its workload before it gives up as hung. */
  static final long TIMEOUT_SECONDS = 120;

  private Threads() {}

  /** Daemon threads named {@code prefix-N}, so a hung benchmark cannot keep its JVM alive. */
  static ThreadFactory named(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + next.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Waits for {@code done}, failing the benchmark rather than hanging it.
   *
   * @throws IllegalStateException if the workload did not finish in {@link #TIMEOUT_SECONDS}
   */
  static void await(CountDownLatch done) throws InterruptedException {
    if (!done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "workload did not finish in " + TIMEOUT_SECONDS + " s: " + done.getCount() + " left");
    }
  }
}
