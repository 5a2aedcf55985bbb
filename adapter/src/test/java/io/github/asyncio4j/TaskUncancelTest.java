package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Rule T5: {@code cancelling()} and {@code uncancel()}, with Python 3.13's reset of mustCancel. */
class TaskUncancelTest {
  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<String> log = new ArrayList<>();

  /** Virtual-time watchdog: a task left waiting forever fails the test instead of hanging it. */
  @BeforeEach
  void startWatchdog() {
    loop.callLater(1e7, loop::stop);
  }

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  @Test
  void uncancelDecrementsTheCountNeverBelowZeroAndReturnsIt() {
    Task<Void> t = loop.createTask(loop.sleep(10));
    assertThat(t.uncancel()).isZero();
    t.cancel();
    t.cancel();
    t.cancel();
    assertThat(t.cancelling()).isEqualTo(3);
    assertThat(t.uncancel()).isEqualTo(2);
    assertThat(t.uncancel()).isEqualTo(1);
    assertThat(t.cancelling()).isEqualTo(1);
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    assertThat(t.uncancel()).isZero();
    assertThat(t.uncancel()).isZero();
  }

  @Test
  void uncancelInTheHandlerLetsTheTaskBeCancelledAgainLater() {
    // test_tasks.py::BaseTaskTests::test_uncancel_basic
    AtomicReference<Task<Void>> self = new AtomicReference<>();
    Task<Void> t =
        loop.createTask(
            loop.sleep(10)
                .onErrorResume(
                    CancelledError.class,
                    e -> {
                      self.get().uncancel();
                      return loop.sleep(10);
                    }));
    self.set(t);
    loop.runUntilComplete(loop.sleep(0.01));

    // Cancel first sleep
    assertThat(t.cancel()).isTrue();
    assertThat(t.cancelling()).isEqualTo(1);
    assertThat(t.cancelled()).isFalse(); // Task is still not complete
    loop.runUntilComplete(loop.sleep(0.01));

    // after uncancel()
    assertThat(t.cancelling()).isZero();
    assertThat(t.cancelled()).isFalse(); // Task is still not complete

    // Cancel second sleep
    assertThat(t.cancel()).isTrue();
    assertThat(t.cancelling()).isEqualTo(1);
    assertThat(t.cancelled()).isFalse();
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    assertThat(t.cancelled()).isTrue(); // Finally, task complete
    assertThat(t.done()).isTrue();

    // uncancel is no longer effective after the task is complete
    t.uncancel();
    assertThat(t.cancelled()).isTrue();
    assertThat(t.done()).isTrue();
    assertThat(loop.time()).isEqualTo(0.02);
  }

  @Test
  void uncancelToZeroWithdrawsACancelNotYetDelivered() {
    // test_tasks.py::BaseTaskTests::test_uncancel_resets_must_cancel [3.13]
    Future<Void> fut = loop.createFuture();
    Task<Integer> task = loop.createTask(fut.then(Mono.just(42)));
    loop.runUntilComplete(loop.sleep(0)); // Get task waiting for fut
    fut.setResult(null); // Make task runnable

    task.cancel(); // Enter cancelled state
    assertThat(task.cancelling()).isEqualTo(1);
    assertThat(task.mustCancel).isTrue(); // white-box, as CPython's test

    task.uncancel(); // Undo cancellation
    assertThat(task.cancelling()).isZero();
    assertThat(task.mustCancel).isFalse();

    assertThat(loop.runUntilComplete(task)).isEqualTo(42);
  }

  @Test
  void cancelThenUncancelBeforeTheFirstStepIsANoOp() {
    // ASYNCIO-SEMANTICS T5 [3.13+]: cancel(); uncancel() before the next step does nothing
    Task<String> t =
        loop.createTask(Mono.fromRunnable(() -> log.add("ran")).then(Mono.just("result")));
    t.cancel();
    assertThat(t.uncancel()).isZero();
    assertThat(loop.runUntilComplete(t)).isEqualTo("result");
    assertThat(log).containsExactly("ran");
    assertThat(t.cancelled()).isFalse();
  }

