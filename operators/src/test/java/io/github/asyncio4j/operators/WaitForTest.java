package io.github.asyncio4j.operators;

import static io.github.asyncio4j.operators.Asyncio.allTasks;
import static io.github.asyncio4j.operators.Asyncio.createTask;
import static io.github.asyncio4j.operators.Asyncio.currentTask;
import static io.github.asyncio4j.operators.Asyncio.getRunningLoop;
import static io.github.asyncio4j.operators.Asyncio.shield;
import static io.github.asyncio4j.operators.Asyncio.sleep;
import static io.github.asyncio4j.operators.Asyncio.waitFor;
import static io.github.asyncio4j.operators.TaskScripts.errorOf;
import static io.github.asyncio4j.operators.TaskScripts.now;
import static io.github.asyncio4j.operators.TaskScripts.runV;
import static io.github.asyncio4j.operators.TaskScripts.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

/**
 * {@link Asyncio#waitFor(Mono, Duration)}: asyncio's rule C3 (Python 3.12+: {@code async with
 * timeout(t): return await aw}, plus the {@code timeout <= 0} case), porting the intent of
 * CPython's {@code Lib/test/test_asyncio/test_waitfor.py} on the virtual-time loop.
 */
class WaitForTest {
  /** test_waitfor.py's {@code _EPSILON}: a timeout that passes {@code timeout > 0}. */
  static final Duration EPSILON = Duration.ofNanos(100_000);

  /**
   * test_waitfor.py's {@code SlowTask}: runs for {@code duration} seconds of loop time, ignoring
   * cancel requests, then sets {@code exited}.
   */
  static Mono<Void> slowTask(double duration, AtomicBoolean exited) {
    return Mono.defer(() -> slowUntil(now() + duration, exited));
  }

  private static Mono<Void> slowUntil(double exitAt, AtomicBoolean exited) {
    return Mono.defer(
        () -> {
          double toSleep = exitAt - now();
          if (toSleep <= 0) {
            exited.set(true);
            return Mono.empty();
          }
          return sleep(toSleep)
              .onErrorResume(CancelledError.class, e -> Mono.empty())
              .then(slowUntil(exitAt, exited));
        });
  }

  // ------------------------------------------------------------------ in the caller's task

