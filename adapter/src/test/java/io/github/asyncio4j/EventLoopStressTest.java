package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stress for DESIGN.md rule 5 ({@code callSoonThreadsafe}: nothing lost, each producer's order
 * kept) while the loop is busy with its own callbacks and timers.
 *
 * <p>Scenario: a loop on its own thread runs a callback that reschedules itself with {@code
 * callSoon} and a timer that re-arms itself with {@code callLater}, so the inbox is drained while
 * the ready queue and the heap are never empty. Four threads, released together, each submit
 * 250,000 numbered callbacks. On the loop thread each callback checks that it is the next number of
 * its producer. The run ends when every callback ran and the loop's own chains ran too; it is
 * bounded by {@code @Timeout}, and nothing is asserted about time.
 */
class EventLoopStressTest {

  private static final int PRODUCERS = 4;
  private static final int PER_PRODUCER = 250_000;

  @Test
  @Timeout(60)
  void callSoonThreadsafeLosesNothingAndKeepsEachThreadsOrderUnderLoad()
      throws InterruptedException {
    EventLoop loop = EventLoop.newThreadEventLoop("stress-loop");
    try {
      // Loop-thread state: written only by callbacks, read after 'done' completes.
      int[] next = new int[PRODUCERS];
      long[] outOfOrder = {0};
      long[] received = {0};
      long[] spins = {0};
      long[] timerRuns = {0};
      CompletableFuture<Void> done = new CompletableFuture<>();
      Runnable checkDone =
          () -> {
            if (received[0] == (long) PRODUCERS * PER_PRODUCER
                && spins[0] >= 1000
                && timerRuns[0] >= 10) {
              done.complete(null);
            }
          };

      Runnable[] spin = new Runnable[1];
      spin[0] =
          () -> {
            spins[0]++;
            checkDone.run();
            if (!done.isDone()) {
              loop.callSoon(spin[0]);
            }
          };
      Runnable[] timer = new Runnable[1];
      timer[0] =
          () -> {
            timerRuns[0]++;
            checkDone.run();
            if (!done.isDone()) {
              loop.callLater(0.0001, timer[0]);
            }
          };
      loop.callSoonThreadsafe(
          () -> {
            loop.callSoon(spin[0]);
            loop.callLater(0.0001, timer[0]);
          });

      CountDownLatch start = new CountDownLatch(1);
      List<Thread> producers = new ArrayList<>();
      for (int p = 0; p < PRODUCERS; p++) {
        int producer = p;
        Thread t =
            new Thread(
                () -> {
                  try {
                    start.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                  for (int i = 0; i < PER_PRODUCER; i++) {
                    int n = i;
                    loop.callSoonThreadsafe(
                        () -> {
                          if (next[producer] != n) {
                            outOfOrder[0]++;
                          }
                          next[producer] = n + 1;
                          received[0]++;
                          checkDone.run();
                        });
                  }
                },
                "producer-" + p);
        producers.add(t);
        t.start();
      }
      start.countDown();
      for (Thread t : producers) {
        t.join();
      }
      done.join();

      assertThat(received[0]).isEqualTo((long) PRODUCERS * PER_PRODUCER);
      assertThat(outOfOrder[0]).isZero();
      assertThat(next).containsOnly(PER_PRODUCER);
      assertThat(spins[0]).isGreaterThanOrEqualTo(1000);
      assertThat(timerRuns[0]).isGreaterThanOrEqualTo(10);
    } finally {
      loop.dispose();
    }
  }
}
