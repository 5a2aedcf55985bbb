package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rules T3 and T4, and the design's "Cancellation: catchable, awaitable, as in asyncio": cancel is
 * a counted request that reaches the awaited asyncio4j awaitable synchronously, is seen by the
 * chain as {@link CancelledError}, may be handled, and makes the task cancelled exactly when the
 * error reaches the end of its chain.
 */
class TaskCancellationTest {
  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<String> log = new ArrayList<>();

  /**
   * A virtual-time watchdog, far beyond any test's horizon: if a bug leaves a task waiting forever,
   * it stops the loop and runUntilComplete fails with "Event loop stopped before Future completed."
   * instead of parking the test thread.
   */
  @BeforeEach
  void startWatchdog() {
    loop.callLater(1e7, loop::stop);
  }

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  /** Timers in the loop's heap, not counting the watchdog. */
  private int timers() {
    return loop.scheduledTimerCount() - 1;
  }

  /** asyncio's test_utils.run_briefly. */
  private void runBriefly() {
    loop.runUntilComplete(Mono.empty());
  }

  private Mono<Void> note(String event) {
    return Mono.fromRunnable(() -> log.add(event));
  }

  private String at(String event) {
    return event + " @" + loop.time();
  }

  /** {@code except CancelledError: await cleanup; raise}, the clean-up taking {@code seconds}. */
  private <T> Mono<T> cleanUpThenReraise(Mono<T> body, String who, double seconds) {
    return body.onErrorResume(
        CancelledError.class,
        e ->
            Mono.fromRunnable(() -> log.add(at(who + " cleanup start: " + e.getMessage())))
                .then(loop.sleep(seconds))
                .then(Mono.fromRunnable(() -> log.add(at(who + " cleanup end"))))
                .then(Mono.error(e)));
  }

  // ---------------------------------------------------------------- T3: the request

  @Test
  void cancelBeforeTheFirstStepKeepsTheMessageAndTheBodyNeverRuns() {
    // test_tasks.py::BaseTaskTests::test_cancel_with_message_before_starting_task
    Mono<Object> coro =
        Mono.defer(
            () -> {
              Task<Void> task = loop.createTask(note("body ran").then(loop.sleep(10)));
              // We deliberately leave out the sleep here.
              assertThat(task.cancel("my message")).isTrue();
              return task.onErrorResume(e -> Mono.empty()).then(Mono.fromCallable(task::exception));
            });
    assertThatThrownBy(() -> loop.runUntilComplete(coro))
        .isExactlyInstanceOf(CancelledError.class)
        .hasMessage("my message");
    assertThat(log).isEmpty();
  }

  @Test
  void cancelWhileWaitingCancelsTheAwaitedFutureSynchronously() {
    // test_tasks.py::BaseTaskTests::test_task_cancel_waiter_future
    Future<String> fut = loop.createFuture();
    Task<String> task = loop.createTask(fut);
    runBriefly();

    assertThat(task.cancel()).isTrue();

    assertThat(fut.cancelled()).isTrue();
    assertThat(task.cancelled()).isFalse();
    assertThat(task.done()).isFalse();
    assertThatThrownBy(() -> loop.runUntilComplete(task)).isInstanceOf(CancelledError.class);
    assertThat(task.cancelled()).isTrue();
  }

  @Test
  void cancelFromACallbackEndsASleepingTaskCancelled() {
    // test_tasks.py::BaseTaskTests::test_cancel
    Task<Integer> t = loop.createTask(loop.sleep(10.0).then(Mono.just(12)));
    loop.callSoon(t::cancel);
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    assertThat(t.done()).isTrue();
    assertThat(t.cancelled()).isTrue();
    assertThat(t.cancel()).isFalse();
    assertThat(loop.time()).isZero();
  }

  @Test
  void cancellingASleepingTaskCancelsTheSleepsTimer() {
    // test_tasks.py::BaseTaskTests::test_sleep_cancel
    Task<String> t = loop.createTask(loop.sleep(Duration.ofSeconds(10), "yeah"));
    runBriefly();
    assertThat(timers()).isEqualTo(1);

    t.cancel();
    runBriefly();

    assertThat(timers()).isZero(); // the cancelled timer was dropped
    assertThat(t.cancelled()).isTrue();
    assertThat(loop.time()).isZero();
  }

  @Test
  void cancelBetweenTwoYieldsEndsTheTaskCancelled() {
    // test_tasks.py::BaseTaskTests::test_cancel_yield
    Task<Integer> t = loop.createTask(loop.sleep(0).then(loop.sleep(0)).then(Mono.just(12)));
    runBriefly(); // start coro
    assertThat(t.cancel()).isTrue();
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    assertThat(t.done()).isTrue();
    assertThat(t.cancelled()).isTrue();
    assertThat(t.cancel()).isFalse();
  }

