package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Rule F7: an exception nobody read is reported to the loop's exception handler when its future is
 * garbage-collected; reading it, awaiting it or cancelling the future clears that.
 *
 * <p>Each test that expects no report also drops a <em>control</em> future whose exception is never
 * read, and collects until the control is reported: the subject's report, had it been due, would
 * have come in the same collections. The subject's flag is cleared eagerly when it is read, so its
 * absence is not a matter of timing.
 */
class FutureUnretrievedExceptionTest {
  private static final int MAX_GC_ROUNDS = 200;

  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<Map<String, Object>> reports = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void collectReports() {
    loop.setExceptionHandler((l, context) -> reports.add(context));
  }

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  /** Drops a future failed with {@code message}; it is unreachable once this returns. */
  private void dropFailedFuture(String message, Consumer<Future<String>> beforeDropping) {
    Future<String> f = loop.createFuture();
    f.setException(new IllegalStateException(message));
    beforeDropping.accept(f);
  }

  private List<String> reportedMessages() {
    List<String> out = new ArrayList<>();
    synchronized (reports) {
      for (Map<String, Object> r : reports) {
        out.add(((Throwable) r.get("exception")).getMessage());
      }
    }
    return out;
  }

  /** Collects garbage and runs the loop until {@code message} is reported, a bounded number. */
  private void collectUntilReported(String message) {
    for (int i = 0; i < MAX_GC_ROUNDS && !reportedMessages().contains(message); i++) {
      System.gc();
      loop.runUntilComplete(loop.sleep(0));
    }
    assertThat(reportedMessages()).as("reported after GC").contains(message);
  }

  private Map<String, Object> reportOf(String message) {
    synchronized (reports) {
      return reports.stream()
          .filter(r -> ((Throwable) r.get("exception")).getMessage().equals(message))
          .findFirst()
          .orElseThrow();
    }
  }

  @Test
  void neverRetrievedFutureExceptionIsReportedWhenCollected() {
    // test_futures.py::BaseFutureTests::test_tb_logger_exception_unretrieved
    dropFailedFuture("boom", f -> {});
    collectUntilReported("boom");

    Map<String, Object> report = reportOf("boom");
    assertThat(report.get("message")).isEqualTo("Future exception was never retrieved");
    assertThat(report.get("exception")).isInstanceOf(IllegalStateException.class);
    assertThat(String.valueOf(report.get("future"))).startsWith("<Future finished exception=");
    assertThat(reports).hasSize(1);
  }

  @Test
  void neverRetrievedTaskExceptionIsReportedWhenCollected() {
    // test_tasks.py (Task.__del__ via Future.__del__): "Task exception was never retrieved"
    startFailingTask("task boom");
    loop.runUntilComplete(loop.sleep(0)); // the task runs and fails; nobody awaits it
    collectUntilReported("task boom");

    Map<String, Object> report = reportOf("task boom");
    assertThat(report.get("message")).isEqualTo("Task exception was never retrieved");
    assertThat(String.valueOf(report.get("task"))).startsWith("<Task finished");
  }

  private void startFailingTask(String message) {
    loop.createTask(Mono.error(new IllegalStateException(message)));
  }

  @Test
  void exceptionReadWithExceptionIsNotReported() {
    // test_futures.py::BaseFutureTests::test_tb_logger_exception_retrieved
    dropFailedFuture("subject", Future::exception);
    dropFailedFuture("control", f -> {});
    collectUntilReported("control");
    assertThat(reportedMessages()).containsExactly("control");
  }

  @Test
  void exceptionRaisedByResultIsNotReported() {
    // test_futures.py::BaseFutureTests::test_tb_logger_exception_result_retrieved
    dropFailedFuture(
        "subject",
        f -> {
          try {
            f.result();
          } catch (IllegalStateException expected) {
            // retrieved
          }
        });
    dropFailedFuture("control", f -> {});
    collectUntilReported("control");
    assertThat(reportedMessages()).containsExactly("control");
  }

  @Test
  void cancelAfterTheExceptionClearsTheReport() {
    // test_futures.py::BaseFutureTests::test_tb_logger_not_called_after_cancel
    dropFailedFuture("subject", f -> assertThat(f.cancel()).isFalse());
    dropFailedFuture("control", f -> {});
    collectUntilReported("control");
    assertThat(reportedMessages()).containsExactly("control");
  }

  @Test
  void cancellingAFailedTaskClearsTheReport() {
    // test_tasks.py::BaseTaskTests::test_tb_logger_not_called_after_cancel (Task.cancel clears
    // _log_traceback even when the task is done)
    startFailingTaskThenCancelIt("subject");
    dropFailedFuture("control", f -> {});
    collectUntilReported("control");
    assertThat(reportedMessages()).containsExactly("control");
  }

  private void startFailingTaskThenCancelIt(String message) {
    Task<Object> t = loop.createTask(Mono.error(new IllegalStateException(message)));
    loop.runUntilComplete(loop.sleep(0));
    assertThat(t.done()).isTrue();
    assertThat(t.cancel()).isFalse();
  }

  @Test
  void exceptionDeliveredToAnAwaiterIsNotReported() {
    dropFailedFuture("subject", f -> f.subscribe(v -> {}, e -> {}));
    dropFailedFuture("control", f -> {});
    collectUntilReported("control");
    assertThat(reportedMessages()).containsExactly("control");
  }

  @Test
  void exceptionReplacedByALateCancelOfItsAwaitingTaskIsNotReported() {
    // asyncio's __wakeup reads future.result() before __step replaces it with CancelledError
    awaitFailedFutureThenCancelBeforeResuming("subject");
    dropFailedFuture("control", f -> {});
    collectUntilReported("control");
    assertThat(reportedMessages()).containsExactly("control");
  }

  private void awaitFailedFutureThenCancelBeforeResuming(String message) {
    Future<String> fut = loop.createFuture();
    Task<String> t = loop.createTask(fut);
    loop.runUntilComplete(loop.sleep(0));
    fut.setException(new IllegalStateException(message));
    t.cancel("late");
    assertThat(catchThrowable(() -> loop.runUntilComplete(t))).hasMessage("late");
  }

  @Test
  void awaitedTaskExceptionIsNotReported() {
    String r =
        loop.runUntilComplete(
            Mono.defer(
                () ->
                    loop.createTask(Mono.<String>error(new IllegalStateException("subject")))
                        .onErrorResume(e -> Mono.just("caught " + e.getMessage()))));
    assertThat(r).isEqualTo("caught subject");
    dropFailedFuture("control", f -> {});
    collectUntilReported("control");
    assertThat(reportedMessages()).containsExactly("control");
  }

  @Test
  void resultsAndCancellationsAreNeverReported() {
    // test_futures.py::BaseFutureTests::test_tb_logger_abandoned /
    // test_tb_logger_result_unretrieved
    dropResultAndCancelledFutures();
    dropFailedFuture("control", f -> {});
    collectUntilReported("control");
    assertThat(reportedMessages()).containsExactly("control");
  }

  private void dropResultAndCancelledFutures() {
    loop.<String>createFuture().setResult("42");
    loop.<String>createFuture().cancel("bye");
    loop.<String>createFuture(); // abandoned while pending
  }
}
