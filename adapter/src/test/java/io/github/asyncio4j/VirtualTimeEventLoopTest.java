package io.github.asyncio4j;

import static io.github.asyncio4j.EventLoopOrderingTest.runOnce;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The virtual-time loop: its clock starts at 0 and jumps to the next deadline when nothing is
 * ready, so hours of timers run at once, with exact times, and the same program always logs the
 * same thing. It also serves reactor-test's {@code StepVerifier} from its own thread.
 */
class VirtualTimeEventLoopTest {

  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();

  /** An hour of timers, sleeps and tasks; returns what they logged with the loop's times. */
  private static List<String> anHourOfWork(VirtualTimeEventLoop loop) {
    List<String> log = new ArrayList<>();
    for (int i = 1; i <= 3600; i++) {
      int n = i;
      loop.callLater(i, () -> log.add("tick " + n + " @" + loop.time()));
    }
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              for (int t = 0; t < 10; t++) {
                int n = t;
                loop.createTask(
                    Flux.range(0, 6)
                        .concatMap(k -> loop.sleep(Duration.ofSeconds(60 * (n + 1)), k))
                        .doOnNext(k -> log.add("task " + n + "." + k + " @" + loop.time()))
                        .then());
              }
              return loop.sleep(Duration.ofHours(1));
            }));
    return log;
  }

  @Test
  @Timeout(10)
  void anHourOfTimersRunsAtOnceAndTheSameWayEveryTime() {
    List<String> first = anHourOfWork(loop);
    VirtualTimeEventLoop other = VirtualTimeEventLoop.create();
    List<String> second = anHourOfWork(other);

    assertThat(loop.time()).isEqualTo(3600.0);
    assertThat(first).hasSize(3600 + 10 * 6).isEqualTo(second);
    assertThat(first)
        .startsWith("tick 1 @1.0", "tick 2 @2.0")
        .endsWith("tick 3600 @3600.0", "task 9.5 @3600.0");
    assertThat(first).contains("task 0.0 @60.0", "task 0.5 @360.0", "task 4.2 @900.0");
    // Timers first at equal deadlines: they were scheduled before the tasks' sleeps.
    assertThat(first.indexOf("tick 60 @60.0")).isLessThan(first.indexOf("task 0.0 @60.0"));
  }

  @Test
  void timeIsExactAndStartsAtZero() {
    assertThat(loop.time()).isZero();
    List<Double> times = new ArrayList<>();
    Runnable[] step = new Runnable[1];
    step[0] =
        () -> {
          times.add(loop.time());
          if (times.size() < 10) {
            loop.callLater(0.1, step[0]);
          }
        };
    loop.callLater(0.1, step[0]);
    EventLoopOrderingTest.runUntil(loop, 2);

    // 0.1 + 0.1 + 0.1 is 0.30000000000000004 in doubles; the loop counts nanoseconds.
    assertThat(times).containsExactly(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);
    assertThat(loop.time()).isEqualTo(2.0);
    assertThat(loop.now(TimeUnit.MILLISECONDS)).isEqualTo(2000);
  }

  @Test
  void theClockDoesNotMoveWhileCallbacksAreReady() {
    List<Double> times = new ArrayList<>();
    loop.callLater(5, () -> times.add(loop.time()));
    loop.callSoon(() -> times.add(loop.time()));
    loop.callSoon(() -> loop.callSoon(() -> times.add(loop.time())));
    runOnce(loop);
    runOnce(loop);
    assertThat(times).containsExactly(0.0, 0.0);

    EventLoopOrderingTest.runUntil(loop, 5);
    assertThat(times).containsExactly(0.0, 0.0, 5.0);
  }

  @Test
  void timersDaysAwayRunAtTheirExactTime() {
    List<Double> times = new ArrayList<>();
    loop.callLater(Duration.ofDays(3).plusNanos(1), () -> times.add(loop.time()));
    loop.runUntilComplete(loop.sleep(Duration.ofDays(4)));

    assertThat(times).containsExactly(259200.000000001);
    assertThat(loop.time()).isEqualTo(345600.0);
  }

  @Test
  void advanceTimeByMovesTheClockAndDueTimersRunOnTheNextIteration() {
    List<Double> times = new ArrayList<>();
    loop.callLater(10, () -> times.add(loop.time()));
    loop.callLater(30, () -> times.add(loop.time()));

    loop.advanceTimeBy(Duration.ofSeconds(15)); // not running: allowed
    assertThat(loop.time()).isEqualTo(15.0);
    assertThat(times).isEmpty();
    runOnce(loop);
    assertThat(times).containsExactly(15.0);

    loop.callSoon(() -> loop.advanceTimeBy(Duration.ofSeconds(20))); // on the loop's thread
    runOnce(loop);
    assertThat(times).containsExactly(15.0);
    runOnce(loop);
    assertThat(times).containsExactly(15.0, 35.0);

    loop.advanceTimeBy(Duration.ZERO);
    assertThat(loop.time()).isEqualTo(35.0);
  }

  @Test
  void sleepAndReactorTimeRunOnTheVirtualClock() {
    assertThat(loop.runUntilComplete(loop.sleep(Duration.ofHours(1), "x"))).isEqualTo("x");
    assertThat(loop.time()).isEqualTo(3600.0);
    assertThat(loop.runUntilComplete(Mono.delay(Duration.ofHours(1), loop))).isZero();
    assertThat(loop.time()).isEqualTo(7200.0);
    assertThat(loop.now(TimeUnit.HOURS)).isEqualTo(2);
  }

  @Test
  @Timeout(10)
  void stepVerifierAwaitsAVirtualLoopRunningOnItsOwnThread() {
    VirtualTimeEventLoop threaded = VirtualTimeEventLoop.newThreadEventLoop("virtual-loop");
    try {
      StepVerifier.create(threaded.sleep(Duration.ofHours(1), "x"))
          .expectNext("x")
          .verifyComplete();
      assertThat(threaded.time()).isEqualTo(3600.0);

      StepVerifier.create(Mono.delay(Duration.ofDays(1), threaded).map(v -> threaded.time()))
          .expectNext(3600.0 + 86400.0)
          .verifyComplete();

      StepVerifier.create(Flux.interval(Duration.ofMinutes(1), threaded).take(3))
          .expectNext(0L, 1L, 2L)
          .verifyComplete();
      assertThat(threaded.time()).isEqualTo(3600.0 + 86400.0 + 180.0);
    } finally {
      threaded.dispose();
    }
    StepVerifier.create(threaded.disposeGracefully()).verifyComplete();
    assertThat(threaded.isClosed()).isTrue();
  }

  @Test
  @Timeout(10)
  void anIdleVirtualLoopWaitsForOtherThreadsLikeARealOne() {
    VirtualTimeEventLoop threaded = VirtualTimeEventLoop.newThreadEventLoop("idle-virtual-loop");
    try {
      // Nothing pending: the clock stays put and the loop waits for work.
      assertThat(threaded.submit(Mono.fromCallable(threaded::time)).join()).isZero();
      assertThat(threaded.submit(Mono.fromCallable(threaded::time)).join()).isZero();
      assertThat(threaded.submit(threaded.sleep(Duration.ofSeconds(42), "slept")).join())
          .isEqualTo("slept");
      assertThat(threaded.time()).isEqualTo(42.0);
    } finally {
      threaded.dispose();
    }
  }
}