  @Test
  void uncancelCannotRecallACancelAlreadyDeliveredToTheAwaitedFuture() {
    // exp (3.13): the future was cancelled synchronously, so the chain still sees CancelledError
    Future<String> fut = loop.createFuture();
    Task<String> t =
        loop.createTask(
            fut.onErrorResume(
                CancelledError.class, e -> Mono.just("cancelled anyway " + e.getMessage())));
    loop.runUntilComplete(loop.sleep(0));
    t.cancel("x");
    assertThat(t.uncancel()).isZero();
    assertThat(fut.cancelled()).isTrue();
    assertThat(loop.runUntilComplete(t)).isEqualTo("cancelled anyway x");
  }

  @Test
  void handlingACancelledErrorDoesNotResetTheCount() {
    // ASYNCIO-SEMANTICS T5 exp: still 1 after a suppressed cancel
    AtomicReference<Task<Integer>> self = new AtomicReference<>();
    AtomicInteger inHandler = new AtomicInteger(-1);
    Task<Integer> t =
        loop.createTask(
            loop.sleep(10)
                .then(Mono.just(0))
                .onErrorResume(
                    CancelledError.class,
                    e -> {
                      inHandler.set(self.get().cancelling());
                      return loop.sleep(1).then(Mono.just(1));
                    }));
    self.set(t);
    loop.callLater(1, t::cancel);
    assertThat(loop.runUntilComplete(t)).isEqualTo(1);
    assertThat(inHandler).hasValue(1);
    assertThat(t.cancelling()).isEqualTo(1);
    assertThat(t.cancelled()).isFalse();
  }

  @Test
  void structuredTimeoutBlockUncancelsOnlyItsOwnCancel() {
    // test_tasks.py::BaseTaskTests::test_uncancel_structured_blocks
    Result timedOutRun = makeRequestWithTimeout(10.0, 0.1);
    assertThat(timedOutRun.timedOut).isTrue();
    assertThat(timedOutRun.structuredBlockFinished).isFalse(); // it was cancelled
    assertThat(timedOutRun.outerCodeReached).isTrue(); // the task went on after the block
    assertThat(timedOutRun.cancelling).isZero(); // no pending cancellation of the outer task

    Result quickRun = makeRequestWithTimeout(0, 10.0);
    assertThat(quickRun.timedOut).isFalse();
    assertThat(quickRun.structuredBlockFinished).isTrue();
    assertThat(quickRun.outerCodeReached).isTrue();
    assertThat(quickRun.cancelling).isZero();
  }

  private record Result(
      boolean timedOut,
      boolean structuredBlockFinished,
      boolean outerCodeReached,
      int cancelling) {}

  private Result makeRequestWithTimeout(double sleep, double timeout) {
    AtomicBoolean timedOut = new AtomicBoolean();
    AtomicBoolean structuredBlockFinished = new AtomicBoolean();
    AtomicBoolean outerCodeReached = new AtomicBoolean();
    Mono<Void> body =
        Mono.defer(
            () -> {
              Task<?> task = Task.currentTask();
              TimerHandle timeoutHandle =
                  loop.callLater(
                      timeout,
                      () -> {
                        timedOut.set(true);
                        task.cancel();
                      });
              // Structured block affected by the timeout; its 'finally' uncancels our own cancel.
              Mono<Void> structuredBlock =
                  loop.sleep(sleep)
                      .then(Mono.fromRunnable(() -> structuredBlockFinished.set(true)))
                      .doOnSuccess(v -> timeoutHandle.cancel())
                      .onErrorResume(
                          e -> {
                            timeoutHandle.cancel();
                            if (timedOut.get()
                                && task.uncancel() == 0
                                && e.getClass() == CancelledError.class) {
                              return Mono.error(new TimeoutError());
                            }
                            return Mono.error(e);
                          })
                      .then();
              return structuredBlock
                  .onErrorResume(
                      TimeoutError.class,
                      e -> {
                        assertThat(timedOut).isTrue();
                        return Mono.empty();
                      })
                  // Outer code not affected by the timeout:
                  .then(Mono.fromRunnable(() -> outerCodeReached.set(true)))
                  .then(loop.sleep(0));
            });
    Task<Void> t = loop.createTask(body);
    loop.runUntilComplete(t);
    return new Result(
        timedOut.get(), structuredBlockFinished.get(), outerCodeReached.get(), t.cancelling());
  }
}
