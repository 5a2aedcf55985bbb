package io.github.asyncio4j.operators;

import static io.github.asyncio4j.operators.Asyncio.gather;
import static io.github.asyncio4j.operators.Asyncio.shield;
import static io.github.asyncio4j.operators.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Rule C6, {@code asyncio.shield}: cancelling the task that awaits the shield raises {@code
 * CancelledError} there while the inner work keeps running; the inner's own cancellation cancels
 * the shield; a done future is returned as is; and asyncio's retrieval gap, where an inner failure
 * nobody awaits any more is reported as never retrieved.
 */
class ShieldTest {
  private static final int MAX_GC_ROUNDS = 200;

  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<String> log = new ArrayList<>();
  private final List<Map<String, Object>> reports = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void collectReports() {
    loop.setExceptionHandler((l, context) -> reports.add(context));
  }

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  /** asyncio's test_utils.run_briefly: a few iterations of the loop (no time passes). */
  private void runBriefly() {
    loop.runUntilComplete(loop.sleep(0));
  }

  private void log(String event) {
    log.add(event + " at " + loop.time());
  }

  // test_tasks.py::BaseTaskTests::test_shield_result
  @Test
  void theShieldGivesTheInnerResult() {
    Future<Integer> inner = loop.createFuture();
    Task<Integer> outer = loop.createTask(shield(inner));
    inner.setResult(42);
    assertThat(loop.runUntilComplete(outer)).isEqualTo(42);
  }

  // test_tasks.py::BaseTaskTests::test_shield_exception
  @Test
  void theShieldRaisesTheInnerException() {
    Future<Integer> inner = loop.createFuture();
    Task<Integer> outer = loop.createTask(shield(inner));
    runBriefly();
    IllegalStateException exc = new IllegalStateException("expected");
    inner.setException(exc);
    runBriefly();
    assertThat(outer.exception()).isSameAs(exc);
  }

  // test_tasks.py::BaseTaskTests::test_shield_effect
  @Test
  void cancellingTheAwaitingTaskLeavesTheInnerRunning() {
    AtomicInteger proof = new AtomicInteger();
    Future<Void> waiter = loop.createFuture();
    Mono<Void> inner = waiter.then(Mono.fromRunnable(proof::incrementAndGet));
    Task<Void> outer =
        loop.createTask(shield(inner).then(Mono.fromRunnable(() -> proof.addAndGet(100))));
    runBriefly();
    outer.cancel();
    assertThatThrownBy(() -> loop.runUntilComplete(outer)).isInstanceOf(CancelledError.class);
    assertThat(waiter.cancelled()).isFalse();
    waiter.setResult(null);
    runBriefly();
    assertThat(proof).hasValue(1);
  }

  @Test
  void theAwaitingTaskSeesTheCancelMessageAtOnceWhileTheInnerFinishesLater() {
    String r =
        Asyncio.run(
            Mono.defer(
                () -> {
                  Mono<String> inner =
                      sleep(Duration.ofSeconds(2), "inner").doOnNext(v -> log("inner done"));
                  Task<String> outer =
                      Asyncio.createTask(
                          shield(inner)
                              .onErrorResume(
                                  CancelledError.class,
                                  e -> {
                                    log("outer got CancelledError(" + e.getMessage() + ")");
                                    return Mono.error(e);
                                  }));
                  return sleep(Duration.ofSeconds(1))
                      .then(Mono.fromRunnable(() -> outer.cancel("bye")))
                      .then(outer)
                      .onErrorResume(CancelledError.class, e -> Mono.just("outer cancelled"))
                      .flatMap(v -> sleep(Duration.ofSeconds(5), v));
                }),
            false,
            () -> loop);
    assertThat(r).isEqualTo("outer cancelled");
    assertThat(log).containsExactly("outer got CancelledError(bye) at 1.0", "inner done at 2.0");
  }

  // test_tasks.py::BaseTaskTests::test_shield_cancel_inner
  @Test
  void cancellingTheInnerCancelsTheShield() {
    Future<Integer> inner = loop.createFuture();
    Task<Integer> outer = loop.createTask(shield(inner));
    runBriefly();
    inner.cancel();
    assertThatThrownBy(() -> loop.runUntilComplete(outer)).isInstanceOf(CancelledError.class);
    assertThat(outer.cancelled()).isTrue();
  }

  // test_tasks.py::BaseTaskTests::test_shield_cancel_outer
  @Test
  void cancellingTheAwaiterStopsWatchingTheInner() {
    Future<Integer> inner = loop.createFuture();
    Task<Integer> outer = loop.createTask(shield(inner));
    runBriefly();
    assertThat(inner.toString()).isEqualTo("<Future pending cb=[1]>");
    outer.cancel();
    runBriefly();
    assertThat(outer.cancelled()).isTrue();
    assertThat(inner.toString()).isEqualTo("<Future pending>");
  }

