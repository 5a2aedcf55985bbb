package io.github.asyncio4j.operators;

import static io.github.asyncio4j.operators.Asyncio.createTask;
import static io.github.asyncio4j.operators.Asyncio.gather;
import static io.github.asyncio4j.operators.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Rule C7, {@code asyncio.sleep}: on the loop's clock (exact in virtual time); {@code sleep(0)} is
 * a bare yield of exactly one loop iteration; the result is returned; cancelling the sleep cancels
 * its timer; {@code NaN} is rejected.
 */
class SleepTest {
  private static final int MAX_GC_ROUNDS = 200;

  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<String> log = new ArrayList<>();

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  private <T> T run(Mono<T> main) {
    return Asyncio.run(main, false, () -> loop);
  }

  private void log(String event) {
    log.add(event + " at " + loop.time());
  }

  // ---------------------------------------------------------------- sleep(0)

  // test_tasks.py::SleepTests::test_sleep_zero
  @Test
  void sleepZeroLetsTheCallbacksQueuedBeforeItRunFirst() {
    AtomicInteger result = new AtomicInteger();
    run(
        Mono.defer(
            () -> {
              Asyncio.getRunningLoop().callSoon(() -> result.addAndGet(1));
              assertThat(result).hasValue(0);
              return sleep(Duration.ZERO, 10)
                  .doOnNext(
                      num -> {
                        assertThat(result).as("inc'ed by callSoon").hasValue(1);
                        result.addAndGet(num);
                      });
            }));
    assertThat(result).hasValue(11);
  }

  // CPython 3.13 (exp): a callback queued before the yield runs first; one that it queues runs
  // only after the sleeper resumed.
  @Test
  void sleepZeroYieldsExactlyOneIteration() {
    run(
        Mono.defer(
            () -> {
              EventLoop l = Asyncio.getRunningLoop();
              l.callSoon(
                  () -> {
                    log.add("x");
                    l.callSoon(() -> log.add("y"));
                  });
              return sleep(0)
                  .then(Mono.fromRunnable(() -> log.add("resumed")))
                  .then(sleep(0))
                  .then(sleep(0));
            }));
    assertThat(log).containsExactly("x", "resumed", "y");
    assertThat(loop.time()).isZero();
  }

  @Test
  void tasksSleepingZeroTakeTurns() {
    run(gather(takingTurns("a"), takingTurns("b")));
    assertThat(log).containsExactly("a0", "b0", "a1", "b1", "a2", "b2");
  }

  private Mono<Void> takingTurns(String name) {
    Mono<Void> turns = Mono.empty();
    for (int i = 0; i < 3; i++) {
      String event = name + i;
      turns = turns.then(Mono.fromRunnable(() -> log.add(event))).then(sleep(0));
    }
    return turns;
  }

  @Test
  void aNegativeDelayIsABareYield() {
    run(
        Mono.defer(
            () -> {
              Asyncio.getRunningLoop().callSoon(() -> log.add("queued before"));
              return sleep(-1).then(Mono.fromRunnable(() -> log.add("resumed")));
            }));
    assertThat(log).containsExactly("queued before", "resumed");
    assertThat(loop.time()).isZero();
  }

  // ---------------------------------------------------------------- delays and results

  // test_tasks.py::BaseTaskTests::test_sleep
  @Test
  void sleepReturnsItsResultAfterTheDelay() {
    String r =
        run(
            sleep(Duration.ofMillis(50))
                .then(sleep(Duration.ofMillis(50), "yeah"))
                .doOnNext(v -> log("woke with " + v)));
    assertThat(r).isEqualTo("yeah");
    assertThat(log).containsExactly("woke with yeah at 0.1");
    assertThat(loop.time()).isEqualTo(0.1);
  }

  @Test
  void sleepRunsOnTheLoopsClockExactly() {
    run(
        sleep(0.25)
            .then(Mono.fromRunnable(() -> log("first")))
            .then(sleep(Duration.ofMillis(500)))
            .then(Mono.fromRunnable(() -> log("second")))
            .then(sleep(Duration.ofHours(1)))
            .then(Mono.fromRunnable(() -> log("an hour later"))));
    assertThat(log).containsExactly("first at 0.25", "second at 0.75", "an hour later at 3600.75");
  }