  @Test
  void cancellingTheAwaitedFutureEndsTheTaskCancelled() {
    // test_tasks.py::BaseTaskTests::test_cancel_inner_future: no task.cancel() at all (T4)
    Future<Integer> f = loop.createFuture();
    Task<Integer> t = loop.createTask(f.then(Mono.just(12)));
    runBriefly();
    f.cancel();
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    assertThat(f.cancelled()).isTrue();
    assertThat(t.cancelled()).isTrue();
    assertThat(t.cancelling()).isZero();
  }

  @Test
  void cancellingBothTheTaskAndItsInnerFuture() {
    // test_tasks.py::BaseTaskTests::test_cancel_both_task_and_inner_future
    Future<Integer> f = loop.createFuture();
    Task<Integer> t = loop.createTask(f.then(Mono.just(12)));
    runBriefly();
    f.cancel();
    t.cancel();
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    assertThat(t.done()).isTrue();
    assertThat(f.cancelled()).isTrue();
    assertThat(t.cancelled()).isTrue();
  }

  @Test
  void aCancelledErrorEscapingTheChainCancelsTheTaskWithoutCancel() {
    // ASYNCIO-SEMANTICS T4: cancelled iff CancelledError escapes, whether or not cancel() was
    // called
    Task<Object> t = loop.createTask(Mono.error(new CancelledError("self")));
    assertThatThrownBy(() -> loop.runUntilComplete(t)).hasMessage("self");
    assertThat(t.cancelled()).isTrue();
    assertThat(t.cancelling()).isZero();
  }

  @Test
  void repeatedCancelReturnsTrueAndCountsUntilDone() {
    // test_tasks.py::BaseTaskTests::test_cancelling
    Task<Void> t = loop.createTask(loop.sleep(10));
    assertThat(t.cancelling()).isZero();
    assertThat(t.toString()).doesNotContain(" cancelling ").startsWith("<Task pending name=");
    assertThat(t.cancel()).isTrue();
    assertThat(t.cancelling()).isEqualTo(1);
    assertThat(t.toString()).startsWith("<Task cancelling name=");
    assertThat(t.cancel()).isTrue();
    assertThat(t.cancelling()).isEqualTo(2);
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    assertThat(t.cancel()).isFalse();
    assertThat(t.cancelling()).isEqualTo(2);
  }

  @Test
  void cancelOnADoneTaskReturnsFalseAndChangesNothing() {
    Task<String> ok = loop.createTask(Mono.just("ok"));
    Task<String> failed = loop.createTask(Mono.error(new IllegalStateException("bad")));
    loop.runUntilComplete(loop.sleep(0));
    assertThat(ok.cancel("late")).isFalse();
    assertThat(failed.cancel("late")).isFalse();
    assertThat(ok.cancelling()).isZero();
    assertThat(ok.cancelled()).isFalse();
    assertThat(ok.result()).isEqualTo("ok");
    assertThat(failed.cancelled()).isFalse();
    assertThat(failed.exception()).hasMessage("bad");
  }

  @Test
  void twoCancelsWhileBlockedTheFirstMessageWins() {
    // ASYNCIO-SEMANTICS T3 exp: the inner future is already cancelled with the first message
    Future<String> fut = loop.createFuture();
    Task<String> t =
        loop.createTask(
            fut.onErrorResume(CancelledError.class, e -> Mono.just("caught " + e.getMessage())));
    runBriefly();
    assertThat(t.cancel("one")).isTrue();
    assertThat(t.cancel("two")).isTrue();
    assertThat(t.cancelling()).isEqualTo(2);
    assertThat(fut.cancelled()).isTrue();
    assertThat(loop.runUntilComplete(t)).isEqualTo("caught one");
    assertThatThrownBy(fut::result).hasMessage("one");
  }

  @Test
  void cancelAfterTheAwaitedFutureCompletedReplacesItsResult() {
    // asyncio's __step with _must_cancel: the future is done and its wake-up queued; the chain
    // sees CancelledError(msg) instead of the result, and the future keeps its result.
    Future<String> fut = loop.createFuture();
    Task<String> t =
        loop.createTask(
            fut.map(v -> "got " + v)
                .onErrorResume(
                    CancelledError.class, e -> Mono.just("cancelled " + e.getMessage())));
    runBriefly();
    fut.setResult("v");
    assertThat(t.cancel("late")).isTrue();
    assertThat(fut.cancelled()).isFalse();
    assertThat(loop.runUntilComplete(t)).isEqualTo("cancelled late");
    assertThat(fut.result()).isEqualTo("v");
  }