  // ASYNCIO-SEMANTICS.md C3: "A coroutine runs in the caller's task, with no new task" (exp).
  @Test
  void theCoroutineRunsInTheCallersTask() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<?> caller = currentTask();
                  int tasks = allTasks().size();
                  return waitFor(
                          Mono.fromCallable(
                              () -> List.of(currentTask() == caller, allTasks().size())),
                          seconds(1))
                      .map(inside -> List.of(inside.get(0), (int) inside.get(1) == tasks));
                }));
    assertThat(r).containsExactly(true, true);
  }

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_blocking
  // test_waitfor.py::AsyncioWaitForTest::test_cancel_blocking_wait_for (timeout=None)
  @Test
  void noTimeoutIsAPlainAwait() {
    Mono<String> coro = sleep(seconds(1e6), "done");
    assertThat(waitFor(coro, null)).isSameAs(coro);
    assertThat(runV(waitFor(coro, null))).isEqualTo("done");
  }

  // ------------------------------------------------------------------ on timeout

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for
  @Test
  void onTimeoutTheTaskIsCancelledAndItsCleanUpRunBeforeTimeoutError() {
    List<String> log = new ArrayList<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<String> fut =
                      createTask(
                          Mono.fromRunnable(() -> log.add("foo running"))
                              .then(sleep(seconds(3600), "done"))
                              .doFinally(s -> log.add("foo stopped at " + now())));
                  return errorOf(waitFor(fut, seconds(0.1)))
                      .doOnNext(e -> log.add("wait_for raised at " + now()))
                      .map(e -> List.of(e, fut.done(), fut.cancelled()));
                }));
    assertThat(r.get(0)).isInstanceOf(TimeoutError.class);
    assertThat(r.subList(1, 3)).containsExactly(true, true);
    assertThat(log).containsExactly("foo running", "foo stopped at 0.1", "wait_for raised at 0.1");
  }

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_waits_for_task_cancellation
  @Test
  void timeoutErrorComesOnlyAfterTheCancelledTaskFinishedItsCleanUp() {
    List<String> log = new ArrayList<>();
    Throwable e =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> inner =
                      createTask(
                          sleep(10)
                              .onErrorResume(
                                  CancelledError.class, c -> sleep(EPSILON).then(Mono.error(c)))
                              .doFinally(s -> log.add("task done")));
                  return errorOf(waitFor(inner, EPSILON)).doOnNext(x -> log.add("wait_for raised"));
                }));
    assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
    assertThat(log).containsExactly("task done", "wait_for raised");
  }

  // ASYNCIO-SEMANTICS.md C3, on a coroutine: its clean-up runs in the caller's task first.
  @Test
  void aCoroutinesCleanUpRunsBeforeTimeoutError() {
    List<String> log = new ArrayList<>();
    Throwable e =
        runV(
            errorOf(
                    waitFor(
                        sleep(10)
                            .onErrorResume(
                                CancelledError.class,
                                c ->
                                    sleep(1)
                                        .then(
                                            Mono.fromRunnable(() -> log.add("cleaned at " + now())))
                                        .then(Mono.error(c))),
                        seconds(5)))
                .doOnNext(x -> log.add("raised at " + now())));
    assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
    assertThat(log).containsExactly("cleaned at 6.0", "raised at 6.0");
  }

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_cancel_suppressed
  @Test
  void aCoroutineThatSuppressesTheCancellationGivesItsValue() {
    List<Object> r =
        runV(
            waitFor(sleep(10).thenReturn(0).onErrorReturn(CancelledError.class, 42), seconds(0.1))
                .map(v -> List.of(v, currentTask().cancelling(), now())));
    assertThat(r.subList(0, 2)).containsExactly(42, 0);
    assertThat((double) r.get(2)).isCloseTo(0.1, within(1e-9));
  }

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_cancellation_race_condition
  @Test
  void aCoroutineThatCatchesTheCancellationAndGoesOnGivesItsValue() {
    List<Object> errors = new ArrayList<>();
    int r =
        runV(
            waitFor(
                sleep(1)
                    .onErrorResume(
                        CancelledError.class,
                        e -> {
                          errors.add(e.getClass());
                          return Mono.empty();
                        })
                    .thenReturn(1),
                seconds(0.01)));
    assertThat(r).isEqualTo(1);
    assertThat(errors).containsExactly(CancelledError.class);
  }

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_reraises_exception_during_cancellation
  @Test
  void anExceptionRaisedDuringTheTasksCancellationPropagates() {
    Throwable e =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> inner =
                      createTask(
                          sleep(0.2)
                              .then(Mono.<Void>error(new IllegalStateException("FooException")))
                              .onErrorResume(
                                  x -> Mono.error(new IllegalStateException("FooException"))));
                  return errorOf(waitFor(inner, EPSILON));
                }));
    assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("FooException");
  }

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_reraises_exception_during_cancellation,
  // with the coroutine in the caller's task (3.13: it carries the TimeoutError).
  @Test
  void anExceptionRaisedDuringACoroutinesCancellationPropagates() {
    Throwable e =
        runV(
            errorOf(
                waitFor(
                    sleep(0.2)
                        .then(Mono.<Void>error(new IllegalStateException("FooException")))
                        .onErrorResume(x -> Mono.error(new IllegalStateException("FooException"))),
                    EPSILON)));
    assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("FooException");
    assertThat(e.getSuppressed()).singleElement().isInstanceOf(TimeoutError.class);
  }

  // test_waitfor.py::AsyncioWaitForTest::test_asyncio_wait_for_timeout
  @Test
  void aCoroutineIgnoringCancellationEndsWhenItWants() {
    AtomicBoolean exited = new AtomicBoolean();
    double end =
        runV(
            waitFor(slowTask(0.2, exited), seconds(0.1)).then(Mono.fromCallable(TaskScripts::now)));
    assertThat(exited).isTrue();
    assertThat(end).isCloseTo(0.2, within(1e-9)); // it did not return while the work still ran
  }

  // DESIGN.md "Cancellation": a foreign publisher is cancelled through the guard.
  @Test
  void aForeignPublisherTimesOutAndIsCancelled() {
    List<String> log = new ArrayList<>();
    Throwable e =
        runV(
            errorOf(
                waitFor(Mono.never().doOnCancel(() -> log.add("upstream cancelled")), seconds(5))));
    assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
    assertThat(log).containsExactly("upstream cancelled");
  }

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_race_condition
  @Test
  void aFutureCompletedBeforeTheDeadlineGivesItsResult() {
    String r =
        runV(
            Mono.defer(
                () -> {
                  EventLoop loop = getRunningLoop();
                  Future<String> fut = loop.createFuture();
                  Mono<String> waiting = waitFor(fut, seconds(0.2));
                  loop.callSoon(() -> fut.setResult("ok"));
                  return waiting;
                }));
    assertThat(r).isEqualTo("ok");
  }

  // ------------------------------------------------------------------ timeout <= 0

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0_future_done
  @ParameterizedTest
  @ValueSource(longs = {0, -1})
  void withNoTimeLeftADoneFutureGivesItsResult(long timeout) {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Future<String> fut = getRunningLoop().createFuture();
                  fut.setResult("done");
                  return waitFor(fut, Duration.ofSeconds(timeout)).map(v -> List.of(v, fut.done()));
                }));
    assertThat(r).containsExactly("done", true);
  }

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
  @ParameterizedTest
  @ValueSource(longs = {0, -1})
  void withNoTimeLeftACoroutineNeverStarts(long timeout) {
    AtomicInteger started = new AtomicInteger();
    Throwable e =
        runV(
            errorOf(
                waitFor(
                    Mono.fromRunnable(started::incrementAndGet).then(sleep(0)),
                    Duration.ofSeconds(timeout))));
    assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
    assertThat(started).hasValue(0);
  }

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0
  @ParameterizedTest
  @ValueSource(longs = {0, -1})
  void withNoTimeLeftAPendingTaskIsCancelledAndAwaited(long timeout) {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  AtomicBoolean running = new AtomicBoolean();
                  Future<Void> started = getRunningLoop().createFuture();
                  Task<String> fut =
                      createTask(
                          Mono.fromRunnable(
                                  () -> {
                                    running.set(true);
                                    started.setResult(null);
                                  })
                              .then(sleep(seconds(10), "done"))
                              .doFinally(s -> running.set(false)));
                  return started
                      .then(errorOf(waitFor(fut, Duration.ofSeconds(timeout))))
                      .map(e -> List.of(e, fut.done(), fut.cancelled(), running.get()));
                }));
    assertThat(r.get(0)).isInstanceOf(TimeoutError.class);
    assertThat(r.subList(1, 4)).containsExactly(true, true, false);
  }

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_waits_for_task_cancellation_w_timeout_0
  @Test
  void withNoTimeLeftTimeoutErrorComesAfterTheTasksCleanUp() {
    List<String> log = new ArrayList<>();
    Throwable e =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> inner =
                      createTask(
                          sleep(10)
                              .onErrorResume(
                                  CancelledError.class, c -> sleep(EPSILON).then(Mono.error(c)))
                              .doFinally(s -> log.add("task done")));
                  return sleep(EPSILON)
                      .then(errorOf(waitFor(inner, Duration.ZERO)))
                      .doOnNext(x -> log.add("wait_for raised"));
                }));
    assertThat(e).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
    assertThat(log).containsExactly("task done", "wait_for raised");
  }

  // ASYNCIO-SEMANTICS.md C3 (timeout <= 0): a task that suppresses the cancel gives its value.
  @Test
  void withNoTimeLeftATaskThatSuppressesTheCancelGivesItsValue() {
    String r =
        runV(
            Mono.defer(
                () -> {
                  Task<String> inner =
                      createTask(
                          sleep(10).thenReturn("late").onErrorReturn(CancelledError.class, "kept"));
                  return sleep(0).then(waitFor(inner, Duration.ZERO));
                }));
    assertThat(r).isEqualTo("kept");
  }

  // tasks.py::wait_for with timeout <= 0 awaits _cancel_and_wait(fut): a cancel of the caller
  // meanwhile is the caller's, never turned into TimeoutError (the rule of gh-86296).
  @Test
  void withNoTimeLeftACancelOfTheCallerStaysACancellation() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> inner =
                      createTask(
                          sleep(10)
                              .onErrorResume(
                                  CancelledError.class, c -> sleep(1).then(Mono.error(c))));
                  Task<Void> waiting =
                      createTask(sleep(0).then(waitFor(inner, Duration.ZERO)).then());
                  return sleep(0.5)
                      .then(Mono.fromRunnable(waiting::cancel))
                      .then(errorOf(waiting))
                      .map(e -> List.of(e, waiting.cancelled(), inner.cancelled()));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    assertThat(r.subList(1, 3)).containsExactly(true, true);
  }

  // ------------------------------------------------------------------ cancelling waitFor

  // test_waitfor.py::AsyncioWaitForTest::test_cancel_wait_for
  // test_waitfor.py::AsyncioWaitForTest::test_cancel_blocking_wait_for
  @ParameterizedTest
  @ValueSource(doubles = {60.0, -2.0}) // -2: no timeout (None)
  void cancellingWaitForCancelsTheTask(double timeout) {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  EventLoop loop = getRunningLoop();
                  Task<Void> task = createTask(loop.<Void>createFuture()); // never set
                  Task<Void> wait =
                      createTask(waitFor(task, timeout < 0 ? null : seconds(timeout)));
                  loop.callSoon(wait::cancel);
                  return errorOf(wait).map(e -> List.of(e, task.cancelled(), wait.cancelled()));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    // Python issue #23219: cancelling the wait must also cancel the task
    assertThat(r.subList(1, 3)).containsExactly(true, true);
  }

  // test_waitfor.py::AsyncioWaitForTest::test_asyncio_wait_for_cancelled
  @Test
  void cancellingWaitForWaitsForAnInnerThatIgnoresTheCancel() {
    AtomicBoolean exited = new AtomicBoolean();
    double end =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> waitForTask = createTask(waitFor(slowTask(0.2, exited), seconds(0.4)));
                  return sleep(0)
                      .then(Mono.fromRunnable(waitForTask::cancel))
                      .then(Asyncio.wait(Set.of(waitForTask)))
                      .then(Mono.fromCallable(TaskScripts::now));
                }));
    assertThat(exited).isTrue();
    assertThat(end).isCloseTo(0.2, within(1e-9));
  }

  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_issue86296
  @Test
  void aCancelArrivingWithTheResultIsNotSwallowed() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<String> inner = createTask(Mono.just("done"));
                  AtomicBoolean reachedEnd = new AtomicBoolean();
                  Task<Void> task =
                      createTask(
                          waitFor(inner, seconds(100))
                              .then(sleep(1))
                              .then(Mono.fromRunnable(() -> reachedEnd.set(true))));
                  assertThat(task.done()).isFalse();
                  return sleep(0) // run the task
                      .then(Mono.fromRunnable(task::cancel))
                      .then(errorOf(task))
                      .flatMap(
                          e ->
                              inner.map(
                                  v ->
                                      List.of(
                                          e, inner.done(), v, reachedEnd.get(), task.cancelled())));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    assertThat(r.subList(1, 5)).containsExactly(true, "done", false, true);
  }

  // gh-86296, the race itself: the inner task completes, and the waiter is cancelled before it
  // resumes with the result. The cancel wins.
  @Test
  void aCancelWhileTheResultIsOnItsWayWins() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  EventLoop loop = getRunningLoop();
                  Future<String> inner = loop.createFuture();
                  Task<String> task = createTask(waitFor(inner, seconds(100)));
                  return sleep(0) // the task now waits on inner
                      .then(
                          Mono.fromRunnable(
                              () -> {
                                inner.setResult("done"); // its resumption is scheduled...
                                task.cancel(); // ...and the cancel comes first
                              }))
                      .then(errorOf(task))
                      .map(e -> List.of(e, task.cancelled(), inner.result()));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    assertThat(r.subList(1, 3)).containsExactly(true, "done");
  }

  // A cancel from outside at the very deadline stays a cancellation.
  @Test
  void aCancelFromOutsideAtTheDeadlineIsNotATimeout() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> task = createTask(waitFor(sleep(10), seconds(1)));
                  return sleep(1)
                      .then(Mono.fromRunnable(task::cancel))
                      .then(errorOf(task))
                      .map(e -> List.of(e, task.cancelled()));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    assertThat(r.get(1)).isEqualTo(true);
  }

  // ------------------------------------------------------------------ with shield

  // test_waitfor.py::WaitForShieldTests::test_zero_timeout
  @Test
  void aShieldedTaskGivenNoTimeKeepsRunning() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<String> task = createTask(sleep(seconds(0.01), "done"));
                  return errorOf(waitFor(shield(task), Duration.ZERO))
                      .flatMap(
                          e -> {
                            List<Object> seen =
                                new ArrayList<>(List.of(e, task.done(), task.cancelled()));
                            return sleep(0.1)
                                .then(
                                    Mono.fromCallable(
                                        () -> {
                                          seen.add(task.done());
                                          return seen;
                                        }));
                          });
                }));
    assertThat(r.get(0)).isInstanceOf(TimeoutError.class);
    assertThat(r.subList(1, 4)).containsExactly(false, false, true);
  }

  // test_waitfor.py::WaitForShieldTests::test_none_timeout
  @Test
  void aShieldedTaskWithoutTimeoutRunsToCompletion() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<String> task = createTask(sleep(seconds(0.1), "done"));
                  return waitFor(shield(task), null).map(v -> List.of(v, task.done()));
                }));
    assertThat(r).containsExactly("done", true);
  }

  // test_waitfor.py::WaitForShieldTests::test_shielded_timeout
  @Test
  void aShieldedTaskOutlivesTheTimeout() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<String> task = createTask(sleep(seconds(0.1), "done"));
                  return errorOf(waitFor(shield(task), seconds(0.01)))
                      .flatMap(
                          e ->
                              Mono.just(List.<Object>of(e, task.done(), task.cancelled()))
                                  .zipWith(
                                      task, (l, v) -> List.of(l.get(0), l.get(1), l.get(2), v)));
                }));
    assertThat(r.get(0)).isInstanceOf(TimeoutError.class);
    assertThat(r.subList(1, 4)).containsExactly(false, false, "done");
  }

  // ------------------------------------------------------------------ bad input

  // DESIGN.md "Bad input": rejected at the call, naming the argument.
  @Test
  void aNullAwaitableIsRejectedAtOnce() {
    assertThatThrownBy(() -> waitFor(null, seconds(1)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aw");
  }
}