  // test_tasks.py::BaseTaskTests::test_shield_cancel_outer_result
  @Test
  void anInnerResultAfterTheAwaiterWasCancelledIsNotReported() {
    Future<Integer> inner = loop.createFuture();
    Task<Integer> outer = loop.createTask(shield(inner));
    runBriefly();
    outer.cancel();
    runBriefly();
    inner.setResult(1);
    runBriefly();
    assertThat(reports).isEmpty();
  }

  // The same, with the inner completing in the step that cancels: the shield's callback, already
  // scheduled, must not complete the cancelled outer future (asyncio's `if outer.cancelled()`).
  @Test
  void anInnerOutcomeRacingTheCancelIsNeitherReportedNorAnError() {
    Future<Integer> inner = loop.createFuture();
    Task<Integer> outer = loop.createTask(shield(inner));
    runBriefly();
    outer.cancel();
    inner.setResult(1);
    runBriefly();
    assertThat(outer.cancelled()).isTrue();
    assertThat(reports).isEmpty();

    racingFailure("subject");
    dropFailedFuture("control");
    collectUntilReported("control");
    assertThat(reportedMessages())
        .as("read by the shield, so not reported")
        .containsExactly("control");
  }

  private void racingFailure(String message) {
    Future<Integer> inner = loop.createFuture();
    Task<Integer> outer = loop.createTask(shield(inner));
    runBriefly();
    outer.cancel();
    inner.setException(new IllegalStateException(message));
    runBriefly();
    assertThat(outer.cancelled()).isTrue();
  }

  // test_tasks.py::BaseTaskTests::test_shield_cancel_outer_exception and
  // test_shield_duplicate_log_once: the retrieval gap (ASYNCIO-SEMANTICS.md C6).
  @Test
  void anInnerFutureFailingAfterTheAwaiterWasCancelledIsReportedOnceAsNeverRetrieved() {
    shieldTwiceCancelBothThenFail("gap");
    collectUntilReported("gap");
    Map<String, Object> report = reportOf("gap");
    assertThat(report.get("message")).isEqualTo("Future exception was never retrieved");
    assertThat(reportedMessages()).containsExactly("gap");
  }

  private void shieldTwiceCancelBothThenFail(String message) {
    Future<Integer> inner = loop.createFuture();
    for (int i = 0; i < 2; i++) {
      Task<Integer> outer = loop.createTask(shield(inner));
      runBriefly();
      outer.cancel();
      runBriefly();
      assertThat(outer.cancelled()).isTrue();
    }
    inner.setException(new IllegalStateException(message));
    runBriefly();
  }

  @Test
  void anInnerTaskFailingAfterTheAwaiterWasCancelledIsReportedAsNeverRetrieved() {
    shieldCoroutineCancelThenLetItFail("task gap");
    collectUntilReported("task gap");
    Map<String, Object> report = reportOf("task gap");
    assertThat(report.get("message")).isEqualTo("Task exception was never retrieved");
    assertThat(String.valueOf(report.get("task"))).startsWith("<Task finished");
  }

  private void shieldCoroutineCancelThenLetItFail(String message) {
    Task<Integer> outer =
        loop.createTask(
            shield(
                loop.sleep(Duration.ofSeconds(1))
                    .then(Mono.<Integer>error(new IllegalStateException(message)))));
    runBriefly();
    outer.cancel();
    assertThatThrownBy(() -> loop.runUntilComplete(outer)).isInstanceOf(CancelledError.class);
    loop.runUntilComplete(loop.sleep(Duration.ofSeconds(2)));
  }