  @Test
  void concurrentSleepersWakeInDeadlineOrder() {
    run(
        gather(
            sleep(Duration.ofSeconds(3)).then(Mono.fromRunnable(() -> log("3"))),
            sleep(Duration.ofSeconds(1)).then(Mono.fromRunnable(() -> log("1"))),
            sleep(Duration.ofSeconds(2)).then(Mono.fromRunnable(() -> log("2")))));
    assertThat(log).containsExactly("1 at 1.0", "2 at 2.0", "3 at 3.0");
  }

  @Test
  void eachSubscriptionSleepsAfresh() {
    Mono<Void> s = sleep(Duration.ofSeconds(1));
    run(s.then(s).then(Mono.fromRunnable(() -> log("twice"))));
    assertThat(log).containsExactly("twice at 2.0");
  }

  // ---------------------------------------------------------------- cancellation

  // test_tasks.py::BaseTaskTests::test_task_cancel_sleeping_task
  @Test
  void cancellingTheSleepingTaskRaisesCancelledErrorAtTheCancel() {
    String r =
        run(
            Mono.defer(
                () -> {
                  Task<Void> sleeper = createTask(sleep(5000));
                  Asyncio.getRunningLoop().callLater(0.1, () -> sleeper.cancel());
                  return sleeper
                      .thenReturn("slept in")
                      .onErrorResume(CancelledError.class, e -> Mono.just("cancelled"));
                }));
    assertThat(r).isEqualTo("cancelled");
    assertThat(loop.time()).isEqualTo(0.1);
  }

  // test_tasks.py::BaseTaskTests::test_sleep_cancel: the timer is cancelled. Its callback holds the
  // sleep's result until it runs, so the result object is collectable only once the timer is.
  @Test
  void cancellingTheTaskCancelsTheSleepsTimer() {
    assertTimerReleasedAfterCancelling(Task::cancel);
  }

  @Test
  void aReactorCancelOfTheSleepCancelsItsTimer() {
    AtomicReference<WeakReference<Object>> payload = new AtomicReference<>();
    loop.runUntilComplete(
        Mono.defer(() -> sleep(Duration.ofSeconds(10), newPayload(payload)))
            .takeUntilOther(sleep(Duration.ofSeconds(1), 0L))
            .then(sleep(0)));
    assertThat(loop.time()).isEqualTo(1.0);
    collectUntilCleared(payload.get());
  }

  private void assertTimerReleasedAfterCancelling(Consumer<Task<Object>> canceller) {
    AtomicReference<WeakReference<Object>> payload = new AtomicReference<>();
    startSleeperThenCancelIt(payload, canceller);
    assertThat(loop.time()).isEqualTo(1.0);
    collectUntilCleared(payload.get());
  }

  private void startSleeperThenCancelIt(
      AtomicReference<WeakReference<Object>> payload, Consumer<Task<Object>> canceller) {
    Task<Object> t =
        loop.createTask(Mono.defer(() -> sleep(Duration.ofSeconds(10), newPayload(payload))));
    loop.runUntilComplete(loop.sleep(Duration.ofSeconds(1)));
    // While the timer is pending, its callback holds the result: it cannot be collected.
    System.gc();
    assertThat(payload.get().get()).isNotNull();

    canceller.accept(t);
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
  }

  private static Object newPayload(AtomicReference<WeakReference<Object>> ref) {
    Object p = new Object();
    ref.set(new WeakReference<>(p));
    return p;
  }

  private void collectUntilCleared(WeakReference<Object> ref) {
    for (int i = 0; i < MAX_GC_ROUNDS && ref.get() != null; i++) {
      System.gc();
      loop.runUntilComplete(loop.sleep(0));
    }
    assertThat(ref.get()).as("the timer's callback was released").isNull();
    assertThat(loop.time()).as("and the virtual clock never went to the deadline").isEqualTo(1.0);
  }

  // ---------------------------------------------------------------- bad input

  // test_tasks.py::BaseTaskTests::test_sleep_when_delay_is_nan (Python 3.13)
  @Test
  void nanIsRejected() {
    assertThatThrownBy(() -> sleep(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid delay: NaN (not a number)");
  }

  @Test
  void nullDelaysAreRejectedNamingTheArgument() {
    assertThatThrownBy(() -> sleep((Duration) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("delay");
    assertThatThrownBy(() -> sleep(null, "x"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("delay");
  }

  @Test
  void sleepNeedsALoopWhenSubscribed() {
    Mono<Void> s = sleep(Duration.ofSeconds(1));
    assertThatThrownBy(s::block)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no running event loop");
  }
}
