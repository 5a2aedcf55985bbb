package io.github.asyncio4j.operators;

import static io.github.asyncio4j.operators.Asyncio.createTask;
import static io.github.asyncio4j.operators.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Rule C2, {@code asyncio.wait}: the done and pending sets when {@code returnWhen} is met or the
 * timeout passes; it never cancels anything, a timeout does not raise, and cancelling the wait
 * leaves the futures running.
 */
class WaitTest {
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

  private Task<String> sleeper(double seconds, String result) {
    return loop.createTask(loop.sleep(Duration.ofNanos((long) (seconds * 1e9)), result));
  }

  private Task<String> failer(double seconds, String message) {
    return loop.createTask(
        loop.sleep(Duration.ofNanos((long) (seconds * 1e9)))
            .then(Mono.error(new IllegalStateException(message))));
  }

  // test_tasks.py::BaseTaskTests::test_wait
  @Test
  void allCompletedReturnsWhenEveryFutureIsDone() {
    Task<String> a = sleeper(0.1, "a");
    Task<String> b = sleeper(0.15, "b");
    DoneAndPending<String> r = loop.runUntilComplete(Asyncio.wait(List.of(b, a)));
    assertThat(r.done()).containsExactlyInAnyOrder(a, b);
    assertThat(r.pending()).isEmpty();
    assertThat(loop.time()).isEqualTo(0.15);

    // Doing it again should take no time and exercise a different path.
    r = loop.runUntilComplete(Asyncio.wait(List.of(b, a)));
    assertThat(r.done()).containsExactlyInAnyOrder(a, b);
    assertThat(loop.time()).isEqualTo(0.15);
  }

  @Test
  void theSetsKeepTheOrderGiven() {
    Task<String> a = sleeper(0.1, "a");
    Task<String> b = sleeper(0.2, "b");
    Task<String> c = sleeper(0.3, "c");
    DoneAndPending<String> r =
        loop.runUntilComplete(
            Asyncio.wait(List.of(c, a, b), Duration.ofMillis(250), ReturnWhen.ALL_COMPLETED));
    assertThat(r.done()).containsExactly(a, b);
    assertThat(r.pending()).containsExactly(c);
  }

  // test_tasks.py::BaseTaskTests::test_wait_duplicate_coroutines
  @Test
  void duplicatesCountOnce() {
    Task<String> c = loop.createTask(Mono.just("test"));
    Task<String> spam = loop.createTask(Mono.just("spam"));
    DoneAndPending<String> r = loop.runUntilComplete(Asyncio.wait(List.of(c, c, spam)));
    assertThat(r.pending()).isEmpty();
    assertThat(r.done().stream().map(Future::result).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("test", "spam");
    assertThat(r.done()).hasSize(2);
  }

  // test_tasks.py::BaseTaskTests::test_wait_first_completed
  @Test
  void firstCompletedReturnsOnTheFirstDone() {
    Task<String> a = sleeper(10, "a");
    Task<String> b = sleeper(0.1, "b");
    DoneAndPending<String> r =
        loop.runUntilComplete(Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_COMPLETED));
    assertThat(r.done()).containsExactly(b);
    assertThat(r.pending()).containsExactly(a);
    assertThat(a.done()).isFalse();
    assertThat(b.result()).isEqualTo("b");
    assertThat(loop.time()).isEqualTo(0.1);
    // The pending task is no longer watched by the wait: no callback is left on it.
    runBriefly();
    assertThat(a.toString()).doesNotContain("cb=");

    loop.runUntilComplete(Asyncio.wait(List.of(a, b)));
    assertThat(a.result()).isEqualTo("a");
  }