  // test_tasks.py::BaseTaskTests::test_shield_shortcut
  @Test
  void aDoneFutureIsReturnedAsIs() {
    Future<Integer> fut = loop.createFuture();
    fut.setResult(42);
    Integer r =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  loop.callSoon(() -> log.add("queued before"));
                  return shield(fut).doOnNext(v -> log.add("shield gave " + v));
                }));
    assertThat(r).isEqualTo(42);
    // Awaiting the done future itself does not suspend (rule F6): a new outer future would have
    // resumed the task one iteration later, after the callback queued before.
    assertThat(log).containsExactly("shield gave 42", "queued before");
  }

  @Test
  void aDoneFailedOrCancelledFutureRaisesAsIs() {
    Future<Integer> failed = loop.createFuture();
    IllegalStateException exc = new IllegalStateException("failed");
    failed.setException(exc);
    assertThatThrownBy(() -> loop.runUntilComplete(shield(failed))).isSameAs(exc);

    Future<Integer> cancelled = loop.createFuture();
    cancelled.cancel("gone");
    assertThatThrownBy(() -> loop.runUntilComplete(shield(cancelled)))
        .isInstanceOf(CancelledError.class)
        .hasMessage("gone");
  }

  // test_tasks.py::BaseTaskTests::test_gather_shield
  @Test
  void cancellingAGatherOfShieldsLeavesTheShieldedChildrenAlone() {
    Future<Integer> child1 = loop.createFuture();
    Future<Integer> child2 = loop.createFuture();
    Task<List<Integer>> parent = loop.createTask(gather(shield(child1), shield(child2)));
    runBriefly();
    parent.cancel();
    assertThatThrownBy(() -> loop.runUntilComplete(parent)).isInstanceOf(CancelledError.class);
    assertThat(child1.done()).isFalse();
    assertThat(child2.done()).isFalse();
    child1.setResult(1);
    child2.setResult(2);
    runBriefly();
    assertThat(reports).isEmpty();
  }

  // test_tasks.py::BaseTaskTests::test_shield_gather
  @Test
  void aShieldedGatherRunsToTheEndWhenTheAwaiterIsCancelled() {
    Future<Integer> child1 = loop.createFuture();
    Future<Integer> child2 = loop.createFuture();
    Task<List<Integer>> parent = loop.createTask(gather(child1, child2));
    Task<List<Integer>> outer = loop.createTask(shield(parent));
    runBriefly();
    outer.cancel();
    runBriefly();
    assertThat(outer.cancelled()).isTrue();
    child1.setResult(1);
    child2.setResult(2);
    runBriefly();
    assertThat(parent.result()).containsExactly(1, 2);
  }

  @Test
  void aReactorCancelOfTheShieldLeavesTheInnerRunning() {
    String r =
        Asyncio.run(
            shield(sleep(Duration.ofSeconds(2), "inner").doOnNext(v -> log("inner done")))
                .takeUntilOther(sleep(Duration.ofSeconds(1), 0L))
                .doOnSuccess(v -> log("shield gave " + v))
                .then(sleep(Duration.ofSeconds(5), "main done")),
            false,
            () -> loop);
    assertThat(r).isEqualTo("main done");
    assertThat(log).containsExactly("shield gave null at 1.0", "inner done at 2.0");
  }

  // A Reactor cancel of the shield is asyncio's outer.cancel(): the inner is no longer watched.
  @Test
  void aReactorCancelOfTheShieldStopsWatchingTheInner() {
    Future<Integer> inner = loop.createFuture();
    loop.runUntilComplete(
        shield(inner).takeUntilOther(loop.sleep(Duration.ofSeconds(1), 0L)).then(loop.sleep(0)));
    assertThat(inner.toString()).isEqualTo("<Future pending>");
  }

  @Test
  void anInnerTaskFailingAfterAReactorCancelOfTheShieldIsReportedAsNeverRetrieved() {
    reactorCancelTheShieldThenLetTheInnerFail("reactor gap");
    collectUntilReported("reactor gap");
    assertThat(reportOf("reactor gap").get("message"))
        .isEqualTo("Task exception was never retrieved");
    assertThat(reportedMessages()).containsExactly("reactor gap");
  }

  private void reactorCancelTheShieldThenLetTheInnerFail(String message) {
    loop.runUntilComplete(
        shield(
                loop.sleep(Duration.ofSeconds(2))
                    .then(Mono.<Integer>error(new IllegalStateException(message))))
            .takeUntilOther(loop.sleep(Duration.ofSeconds(1), 0L))
            .then(loop.sleep(Duration.ofSeconds(2))));
  }

  @Test
  void theInnerStartsWhenTheShieldIsSubscribed() {
    Mono<String> shielded =
        shield(Mono.fromCallable(() -> log.add("inner started")).thenReturn("x"));
    String r =
        loop.runUntilComplete(Mono.fromRunnable(() -> log.add("subscribing")).then(shielded));
    assertThat(r).isEqualTo("x");
    assertThat(log).containsExactly("subscribing", "inner started");
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void nullIsRejectedNamingTheArgument() {
    assertThatThrownBy(() -> shield(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aw");
  }

  @Test
  void aFutureOfAnotherLoopIsRejected() {
    VirtualTimeEventLoop other = VirtualTimeEventLoop.create();
    try {
      Future<String> foreign = other.createFuture();
      assertThatThrownBy(() -> loop.runUntilComplete(shield(foreign)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "The future belongs to a different loop than the one specified as the loop argument");
    } finally {
      other.close();
    }
  }

  // ---------------------------------------------------------------- unretrieved exceptions

  private void dropFailedFuture(String message) {
    loop.createFuture().setException(new IllegalStateException(message));
  }

  private List<String> reportedMessages() {
    List<String> out = new ArrayList<>();
    synchronized (reports) {
      for (Map<String, Object> r : reports) {
        Object e = r.get("exception");
        out.add(e instanceof Throwable t ? t.getMessage() : String.valueOf(r.get("message")));
      }
    }
    return out;
  }

  private Map<String, Object> reportOf(String message) {
    synchronized (reports) {
      return reports.stream()
          .filter(r -> r.get("exception") instanceof Throwable t && message.equals(t.getMessage()))
          .findFirst()
          .orElseThrow();
    }
  }

  /** Collects garbage and runs the loop until {@code message} is reported, a bounded number. */
  private void collectUntilReported(String message) {
    for (int i = 0; i < MAX_GC_ROUNDS && !reportedMessages().contains(message); i++) {
      System.gc();
      loop.runUntilComplete(loop.sleep(0));
    }
    assertThat(reportedMessages()).as("reported after GC").contains(message);
  }
}