  // ---------------------------------------------------------------- T4: the chain handles it

  @Test
  void catchingTheCancellationAndReturningAValueCompletesTheTask() {
    // test_tasks.py::BaseTaskTests::test_cancel_task_catching
    Future<Void> fut1 = loop.createFuture();
    Future<Void> fut2 = loop.createFuture();
    Task<Integer> t =
        loop.createTask(
            fut1.then(fut2)
                .then(Mono.just(0))
                .onErrorResume(CancelledError.class, e -> Mono.just(42)));
    runBriefly();
    fut1.setResult(null);
    runBriefly();
    assertThat(t.cancel()).isTrue();
    assertThat(fut2.cancelled()).isTrue();
    assertThat(t.cancelled()).isFalse();
    assertThat(loop.runUntilComplete(t)).isEqualTo(42);
    assertThat(t.cancelled()).isFalse();
  }

  @Test
  void ignoringTheCancellationTheTaskKeepsAwaiting() {
    // test_tasks.py::BaseTaskTests::test_cancel_task_ignoring
    Future<Void> fut1 = loop.createFuture();
    Future<Void> fut2 = loop.createFuture();
    Future<Integer> fut3 = loop.createFuture();
    Task<Integer> t =
        loop.createTask(
            fut1.then(fut2.onErrorResume(CancelledError.class, e -> Mono.empty()))
                .then(Mono.defer(() -> fut3)));
    runBriefly();
    fut1.setResult(null);
    runBriefly();
    t.cancel();
    assertThat(fut2.cancelled()).isTrue();
    runBriefly();
    assertThat(fut3).hasToString("<Future pending cb=[1]>"); // the task waits on fut3 now
    fut3.setResult(42);
    assertThat(loop.runUntilComplete(t)).isEqualTo(42);
    assertThat(fut3.cancelled()).isFalse();
    assertThat(t.cancelled()).isFalse();
  }

  @Test
  void selfCancelThenAwaitCancelsWhatItAwaitsAtOnce() {
    // test_tasks.py::BaseTaskTests::test_cancel_current_task
    AtomicReference<Task<Integer>> self = new AtomicReference<>();
    Task<Integer> t =
        loop.createTask(
            Mono.defer(
                () -> {
                  self.get().cancel();
                  assertThat(self.get().mustCancel).isTrue(); // white-box, as CPython's test
                  // The sleep should be cancelled immediately.
                  return loop.sleep(100).then(Mono.just(12));
                }));
    self.set(t);
    assertThat(t.cancelled()).isFalse();
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    assertThat(t.done()).isTrue();
    assertThat(t.cancelled()).isTrue();
    assertThat(t.mustCancel).isFalse();
    assertThat(t.cancel()).isFalse();
    assertThat(loop.time()).as("the 100 s sleep was cancelled, not slept").isZero();
  }

  @Test
  void selfCancelThenReturnStillEndsCancelled() {
    // test_tasks.py::BaseTaskTests::test_cancel_at_end
    AtomicReference<Task<Integer>> self = new AtomicReference<>();
    Task<Integer> t =
        loop.createTask(
            Mono.fromCallable(
                () -> {
                  self.get().cancel();
                  assertThat(self.get().mustCancel).isTrue(); // white-box
                  return 12;
                }));
    self.set(t);
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    assertThat(t.done()).isTrue();
    assertThat(t.cancelled()).isTrue();
    assertThat(t.mustCancel).isFalse();
    assertThat(t.cancel()).isFalse();
  }

  @Test
  void selfCancelThenAwaitATaskCancelsThatTaskAndWhatItAwaits() {
    // test_tasks.py::BaseTaskTests::test_cancel_awaited_task (bpo-34872)
    Future<Void> fut = loop.createFuture();
    AtomicReference<Task<Void>> task = new AtomicReference<>();
    AtomicReference<Task<Void>> nested = new AtomicReference<>();
    task.set(
        loop.createTask(
            Mono.defer(
                () -> {
                  // Create a sub-task and wait for it to run.
                  nested.set(loop.createTask(fut));
                  return loop.sleep(0)
                      .then(
                          Mono.defer(
                              () -> {
                                // Request the current task to be cancelled, then block on the
                                // nested task, which should be immediately cancelled.
                                task.get().cancel();
                                return nested.get();
                              }));
                })));
    assertThatThrownBy(() -> loop.runUntilComplete(task.get())).isInstanceOf(CancelledError.class);
    assertThat(task.get().cancelled()).isTrue();
    assertThat(nested.get().cancelled()).isTrue();
    assertThat(fut.cancelled()).isTrue();
  }