  // test_tasks.py::BaseTaskTests::test_wait_really_done
  @Test
  void firstCompletedReportsEveryFutureDoneByTheTimeItResumes() {
    Task<Void> a = loop.createTask(loop.sleep(0));
    Task<Void> b = loop.createTask(loop.sleep(0).then(loop.sleep(0)));
    DoneAndPending<Void> r =
        loop.runUntilComplete(Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_COMPLETED));
    assertThat(r.done()).containsExactly(b, a);
    assertThat(r.pending()).isEmpty();
  }

  @Test
  void firstCompletedCountsACancellation() {
    Task<String> a = sleeper(10, "a");
    Task<String> b = sleeper(10, "b");
    loop.callLater(1, () -> b.cancel());
    DoneAndPending<String> r =
        loop.runUntilComplete(Asyncio.wait(List.of(a, b), null, ReturnWhen.FIRST_COMPLETED));
    assertThat(r.done()).containsExactly(b);
    assertThat(b.cancelled()).isTrue();
    assertThat(loop.time()).isEqualTo(1.0);
  }

  // test_tasks.py::BaseTaskTests::test_wait_first_exception
  @Test
  void firstExceptionReturnsAtOnceWhenAFutureAlreadyFailed() {
    Task<String> a = sleeper(10, "a");
    Task<String> b = loop.createTask(Mono.error(new ArithmeticException("err")));
    DoneAndPending<String> r =
        loop.runUntilComplete(Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_EXCEPTION));
    assertThat(r.done()).containsExactly(b);
    assertThat(r.pending()).containsExactly(a);
    assertThat(loop.time()).isZero();
    assertThat(b.exception()).hasMessage("err");
  }

  // test_tasks.py::BaseTaskTests::test_wait_first_exception_in_wait
  @Test
  void firstExceptionReturnsOnAnExceptionDuringTheWait() {
    Task<String> a = sleeper(10, "a");
    Task<String> b = failer(0.01, "err");
    DoneAndPending<String> r =
        loop.runUntilComplete(Asyncio.wait(List.of(b, a), null, ReturnWhen.FIRST_EXCEPTION));
    assertThat(r.done()).containsExactly(b);
    assertThat(r.pending()).containsExactly(a);
    assertThat(loop.time()).isEqualTo(0.01);
    assertThat(a.done()).isFalse();
  }

  // ASYNCIO-SEMANTICS.md C2: a cancellation is not an exception for FIRST_EXCEPTION, and without
  // an exception it behaves like ALL_COMPLETED.
  @Test
  void firstExceptionIgnoresCancellationsAndOtherwiseWaitsForAll() {
    Task<String> a = sleeper(1, "a");
    Task<String> b = sleeper(10, "b");
    Task<String> c = sleeper(2, "c");
    loop.callLater(0.5, () -> b.cancel());
    DoneAndPending<String> r =
        loop.runUntilComplete(Asyncio.wait(List.of(a, b, c), null, ReturnWhen.FIRST_EXCEPTION));
    assertThat(r.done()).containsExactly(a, b, c);
    assertThat(r.pending()).isEmpty();
    assertThat(loop.time()).as("not at the cancel (0.5) nor the first result (1.0)").isEqualTo(2.0);
  }

  // test_tasks.py::BaseTaskTests::test_wait_with_exception
  @Test
  void allCompletedDoesNotRaiseTheExceptions() {
    Task<String> a = sleeper(0.1, "a");
    Task<String> b = failer(0.15, "really");
    DoneAndPending<String> r = loop.runUntilComplete(Asyncio.wait(List.of(b, a)));
    assertThat(r.done()).hasSize(2);
    assertThat(r.pending()).isEmpty();
    assertThat(r.done().stream().filter(f -> f.exception() != null)).containsExactly(b);
    assertThat(loop.time()).isEqualTo(0.15);
  }

  // test_tasks.py::BaseTaskTests::test_wait_with_timeout
  @Test
  void aTimeoutReturnsWhatIsDoneAndCancelsNothing() {
    Task<String> a = sleeper(0.1, "a");
    Task<String> b = sleeper(0.15, "b");
    DoneAndPending<String> r =
        loop.runUntilComplete(
            Asyncio.wait(List.of(b, a), Duration.ofMillis(110), ReturnWhen.ALL_COMPLETED));
    assertThat(r.done()).containsExactly(a);
    assertThat(r.pending()).containsExactly(b);
    assertThat(loop.time()).isEqualTo(0.11);

    assertThat(loop.runUntilComplete(b)).isEqualTo("b");
    assertThat(b.cancelled()).isFalse();
    assertThat(loop.time()).isEqualTo(0.15);
  }

  // test_tasks.py::BaseTaskTests::test_wait_concurrent_complete
  @Test
  void aTimeoutBeforeAnyCompletionReturnsEverythingPending() {
    Task<String> a = sleeper(0.1, "a");
    Task<String> b = sleeper(0.15, "b");
    DoneAndPending<String> r =
        loop.runUntilComplete(
            Asyncio.wait(List.of(b, a), Duration.ofMillis(50), ReturnWhen.FIRST_COMPLETED));
    assertThat(r.done()).isEmpty();
    assertThat(r.pending()).containsExactly(b, a);
    assertThat(loop.time()).isEqualTo(0.05);
  }

  @Test
  void aZeroOrNegativeTimeoutReturnsWhatIsDoneWithoutWaiting() {
    Task<String> a = loop.createTask(Mono.just("a"));
    Task<String> b = sleeper(1, "b");
    for (Duration timeout : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
      DoneAndPending<String> r =
          loop.runUntilComplete(Asyncio.wait(List.of(a, b), timeout, ReturnWhen.ALL_COMPLETED));
      assertThat(r.done()).containsExactly(a);
      assertThat(r.pending()).containsExactly(b);
      assertThat(loop.time()).isZero();
    }
    assertThat(loop.runUntilComplete(b)).isEqualTo("b");
  }

  @Test
  void anUnusedTimeoutDoesNotDelayTheResult() {
    Task<String> a = sleeper(0.1, "a");
    DoneAndPending<String> r =
        loop.runUntilComplete(
            Asyncio.wait(List.of(a), Duration.ofSeconds(10), ReturnWhen.ALL_COMPLETED)
                .flatMap(dp -> sleep(Duration.ofSeconds(20), dp)));
    assertThat(r.done()).containsExactly(a);
    assertThat(loop.time()).as("wait returned at 0.1, then 20 s of sleep").isEqualTo(20.1);
  }

  // test_tasks.py::BaseTaskTests::test_yield_wait_does_not_shield_cancel
  @Test
  void cancellingTheWaiterLeavesTheTasksRunning() {
    AtomicInteger proof = new AtomicInteger();
    Future<Void> waiter = loop.createFuture();
    Task<Void> inner = loop.createTask(waiter.then(Mono.fromRunnable(proof::incrementAndGet)));
    Task<Void> outer =
        loop.createTask(
            Asyncio.wait(List.of(inner)).then(Mono.fromRunnable(() -> proof.addAndGet(100))));
    runBriefly();
    outer.cancel();
    assertThatThrownBy(() -> loop.runUntilComplete(outer)).isInstanceOf(CancelledError.class);
    assertThat(inner.done()).isFalse();
    assertThat(inner.toString()).as("the wait's callback was removed").doesNotContain("cb=");
    waiter.setResult(null);
    runBriefly();
    assertThat(proof).hasValue(1);
  }

  @Test
  void aReactorCancelOfTheWaitLeavesTheTasksRunning() {
    String r =
        Asyncio.run(
            Mono.defer(
                () -> {
                  Task<String> a =
                      createTask(sleep(Duration.ofSeconds(2), "a").doOnNext(v -> log("a done")));
                  return Asyncio.wait(List.of(a))
                      .takeUntilOther(sleep(Duration.ofSeconds(1), 0L))
                      .doOnSuccess(dp -> log("wait gave " + dp))
                      .then(Mono.fromCallable(a::toString))
                      .flatMap(repr -> a.thenReturn(repr));
                }),
            false,
            () -> loop);
    assertThat(r).as("no callback left on the task").doesNotContain("cb=");
    assertThat(log).containsExactly("wait gave null at 1.0", "a done at 2.0");
  }

  // ---------------------------------------------------------------- bad input

  // test_tasks.py::BaseTaskTests::test_wait_errors, test_wait_invalid_args
  @Test
  void anEmptySetIsRejected() {
    assertThatThrownBy(() -> Asyncio.wait(List.<Future<String>>of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Set of Tasks/Futures is empty.");
    assertThatThrownBy(
            () -> Asyncio.wait(Set.<Future<String>>of(), null, ReturnWhen.FIRST_COMPLETED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Set of Tasks/Futures is empty.");
  }

  @Test
  void nullsAreRejectedNamingTheArgument() {
    Future<String> f = loop.createFuture();
    assertThatThrownBy(() -> Asyncio.wait((List<Future<String>>) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fs");
    assertThatThrownBy(() -> Asyncio.wait(List.of(f), null, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("returnWhen");
    assertThatThrownBy(() -> Asyncio.wait(Arrays.asList(f, null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fs must not contain null");
  }

  @Test
  void aFutureOfAnotherLoopIsRejected() {
    VirtualTimeEventLoop other = VirtualTimeEventLoop.create();
    try {
      Future<String> foreign = other.createFuture();
      Future<String> mine = loop.createFuture();
      assertThatThrownBy(() -> loop.runUntilComplete(Asyncio.wait(List.of(mine, foreign))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("future " + foreign + " belongs to another loop");
      assertThat(mine.toString()).as("nothing was registered").isEqualTo("<Future pending>");
    } finally {
      other.close();
    }
  }

  // A future completing in the iteration the timeout fires: its callback, already scheduled, must
  // not complete the wait a second time (asyncio's `if not waiter.done()`).
  @Test
  void aFutureCompletingAsTheTimeoutFiresIsNotReportedAsAnError() {
    Task<String> a = failer(0.05, "x");
    DoneAndPending<String> r =
        loop.runUntilComplete(
            Asyncio.wait(List.of(a), Duration.ofMillis(50), ReturnWhen.ALL_COMPLETED));
    runBriefly();
    assertThat(loop.time()).isEqualTo(0.05);
    assertThat(r.done()).containsExactly(a);
    assertThat(a.exception()).hasMessage("x");
    assertThat(reports).isEmpty();
  }
}
