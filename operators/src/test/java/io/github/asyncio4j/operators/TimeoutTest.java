package io.github.asyncio4j.operators;

import static io.github.asyncio4j.operators.Asyncio.createTask;
import static io.github.asyncio4j.operators.Asyncio.currentTask;
import static io.github.asyncio4j.operators.Asyncio.getRunningLoop;
import static io.github.asyncio4j.operators.Asyncio.sleep;
import static io.github.asyncio4j.operators.Asyncio.taskGroup;
import static io.github.asyncio4j.operators.Asyncio.timeout;
import static io.github.asyncio4j.operators.Asyncio.timeoutAt;
import static io.github.asyncio4j.operators.Asyncio.waitFor;
import static io.github.asyncio4j.operators.TaskScripts.errorOf;
import static io.github.asyncio4j.operators.TaskScripts.now;
import static io.github.asyncio4j.operators.TaskScripts.onCancel;
import static io.github.asyncio4j.operators.TaskScripts.runV;
import static io.github.asyncio4j.operators.TaskScripts.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.ExceptionGroup;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.TimerHandle;
import io.github.asyncio4j.VirtualTimeEventLoop;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@link Timeout}, {@link Asyncio#timeout(Duration)} and {@link Asyncio#timeoutAt(Double)}:
 * asyncio's rule C5, porting the intent of CPython's {@code Lib/test/test_asyncio/test_timeouts.py}
 * on the virtual-time loop. {@code async with timeout(d) as cm: body} is {@code cm.wrap(body)}.
 */
class TimeoutTest {

  /** Runs {@code check} once {@code m} is done, in the same task. */
  static <T> Mono<T> andThen(Mono<?> m, Supplier<T> check) {
    return m.then(Mono.fromSupplier(check));
  }

  // ------------------------------------------------------------------ expiry

  // test_timeouts.py::TimeoutTests::test_timeout_basic
  // test_timeouts.py::TimeoutTests::test_timeout_exception_context
  @Test
  void expiryRaisesTimeoutErrorCausedByTheCancellation() {
    Timeout cm = timeout(seconds(0.01));
    List<Object> r =
        runV(errorOf(cm.wrap(sleep(10))).map(e -> List.of(e, now(), currentTask().cancelling())));
    assertThat((Throwable) r.get(0))
        .isInstanceOf(TimeoutError.class)
        .hasCauseInstanceOf(CancelledError.class);
    assertThat((double) r.get(1)).isCloseTo(0.01, within(1e-9));
    assertThat(r.get(2)).isEqualTo(0); // the cancel count is restored
    assertThat(cm.expired()).isTrue();
  }

  // test_timeouts.py::TimeoutTests::test_timeout_exception_context
  @Test
  void aBodyCleaningUpAfterAFailureIsInterruptedAndTimesOut() {
    Throwable e =
        runV(
            errorOf(
                timeout(
                    seconds(0.01),
                    Mono.<Void>error(new ArithmeticException("division by zero"))
                        .onErrorResume(x -> sleep(1).then(Mono.error(x))))));
    assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
  }

  // test_timeouts.py::TimeoutTests::test_timeout_at_basic
  @Test
  void timeoutAtExpiresAtItsDeadline() {
    AtomicReference<Timeout> cm = new AtomicReference<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  double deadline = now() + 0.01;
                  cm.set(timeoutAt(deadline));
                  return errorOf(cm.get().wrap(sleep(10))).map(e -> List.of(e, deadline, now()));
                }));
    assertThat(r.get(0)).isInstanceOf(TimeoutError.class);
    assertThat(cm.get().expired()).isTrue();
    assertThat(cm.get().when()).isEqualTo((Double) r.get(1));
    assertThat((double) r.get(2)).isCloseTo(0.01, within(1e-9));
  }

  // test_timeouts.py::TimeoutTests::test_waiter_cancelled
  @Test
  void theBodyGetsTheCancelledErrorAndMayCleanUpFirst() {
    List<String> log = new ArrayList<>();
    Throwable e =
        runV(
            errorOf(
                timeout(
                    seconds(0.01),
                    sleep(10)
                        .onErrorResume(
                            CancelledError.class,
                            c ->
                                sleep(1)
                                    .then(
                                        Mono.fromRunnable(() -> log.add("cleaned up at " + now())))
                                    .then(Mono.error(c))))));
    assertThat(e).isInstanceOf(TimeoutError.class);
    assertThat(log).containsExactly("cleaned up at 1.01");
  }

  // test_timeouts.py::TimeoutTests::test_outer_task_is_not_cancelled
  @Test
  void theTaskIsNotLeftCancelled() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<Throwable> task = createTask(errorOf(timeout(seconds(0.001), sleep(10))));
                  return task.map(e -> List.of(e, task.cancelled(), task.done()));
                }));
    assertThat(r.get(0)).isInstanceOf(TimeoutError.class);
    assertThat(r.subList(1, 3)).containsExactly(false, true);
  }

  // ASYNCIO-SEMANTICS.md C5: "the enclosing task is not cancelled" — it may go on waiting.
  @Test
  void afterATimeoutTheTaskGoesOnAwaiting() {
    List<String> log = new ArrayList<>();
    String r =
        runV(
            timeout(seconds(1), sleep(5))
                .onErrorResume(TimeoutError.class, e -> Mono.fromRunnable(() -> log.add("timeout")))
                .then(sleep(seconds(2), "slept"))
                .doOnNext(v -> log.add(v + " at " + now())));
    assertThat(r).isEqualTo("slept");
    assertThat(log).containsExactly("timeout", "slept at 3.0");
  }

  // ASYNCIO-SEMANTICS.md C5: "If the body swallows the CancelledError, the block exits normally."
  @Test
  void aBodyThatSuppressesTheCancellationEndsNormally() {
    Timeout cm = timeout(seconds(1));
    List<Object> r =
        runV(
            cm.wrap(sleep(10).thenReturn("late").onErrorReturn(CancelledError.class, "suppressed"))
                .map(v -> List.of(v, currentTask().cancelling(), now())));
    assertThat(r.subList(0, 2)).containsExactly("suppressed", 0);
    assertThat((double) r.get(2)).isCloseTo(1.0, within(1e-9));
    assertThat(cm.expired()).isTrue();
  }

  // test_timeouts.py::TimeoutTests::test_timeout_not_called
  @Test
  void aBodyThatFinishesInTimeIsNotInterrupted() {
    Timeout cm = timeout(seconds(10));
    double t1 = runV(andThen(cm.wrap(sleep(0.01)), TaskScripts::now));
    assertThat(cm.expired()).isFalse();
    assertThat(cm.when()).isGreaterThan(t1).isCloseTo(10.0, within(1e-9));
  }

  // test_timeouts.py::TimeoutTests::test_timeout_disabled
  @Test
  void noDelayMeansNoDeadline() {
    Timeout cm = timeout(null);
    double end = runV(andThen(cm.wrap(sleep(1e6)), TaskScripts::now));
    assertThat(end).isCloseTo(1e6, within(1e-6));
    assertThat(cm.expired()).isFalse();
    assertThat(cm.when()).isNull();
  }

  // test_timeouts.py::TimeoutTests::test_timeout_at_disabled
  @Test
  void noDeadlineForTimeoutAt() {
    Timeout cm = timeoutAt(null);
    runV(cm.wrap(sleep(0.01)));
    assertThat(cm.expired()).isFalse();
    assertThat(cm.when()).isNull();
  }

  // A deadline centuries away (Duration.toNanos() would overflow) never fires.
  @Test
  void aVeryLongDelayIsJustFarAway() {
    Timeout cm = timeout(Duration.ofSeconds(Long.MAX_VALUE));
    String r = runV(cm.wrap(sleep(seconds(1), "done")));
    assertThat(r).isEqualTo("done");
    assertThat(cm.when()).isGreaterThan(9e18);
  }

  // ------------------------------------------------------------------ deadlines already passed

  // test_timeouts.py::TimeoutTests::test_timeout_zero
  @Test
  void aZeroDelayInterruptsTheFirstWait() {
    Timeout cm = timeout(Duration.ZERO);
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  double t0 = now();
                  return errorOf(cm.wrap(sleep(10))).map(e -> List.of(e, t0, now()));
                }));
    assertThat(r.get(0)).isInstanceOf(TimeoutError.class);
    assertThat(cm.expired()).isTrue();
    assertThat(cm.when()).isBetween((Double) r.get(1), (Double) r.get(2));
    assertThat((double) r.get(2)).isZero(); // it fired on the next iteration, not later
  }

  // test_timeouts.py::TimeoutTests::test_timeout_zero_sleep_zero
  @Test
  void aZeroDelayInterruptsEvenAZeroSleep() {
    Timeout cm = timeout(Duration.ZERO);
    Throwable e = runV(errorOf(cm.wrap(sleep(0))));
    assertThat(e).isInstanceOf(TimeoutError.class);
    assertThat(cm.expired()).isTrue();
  }

  // test_timeouts.py::TimeoutTests::test_timeout_in_the_past_sleep_zero
  @Test
  void aDeadlineInThePastInterruptsAZeroSleep() {
    Timeout cm = timeout(Duration.ofSeconds(-11));
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  double t0 = now();
                  return errorOf(cm.wrap(sleep(0))).map(e -> List.of(e, t0));
                }));
    assertThat(r.get(0)).isInstanceOf(TimeoutError.class);
    assertThat(cm.expired()).isTrue();
    assertThat(cm.when()).isLessThanOrEqualTo((Double) r.get(1) - 11);
  }

  // ASYNCIO-SEMANTICS.md C5 (exp): a deadline <= now fires with call_soon, on the next iteration,
  // so a body that does not wait exits cleanly; and its callback is cancelled with the block.
  @Test
  void aDeadlineAlreadyPassedSparesABodyThatDoesNotWait() {
    Timeout cm = timeout(Duration.ZERO);
    List<Object> r =
        runV(
            cm.wrap(Mono.just("no await"))
                .flatMap(
                    v ->
                        sleep(0) // the iteration the callback was scheduled for
                            .then(sleep(1))
                            .then(
                                Mono.fromCallable(() -> List.of(v, currentTask().cancelling())))));
    assertThat(r).containsExactly("no await", 0);
    assertThat(cm.expired()).isFalse();
    assertThat(cm).hasToString("<Timeout [finished]>");
  }

  // ------------------------------------------------------------------ what is not a timeout

  // test_timeouts.py::TimeoutTests::test_foreign_exception_passed
  @Test
  void aBodysOwnExceptionPassesThrough() {
    Timeout cm = timeout(seconds(0.01));
    Throwable e = runV(errorOf(cm.wrap(Mono.error(new IllegalArgumentException("KeyError")))));
    assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessage("KeyError");
    assertThat(e.getSuppressed()).isEmpty();
    assertThat(cm.expired()).isFalse();
  }

  // test_timeouts.py::TimeoutTests::test_foreign_exception_on_timeout
  @Test
  void anExceptionRaisedWhileExpiringPropagatesCarryingTheTimeout() {
    Timeout cm = timeout(seconds(0.01));
    Throwable e =
        runV(
            errorOf(
                cm.wrap(
                    sleep(1)
                        .then(Mono.<Void>error(new ArithmeticException("division by zero")))
                        .onErrorResume(x -> Mono.error(new ArithmeticException("finally"))))));
    assertThat(e).isInstanceOf(ArithmeticException.class).hasMessage("finally");
    assertThat(e.getSuppressed()).singleElement().isInstanceOf(TimeoutError.class);
    assertThat(cm.expired()).isTrue();
  }

  // test_timeouts.py::TimeoutTests::test_foreign_cancel_doesnt_timeout_if_not_expired
  @Test
  void aCancellationFromElsewhereIsNotATimeout() {
    Timeout cm = timeout(seconds(10));
    Throwable e =
        runV(
            errorOf(
                cm.wrap(
                    Mono.defer(
                        () -> {
                          currentTask().cancel();
                          return sleep(10);
                        }))));
    assertThat(e).isInstanceOf(CancelledError.class);
    assertThat(cm.expired()).isFalse();
  }

  // ASYNCIO-SEMANTICS.md C5: "an outside cancel is never converted", even when the deadline
  // passes at the same time.
  @Test
  void aCancelFromOutsideAtTheDeadlineStaysACancellation() {
    AtomicReference<Timeout> cm = new AtomicReference<>();
    List<String> log = new ArrayList<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  cm.set(timeout(seconds(1)));
                  Task<Void> t = createTask(onCancel(cm.get().wrap(sleep(10)), log, "cancelled"));
                  // main's timer was scheduled before the task started: it runs first.
                  return sleep(1)
                      .then(Mono.fromRunnable(t::cancel))
                      .then(errorOf(t))
                      .map(e -> List.of(e, t.cancelled()));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    assertThat(r.get(1)).isEqualTo(true);
    assertThat(cm.get().expired()).isTrue(); // it did expire, but the cancel is not its own
    assertThat(log).containsExactly("cancelled");
  }

  // timeouts.py::Timeout.__aexit__: a failure raised while expiring carries a TimeoutError only
  // when the cancellation is the timeout's alone; with a cancel from outside too, it does not.
  @Test
  void aFailureWhileExpiringAndCancelledFromOutsideDoesNotCarryTheTimeout() {
    AtomicReference<Timeout> cm = new AtomicReference<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  cm.set(timeout(seconds(1)));
                  Task<Void> t =
                      createTask(
                          cm.get()
                              .wrap(
                                  sleep(10)
                                      .onErrorResume(
                                          CancelledError.class,
                                          c -> Mono.error(new ArithmeticException("in except")))));
                  return sleep(1)
                      .then(Mono.fromRunnable(t::cancel))
                      .then(errorOf(t))
                      .map(e -> List.of(e, t.cancelled()));
                }));
    assertThat((Throwable) r.get(0)).isInstanceOf(ArithmeticException.class);
    assertThat(((Throwable) r.get(0)).getSuppressed()).isEmpty();
    assertThat(r.get(1)).isEqualTo(false);
    assertThat(cm.get().expired()).isTrue();
  }

  // A cancel from another task before the deadline.
  @Test
  void aCancelFromAnotherTaskBeforeTheDeadline() {
    AtomicReference<Timeout> cm = new AtomicReference<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  cm.set(timeout(seconds(5)));
                  Task<Void> t = createTask(cm.get().wrap(sleep(10)));
                  return sleep(1)
                      .then(Mono.fromRunnable(t::cancel))
                      .then(errorOf(t))
                      .map(e -> List.of(e, t.cancelled(), now()));
                }));
    assertThat(r.subList(0, 1)).singleElement().isInstanceOf(CancelledError.class);
    assertThat(r.get(1)).isEqualTo(true);
    assertThat((double) r.get(2)).isCloseTo(1.0, within(1e-9));
    assertThat(cm.get().expired()).isFalse();
  }

  // test_timeouts.py::TimeoutTests::test_timeout_after_cancellation
  @Test
  void aTimeoutInTheCleanUpOfACancelledTaskStillTimesOut() {
    Throwable e =
        runV(
            Mono.defer(
                    () -> {
                      currentTask().cancel();
                      return sleep(1); // work which will be cancelled
                    })
                .onErrorResume(CancelledError.class, c -> Mono.empty())
                .then(errorOf(timeout(Duration.ZERO, sleep(1))))); // some clean-up
    assertThat(e).isInstanceOf(TimeoutError.class);
  }

  // test_timeouts.py::TimeoutTests::test_cancel_in_timeout_after_cancellation
  @Test
  void aNewCancelInTheCleanUpOfACancelledTaskStaysACancellation() {
    Throwable e =
        runV(
            Mono.defer(
                    () -> {
                      currentTask().cancel();
                      return sleep(1);
                    })
                .onErrorResume(CancelledError.class, c -> Mono.empty())
                .then(
                    errorOf(
                        timeout(
                            seconds(1),
                            Mono.defer(
                                () -> {
                                  currentTask().cancel();
                                  return sleep(2);
                                })))));
    assertThat(e).isInstanceOf(CancelledError.class);
  }

  // ------------------------------------------------------------------ nesting

  // test_timeouts.py::TimeoutTests::test_nested_timeouts
  @Test
  void withTheSameDeadlineOnlyTheOutermostRaisesTimeoutError() {
    List<String> log = new ArrayList<>();
    AtomicReference<Timeout> cm1 = new AtomicReference<>();
    AtomicReference<Timeout> cm2 = new AtomicReference<>();
    Throwable e =
        runV(
            Mono.defer(
                () -> {
                  double deadline = now() + 0.01;
                  cm1.set(timeoutAt(deadline));
                  cm2.set(timeoutAt(deadline));
                  return errorOf(
                      cm1.get().wrap(onCancel(cm2.get().wrap(sleep(10)), log, "inner cancelled")));
                }));
    assertThat(e).isInstanceOf(TimeoutError.class);
    assertThat(log).containsExactly("inner cancelled");
    assertThat(cm1.get().expired()).isTrue();
    assertThat(cm2.get().expired()).isTrue();
  }

  // test_timeouts.py::TimeoutTests::test_nested_timeouts_loop_busy (the inner one expires first)
  @Test
  void theInnerTimeoutExpiringFirstIsTheInnersTimeout() {
    Timeout outer = timeout(seconds(0.1));
    Timeout inner = timeout(seconds(0.01));
    List<String> log = new ArrayList<>();
    Throwable e =
        runV(
            errorOf(
                outer.wrap(
                    inner
                        .wrap(sleep(1))
                        .onErrorResume(
                            TimeoutError.class,
                            x -> Mono.fromRunnable(() -> log.add("inner timed out at " + now())))
                        .then(onCancel(sleep(10), log, "interrupted at 0.1")))));
    assertThat(e).isInstanceOf(TimeoutError.class);
    assertThat(log).containsExactly("inner timed out at 0.01", "interrupted at 0.1");
    assertThat(inner.expired()).isTrue();
    assertThat(outer.expired()).isTrue();
  }

  // test_timeouts.py::TimeoutTests::test_nested_timeouts_loop_busy
  @Test
  void whenBothExpireInOneIterationTheOuterRaisesTimeoutError() {
    Timeout outer = timeout(seconds(0.1));
    Timeout inner = timeout(seconds(0.01));
    List<String> log = new ArrayList<>();
    Throwable e =
        runV(
            errorOf(
                outer.wrap(
                    inner
                        .wrap(
                            Mono.defer(
                                () -> {
                                  // Pretend the loop is busy past both deadlines.
                                  ((VirtualTimeEventLoop) getRunningLoop())
                                      .advanceTimeBy(Duration.ofMillis(100));
                                  return sleep(1);
                                }))
                        .onErrorResume(
                            TimeoutError.class,
                            x -> Mono.fromRunnable(() -> log.add("inner timeout")))
                        .then(onCancel(sleep(10), log, "sleep after inner")))));
    // The inner one may not claim the cancellation: the outer one's is pending too.
    assertThat(e).isInstanceOf(TimeoutError.class);
    assertThat(log).isEmpty();
    assertThat(inner.expired()).isTrue();
    assertThat(outer.expired()).isTrue();
  }

  // test_timeouts.py::TimeoutTests::test_nested_timeouts_concurrent
  @Test
  void theOuterTimeoutExpiringWhileTheInnerIsActiveIsTheOuters() {
    Timeout outer = timeout(seconds(0.002));
    Timeout inner = timeout(seconds(0.1));
    List<String> log = new ArrayList<>();
    Throwable e =
        runV(
            errorOf(
                outer.wrap(
                    onCancel(
                        inner.wrap(
                            Mono.defer(
                                () -> {
                                  // Pretend we crunch some numbers.
                                  ((VirtualTimeEventLoop) getRunningLoop())
                                      .advanceTimeBy(Duration.ofMillis(10));
                                  return sleep(1);
                                })),
                        log,
                        "the inner block saw CancelledError"))));
    assertThat(e).isInstanceOf(TimeoutError.class);
    assertThat(log).containsExactly("the inner block saw CancelledError");
    assertThat(inner.expired()).isFalse();
    assertThat(outer.expired()).isTrue();
  }

  // test_timeouts.py::TimeoutTests::test_nested_timeout_in_finally
  @Test
  void aTimeoutInsideTheCleanUpOfAnExpiredOne() {
    List<Throwable> inner = new ArrayList<>();
    Throwable e =
        runV(
            errorOf(
                timeout(
                    seconds(0.01),
                    sleep(1)
                        .onErrorResume(
                            x ->
                                errorOf(timeout(seconds(0.01), sleep(10)))
                                    .doOnNext(inner::add)
                                    .then(Mono.error(x))))));
    assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
    assertThat(inner)
        .singleElement()
        .isInstanceOf(TimeoutError.class)
        .extracting(Throwable::getCause)
        .isInstanceOf(CancelledError.class);
  }

  // A task group under a timeout: the expiry cancels the parent, so the group cancels its tasks,
  // waits for them, and its CancelledError becomes the timeout's TimeoutError.
  @Test
  void aTaskGroupUnderATimeoutIsCancelledAndTimesOut() {
    List<String> log = new ArrayList<>();
    List<Object> r =
        runV(
            errorOf(
                    timeout(
                        seconds(1),
                        taskGroup(
                            tg -> {
                              tg.createTask(onCancel(sleep(10), log, "task cancelled"));
                              return Mono.empty();
                            })))
                .map(e -> List.of(e, now(), currentTask().cancelling())));
    assertThat(r.get(0)).isInstanceOf(TimeoutError.class);
    assertThat((double) r.get(1)).isCloseTo(1.0, within(1e-9));
    assertThat(r.get(2)).isEqualTo(0);
    assertThat(log).containsExactly("task cancelled");
  }

  // test_timeouts.py::TimeoutTests::test_timeout_taskgroup
  @Test
  void aTaskGroupCutShortByATimeoutRaisesItsGroupCarryingTheTimeout() {
    Throwable e =
        runV(
            errorOf(
                timeout(
                    seconds(0.01),
                    taskGroup(
                        tg -> {
                          tg.createTask(
                              sleep(2) // interrupted after 0.01 seconds
                                  .onErrorResume(
                                      x ->
                                          Mono.error(
                                              new ArithmeticException("crash in clean-up"))));
                          return Mono.<Void>error(new IllegalArgumentException("ValueError"))
                              .onErrorResume(x -> sleep(1).then(Mono.error(x)));
                        }))));
    assertThat(e).isInstanceOf(ExceptionGroup.class);
    ExceptionGroup eg = (ExceptionGroup) e;
    assertThat(eg.exceptions())
        .singleElement()
        .isInstanceOf(ArithmeticException.class)
        .satisfies(
            x -> assertThat(x.getSuppressed()).singleElement().isInstanceOf(TimeoutError.class));
    assertThat(eg.getSuppressed()).anySatisfy(x -> assertThat(x).isInstanceOf(TimeoutError.class));
  }

  // ------------------------------------------------------------------ foreign bodies

  // DESIGN.md "Cancellation": a foreign publisher is cancelled through the guard.
  @Test
  void aForeignBodyThatNeverCompletesTimesOutAndIsCancelled() {
    List<String> log = new ArrayList<>();
    Timeout cm = timeout(seconds(5));
    List<Object> r =
        runV(
            errorOf(cm.wrap(Mono.never().doOnCancel(() -> log.add("upstream cancelled"))))
                .map(e -> List.of(e, now(), currentTask().cancelling())));
    assertThat((Throwable) r.get(0))
        .isInstanceOf(TimeoutError.class)
        .hasCauseInstanceOf(CancelledError.class);
    assertThat((double) r.get(1)).isCloseTo(5.0, within(1e-9));
    assertThat(r.get(2)).isEqualTo(0);
    assertThat(log).containsExactly("upstream cancelled");
    assertThat(cm.expired()).isTrue();
  }

  // DESIGN.md "Cancellation": a Sinks.One is a foreign publisher; the guard cancels it.
  @Test
  void aSinkNeverEmittedTimesOutAndLosesItsSubscriber() {
    Sinks.One<String> sink = Sinks.one();
    List<Integer> subscribers = new ArrayList<>();
    Throwable e =
        runV(
            Mono.defer(
                () -> {
                  getRunningLoop()
                      .callLater(0.5, () -> subscribers.add(sink.currentSubscriberCount()));
                  return errorOf(timeout(seconds(1), sink.asMono()));
                }));
    assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
    assertThat(subscribers).containsExactly(1);
    assertThat(sink.currentSubscriberCount()).isZero();
  }

  // test_timeouts.py::TimeoutTests::test_timeout_not_called, with a foreign body
  @Test
  void aForeignBodyThatCompletesInTimeKeepsItsValue() {
    Sinks.One<String> sink = Sinks.one();
    String r =
        runV(
            Mono.defer(
                () -> {
                  getRunningLoop().callLater(0.5, () -> sink.tryEmitValue("in time"));
                  return timeout(seconds(1), sink.asMono()).delayUntil(v -> sleep(2));
                }));
    assertThat(r).isEqualTo("in time");
  }

  // The body's foreign outcome is handed over in a plain loop callback: that is a step of the
  // task, and a cancel requested during it (here the task cancelling itself, as in
  // test_tasks.py::BaseTaskTests::test_cancel_current_task) is delivered at its next await, even
  // an await of a foreign publisher.
  @Test
  void aCancelRequestedAfterAForeignBodyResumedTheTaskIsDelivered() {
    Sinks.One<String> sink = Sinks.one();
    List<String> log = new ArrayList<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  getRunningLoop().callLater(1, () -> sink.tryEmitValue("foreign"));
                  Task<Object> task =
                      createTask(
                          timeout(seconds(10), sink.asMono())
                              .flatMap(
                                  v -> {
                                    log.add(v);
                                    currentTask().cancel();
                                    return Mono.never()
                                        .doOnCancel(() -> log.add("never cancelled"));
                                  }));
                  // waitFor only guards against a hang: the task should end at 1.0, cancelled.
                  return errorOf(waitFor(task, seconds(100)))
                      .map(e -> List.of(e, now(), task.cancelled()));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    assertThat((double) r.get(1)).isCloseTo(1.0, within(1e-9));
    assertThat(r.get(2)).isEqualTo(true);
    assertThat(log).containsExactly("foreign", "never cancelled");
  }

  // ------------------------------------------------------------------ Reactor cancel

  // A Reactor cancel of the timeout's Mono cancels its timer: nothing fires later.
  @Test
  void aReactorCancelOfTheTimeoutCancelsItsTimer() throws Exception {
    Timeout cm = timeout(seconds(10));
    List<String> log = new ArrayList<>();
    AtomicReference<TimerHandle> timer = new AtomicReference<>();
    List<Object> r =
        runV(
            Mono.firstWithSignal(
                    cm.wrap(
                        Mono.defer(
                            () -> {
                              timer.set(timerOf(cm));
                              return Mono.<String>never()
                                  .doOnCancel(() -> log.add("upstream cancelled"));
                            })),
                    sleep(seconds(1), "fast"))
                // past the old deadline: a timer left behind would cancel this sleep
                .flatMap(
                    v ->
                        sleep(20)
                            .then(
                                Mono.fromCallable(
                                    () -> List.of(v, now(), currentTask().cancelling())))));
    assertThat(r.get(0)).isEqualTo("fast");
    assertThat((double) r.get(1)).isCloseTo(21.0, within(1e-9));
    assertThat(r.get(2)).isEqualTo(0);
    assertThat(log).containsExactly("upstream cancelled");
    assertThat(timer.get()).isNotNull();
    assertThat(timer.get().cancelled()).isTrue();
    assertThat(timerOf(cm)).isNull();
    assertThat(cm.expired()).isFalse();
    // The block was left: the timeout cannot be re-armed to cancel the task later.
    assertThatThrownBy(() -> cm.reschedule(30.0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot change state of finished Timeout");
  }

  // A Reactor cancel after the deadline passed takes the timeout's cancellation back.
  @Test
  void aReactorCancelAfterExpiryRestoresTheCancelCount() {
    Timeout cm = timeout(seconds(1));
    List<Object> r =
        runV(
            Mono.firstWithSignal(
                    // the body needs 2 seconds to clean up after the deadline
                    cm.wrap(
                        sleep(10)
                            .onErrorResume(CancelledError.class, e -> sleep(2).then(Mono.error(e)))
                            .thenReturn("body")),
                    // a sibling that ignores cancellation and ends first
                    sleep(10).thenReturn("sibling").onErrorReturn(CancelledError.class, "sibling"))
                .flatMap(
                    v ->
                        sleep(5)
                            .then(
                                Mono.fromCallable(() -> List.of(v, currentTask().cancelling())))));
    assertThat(r).containsExactly("sibling", 0);
    assertThat(cm.expired()).isTrue();
  }

  /** The timer the timeout holds: a private field, read to see that very handle cancelled. */
  private static TimerHandle timerOf(Timeout cm) {
    try {
      Field f = Timeout.class.getDeclaredField("handle");
      f.setAccessible(true);
      return (TimerHandle) f.get(cm);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------ when, reschedule, expired

  // test_timeouts.py::TimeoutTests::test_reschedule
  @Test
  void anotherTaskMayMoveOrRemoveTheDeadline() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Future<Timeout> fut = getRunningLoop().createFuture();
                  double deadline1 = now() + 10;
                  double deadline2 = deadline1 + 20;
                  Task<Void> task =
                      createTask(
                          Mono.defer(
                              () -> {
                                Timeout cm = timeoutAt(deadline1);
                                return cm.wrap(
                                    Mono.fromRunnable(() -> fut.setResult(cm)).then(sleep(50)));
                              }));
                  return fut.flatMap(
                      cm -> {
                        List<Object> seen = new ArrayList<>();
                        seen.add(cm.when() == deadline1);
                        cm.reschedule(deadline2);
                        seen.add(cm.when() == deadline2);
                        cm.reschedule(null);
                        seen.add(cm.when());
                        task.cancel();
                        return errorOf(task)
                            .map(
                                e -> {
                                  seen.add(e.getClass());
                                  seen.add(cm.expired());
                                  return seen;
                                });
                      });
                }));
    assertThat(r).containsExactly(true, true, null, CancelledError.class, false);
  }

  // Moving the deadline later lets the body finish; moving it into the past fires next iteration.
  @Test
  void reschedulingMovesTheTimer() {
    List<String> log = new ArrayList<>();
    runV(
        Mono.defer(
            () -> {
              Timeout later = timeout(seconds(1));
              Timeout past = timeout(seconds(100));
              return later
                  .wrap(
                      Mono.fromRunnable(() -> later.reschedule(now() + 5))
                          .then(sleep(3))
                          .then(Mono.fromRunnable(() -> log.add("finished at " + now()))))
                  .then(
                      errorOf(
                          past.wrap(
                              Mono.fromRunnable(() -> past.reschedule(now() - 1)).then(sleep(10)))))
                  .doOnNext(e -> log.add(e.getClass().getSimpleName() + " at " + now()));
            }));
    assertThat(log).containsExactly("finished at 3.0", "TimeoutError at 3.0");
  }

  // test_timeouts.py::TimeoutTests::test_timeout_not_entered
  @Test
  void rescheduleBeforeEnteringFails() {
    Timeout cm = timeout(seconds(0.01));
    assertThatThrownBy(() -> cm.reschedule(0.02))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Timeout has not been entered");
    assertThat(cm.when()).isNull(); // a relative deadline is set when entered
    assertThat(cm).hasToString("<Timeout [created]>");
  }

  // A relative deadline counts from entering.
  @Test
  void theDeadlineOfARelativeTimeoutCountsFromEntering() {
    Timeout cm = timeout(seconds(5));
    Double when = runV(sleep(2).then(cm.wrap(Mono.fromCallable(cm::when))));
    assertThat(when).isCloseTo(7.0, within(1e-9));
  }

  // test_timeouts.py::TimeoutTests::test_timeout_finished
  @Test
  void rescheduleAfterTheBlockFails() {
    Timeout cm = timeout(seconds(0.01));
    runV(cm.wrap(Mono.empty()));
    assertThatThrownBy(() -> cm.reschedule(0.02))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot change state of finished Timeout");
  }

  // test_timeouts.py::TimeoutTests::test_timeout_expired
  @Test
  void rescheduleAfterExpiryFails() {
    Timeout cm = timeout(seconds(0.01));
    runV(errorOf(cm.wrap(sleep(1))));
    assertThatThrownBy(() -> cm.reschedule(0.02))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot change state of expired Timeout");
  }

  // test_timeouts.py::TimeoutTests::test_timeout_expiring
  @Test
  void rescheduleWhileExpiringFails() {
    Timeout cm = timeout(seconds(0.01));
    List<Object> r =
        runV(
            cm.wrap(
                    sleep(1)
                        .then(Mono.<Object>just("not cancelled"))
                        .onErrorResume(
                            CancelledError.class,
                            c -> {
                              try {
                                cm.reschedule(0.02);
                                return Mono.just("rescheduled");
                              } catch (IllegalStateException e) {
                                return Mono.just(e.getMessage());
                              }
                            }))
                .map(v -> List.of(v, cm.expired(), currentTask().cancelling())));
    assertThat(r).containsExactly("Cannot change state of expiring Timeout", true, 0);
  }

  // test_timeouts.py::TimeoutTests::test_timeout_already_entered
  @Test
  void enteringAnActiveTimeoutAgainFails() {
    Timeout cm = timeout(seconds(0.01));
    Throwable e = runV(cm.wrap(errorOf(cm.wrap(Mono.empty()))));
    assertThat(e)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Timeout has already been entered");
  }

  // test_timeouts.py::TimeoutTests::test_timeout_double_enter
  @Test
  void enteringAFinishedTimeoutAgainFails() {
    Timeout cm = timeout(seconds(0.01));
    Mono<Object> block = cm.wrap(Mono.empty());
    Throwable e = runV(block.then(errorOf(block)));
    assertThat(e)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Timeout has already been entered");
  }

  // test_timeouts.py::TimeoutTests::test_timeout_without_task
  @Test
  void outsideATaskATimeoutCannotBeEntered() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    Timeout cm = timeout(seconds(0.01));
    try {
      Future<Object> outcome = loop.createFuture();
      loop.callSoon( // a plain callback: no current task
          () -> cm.wrap(Mono.just("ran")).subscribe(outcome::setResult, outcome::setException));
      assertThatThrownBy(() -> loop.runUntilComplete(outcome))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Timeout should be used inside a task");
    } finally {
      loop.close();
    }
    assertThatThrownBy(() -> cm.reschedule(0.02))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Timeout has not been entered");
  }

  // Bad input: NaN is no deadline.
  @Test
  void aDeadlineThatIsNotANumberIsRejected() {
    assertThatThrownBy(() -> timeoutAt(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    Throwable e =
        runV(
            Mono.defer(
                () -> {
                  Timeout cm = timeout(seconds(1));
                  return cm.wrap(
                      Mono.fromCallable(
                          () -> {
                            try {
                              cm.reschedule(Double.NaN);
                              return (Throwable) new AssertionError("accepted NaN");
                            } catch (IllegalArgumentException expected) {
                              return expected;
                            }
                          }));
                }));
    assertThat(e).hasMessageContaining("NaN");
  }

  // ------------------------------------------------------------------ repr

  // test_timeouts.py::TimeoutTests::test_repr_active
  // test_timeouts.py::TimeoutTests::test_repr_disabled
  // test_timeouts.py::TimeoutTests::test_repr_expired
  // test_timeouts.py::TimeoutTests::test_repr_finished
  @Test
  void reprShowsTheStateAndTheDeadlineWhileActive() {
    Timeout active = timeout(seconds(10));
    Timeout disabled = timeout(null);
    Timeout expired = timeout(seconds(0.01));
    List<String> seen =
        runV(
            sleep(2.5)
                .then(active.wrap(Mono.fromCallable(active::toString)))
                .zipWith(disabled.wrap(Mono.fromCallable(disabled::toString)), List::of)
                .flatMap(l -> errorOf(expired.wrap(sleep(10))).thenReturn(l)));
    assertThat(seen)
        .containsExactly("<Timeout [active] when=12.5>", "<Timeout [active] when=None>");
    assertThat(active).hasToString("<Timeout [finished]>");
    assertThat(expired).hasToString("<Timeout [expired]>");
  }
}