  @Test
  void cancellingTheOuterCancelsTheInnerAwaitInTheSameChain() {
    // test_tasks.py::BaseTaskTests::test_yield_future_passes_cancel
    AtomicInteger proof = new AtomicInteger();
    Future<Void> waiter = loop.createFuture();
    Mono<Void> inner =
        waiter
            .onErrorResume(
                CancelledError.class,
                e -> {
                  proof.addAndGet(1);
                  return Mono.error(e);
                })
            .doOnSuccess(v -> proof.addAndGet(1000)); // 'got past sleep() in inner()'
    Mono<Void> outer =
        inner
            .doOnSuccess(v -> proof.addAndGet(10))
            .onErrorResume(
                CancelledError.class,
                e -> {
                  proof.addAndGet(100); // Expect this path.
                  return Mono.empty();
                });
    Task<Void> f = loop.createTask(outer);
    runBriefly();
    f.cancel();
    loop.runUntilComplete(f);
    assertThat(proof).hasValue(101);
    assertThat(waiter.cancelled()).isTrue();
    assertThat(f.cancelled()).isFalse();
  }

  @Test
  void awaitingTaskCancelsAwaitedTasksRecursivelyAndSeesTheOutcomeAfterTheirCleanUp() {
    // test_tasks.py::BaseTaskTests::test_yield_future_passes_cancel, across tasks, with the
    // design's asynchronous clean-up: each awaiter sees CancelledError only after the awaited
    // task's clean-up has run.
    Task<String> inner =
        loop.createTask(cleanUpThenReraise(loop.sleep(Duration.ofHours(1), "inner"), "inner", 1));
    Task<String> middle = loop.createTask(cleanUpThenReraise(Mono.defer(() -> inner), "middle", 1));
    Task<String> outer = loop.createTask(cleanUpThenReraise(Mono.defer(() -> middle), "outer", 1));
    loop.callLater(
        5,
        () -> {
          assertThat(outer.cancel("bye")).isTrue();
          // Synchronously, the request went all the way down ...
          assertThat(middle.cancelling()).isEqualTo(1);
          assertThat(inner.cancelling()).isEqualTo(1);
          // ... yet nothing has ended.
          assertThat(List.of(outer, middle, inner)).noneMatch(Future::done);
          log.add(at("cancel requested"));
        });

    assertThatThrownBy(() -> loop.runUntilComplete(outer))
        .isExactlyInstanceOf(CancelledError.class)
        .hasMessage("bye");

    assertThat(log)
        .containsExactly(
            "cancel requested @5.0",
            "inner cleanup start: bye @5.0",
            "inner cleanup end @6.0",
            "middle cleanup start: bye @6.0",
            "middle cleanup end @7.0",
            "outer cleanup start: bye @7.0",
            "outer cleanup end @8.0");
    assertThat(List.of(outer, middle, inner)).allMatch(Future::cancelled);
  }

  @Test
  void anAwaitedTaskThatSuppressesTheCancelLetsItsAwaiterGoOn() {
    // exp (3.13): outer.cancel() is accepted by the inner task, which returns a value; the outer
    // task receives that value and is not cancelled, though both count the request.
    Task<String> inner =
        loop.createTask(
            loop.sleep(10)
                .then(Mono.just("slept"))
                .onErrorResume(CancelledError.class, e -> Mono.just("inner suppressed")));
    Task<String> outer = loop.createTask(Mono.defer(() -> inner).map(v -> "outer got " + v));
    runBriefly();
    outer.cancel("m");
    assertThat(loop.runUntilComplete(outer)).isEqualTo("outer got inner suppressed");
    assertThat(outer.cancelled()).isFalse();
    assertThat(outer.cancelling()).isEqualTo(1);
    assertThat(inner.cancelling()).isEqualTo(1);
  }

  @Test
  void asynchronousCleanUpRunsBeforeAwaitersAndDoneCallbacksSeeTheCancellation() {
    // DESIGN.md "Cancellation": awaiters see that only after the clean-up has run
    Task<String> t =
        loop.createTask(cleanUpThenReraise(loop.sleep(Duration.ofHours(1), "x"), "worker", 2));
    t.addDoneCallback(f -> log.add(at("done callback, cancelled=" + f.cancelled())));
    Task<String> awaiter =
        loop.createTask(
            Mono.defer(() -> t)
                .onErrorResume(
                    CancelledError.class,
                    e -> Mono.just(at("awaiter saw CancelledError(" + e.getMessage() + ")"))));
    loop.callLater(1, () -> t.cancel("stop"));

    String seen = loop.runUntilComplete(awaiter);

    assertThat(seen).isEqualTo("awaiter saw CancelledError(stop) @3.0");
    assertThat(log)
        .containsExactly(
            "worker cleanup start: stop @1.0",
            "worker cleanup end @3.0",
            "done callback, cancelled=true @3.0");
    assertThat(t.cancelled()).isTrue();
    assertThat(awaiter.cancelled()).isFalse();
    assertThat(awaiter.cancelling()).isZero();
  }

  @Test
  void suppressingTheCancellationCompletesTheTaskNormally() {
    // ASYNCIO-SEMANTICS T4 / T5: suppressed, the task is not cancelled; cancelling() stays 1
    Task<String> t =
        loop.createTask(
            loop.sleep(Duration.ofHours(1), "slept")
                .onErrorResume(
                    CancelledError.class, e -> Mono.just("suppressed " + e.getMessage())));
    loop.callLater(1, () -> t.cancel("please"));
    assertThat(loop.runUntilComplete(t)).isEqualTo("suppressed please");
    assertThat(t.cancelled()).isFalse();
    assertThat(t.cancelling()).isEqualTo(1);
    assertThat(loop.time()).isEqualTo(1.0);
  }

  @Test
  void cancelWhileSuspendedInZipCancelsBothAwaitables() {
    // DESIGN.md: "inside zip/merge there may be several" awaitables, each cancelled
    Future<String> f1 = loop.createFuture();
    Future<String> f2 = loop.createFuture();
    Task<String> t = loop.createTask(Mono.zip(f1, f2, (a, b) -> a + b));
    runBriefly();

    assertThat(t.cancel("zip")).isTrue();

    assertThat(f1.cancelled()).isTrue();
    assertThat(f2.cancelled()).isTrue();
    assertThat(t.cancelled()).isFalse();
    assertThatThrownBy(() -> loop.runUntilComplete(t))
        .isExactlyInstanceOf(CancelledError.class)
        .hasMessage("zip");
    assertThat(t.cancelled()).isTrue();
  }

  @Test
  void cancelWhileSuspendedInMergeOfTwoSleepsCancelsBothTimers() {
    Task<Void> t =
        loop.createTask(
            cleanUpThenReraise(
                Flux.merge(loop.sleep(Duration.ofSeconds(10)), loop.sleep(Duration.ofSeconds(20)))
                    .then(),
                "merge",
                0));
    runBriefly();
    assertThat(timers()).isEqualTo(2);

    t.cancel("merge");
    assertThatThrownBy(() -> loop.runUntilComplete(t)).hasMessage("merge");

    assertThat(timers()).isZero();
    assertThat(log).containsExactly("merge cleanup start: merge @0.0", "merge cleanup end @0.0");
  }

  @Test
  void cancellingATaskFromACallbackWhileAnotherAwaitsIt() {
    // test_tasks.py::BaseTaskTests::test_task_cancel_sleeping_task
    Mono<String> doer =
        Mono.defer(
            () -> {
              Task<Void> sleeper = loop.createTask(loop.sleep(5000));
              loop.callLater(0.1, sleeper::cancel);
              return sleeper
                  .then(Mono.just("slept in"))
                  .onErrorResume(CancelledError.class, e -> Mono.just("cancelled"));
            });
    assertThat(loop.runUntilComplete(doer)).isEqualTo("cancelled");
    assertThat(loop.time()).isEqualTo(0.1);
  }

  @Test
  void awaiterOfACancelledTaskGetsItsMessageAndIsNotCancelledItself() {
    // test_tasks.py::BaseTaskTests::test_cancellation_exception_context
    Future<Void> fut = loop.createFuture();
    Mono<Void> coro =
        Mono.defer(
            () -> {
              Task<Void> innerTask =
                  loop.createTask(
                      Mono.fromRunnable(() -> fut.setResult(null)).then(loop.sleep(10)));
              return fut.then(Mono.fromRunnable(() -> loop.callSoon(() -> innerTask.cancel("msg"))))
                  .then(Mono.defer(() -> innerTask))
                  .onErrorMap(
                      CancelledError.class, ex -> new IllegalArgumentException("cancelled", ex));
            });
    Task<Void> task = loop.createTask(coro);
    assertThatThrownBy(() -> loop.runUntilComplete(task))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("cancelled")
        .cause()
        .isExactlyInstanceOf(CancelledError.class)
        .hasMessage("msg");
    assertThat(task.cancelled()).isFalse();
  }
}
