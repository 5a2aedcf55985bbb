package io.github.asyncio4j.operators;

import static io.github.asyncio4j.operators.Asyncio.createTask;
import static io.github.asyncio4j.operators.Asyncio.gather;
import static io.github.asyncio4j.operators.Asyncio.gatherReturnExceptions;
import static io.github.asyncio4j.operators.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * Rule C1, {@code asyncio.gather}: results in argument order, the first failure fails the gather
 * while the other children go on, a cancelled child counts as {@code CancelledError}, cancelling
 * the gather cancels its children (bpo-32684). The parameterized tests run each scenario with the
 * children given as futures (CPython's {@code FutureGatherTests}) and as coroutines, which gather
 * wraps in tasks ({@code CoroutineGatherTests}).
 */
class GatherTest {
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

  /** Runs {@code main} as asyncio.run does, on this test's loop (closed afterwards). */
  private <T> T run(Mono<T> main) {
    return Asyncio.run(main, false, () -> loop);
  }

  /** GatherTestsBase._run_loop: runs the loop until what is ready has run (no time passes). */
  private void runLoop() {
    for (int i = 0; i < 10; i++) {
      loop.runUntilComplete(loop.sleep(0));
    }
  }

  private void log(String event) {
    log.add(event + " at " + loop.time());
  }

  /** A future as given (FutureGatherTests), or a coroutine awaiting it (CoroutineGatherTests). */
  private static <T> Mono<T> child(Future<T> f, boolean asCoroutine) {
    return asCoroutine ? f.map(v -> v) : f;
  }

  private List<Future<Integer>> futures(int n) {
    List<Future<Integer>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fs.add(loop.createFuture());
    }
    return fs;
  }

  private static <T> List<Mono<T>> children(List<Future<T>> fs, boolean asCoroutines) {
    return fs.stream().map(f -> child(f, asCoroutines)).toList();
  }

  // ---------------------------------------------------------------- results

  // test_tasks.py::GatherTestsBase::test_success
  @ParameterizedTest(name = "asCoroutines={0}")
  @ValueSource(booleans = {false, true})
  void resultsComeInArgumentOrderOnceAllAreDone(boolean asCoroutines) {
    List<Future<Integer>> fs = futures(3);
    Task<List<Integer>> g = loop.createTask(gather(children(fs, asCoroutines)));
    fs.get(1).setResult(1);
    fs.get(0).setResult(2);
    runLoop();
    assertThat(g.done()).isFalse();

    fs.get(2).setResult(3);
    runLoop();
    assertThat(g.result()).containsExactly(2, 1, 3);
  }

  // test_tasks.py::GatherTestsBase::test_return_exceptions
  @ParameterizedTest(name = "asCoroutines={0}")
  @ValueSource(booleans = {false, true})
  void returnExceptionsKeepsEachOutcomeInItsPlace(boolean asCoroutines) {
    List<Future<Integer>> fs = futures(4);
    Task<List<Outcome<Integer>>> g =
        loop.createTask(gatherReturnExceptions(children(fs, asCoroutines)));
    IllegalStateException exc = new IllegalStateException("exc");
    ArithmeticException exc2 = new ArithmeticException("exc2");
    fs.get(1).setResult(1);
    fs.get(2).setException(exc);
    fs.get(0).setResult(3);
    runLoop();
    assertThat(g.done()).as("a failure does not end it").isFalse();

    fs.get(3).setException(exc2);
    runLoop();
    List<Outcome<Integer>> r = g.result();
    assertThat(r).hasSize(4);
    assertThat(r.get(0)).isEqualTo(new Outcome.Success<>(3));
    assertThat(r.get(1)).isEqualTo(new Outcome.Success<>(1));
    assertThat(r.get(2).isSuccess()).isFalse();
    assertThat(r.get(2).exception()).isSameAs(exc);
    assertThat(r.get(3).exception()).isSameAs(exc2);
    assertThatThrownBy(() -> r.get(3).get()).isSameAs(exc2);
  }

  @Test
  void anOutcomeRaisesItsExceptionAsAwaitingWould() {
    IOException checked = new IOException("io");
    Outcome<Integer> failure = new Outcome.Failure<>(checked);
    assertThat(failure.isSuccess()).isFalse();
    assertThatThrownBy(failure::get)
        .satisfies(e -> assertThat(Exceptions.unwrap(e)).isSameAs(checked));
    Outcome<Integer> empty = new Outcome.Success<>(null);
    assertThat(empty.isSuccess()).isTrue();
    assertThat(empty.get()).isNull();
    assertThat(empty.exception()).isNull();
    assertThatThrownBy(() -> new Outcome.Failure<Integer>(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("error");
  }

  // test_tasks.py::CoroutineGatherTests::test_duplicate_coroutines
  @Test
  void theSameCoroutineTwiceRunsOnceAndItsResultIsRepeated() {
    AtomicInteger runs = new AtomicInteger();
    Mono<String> c = Mono.fromCallable(() -> "abc" + runs.incrementAndGet());
    List<String> r = run(gather(c, c, Mono.just("def"), c));
    assertThat(r).containsExactly("abc1", "abc1", "def", "abc1");
    assertThat(runs).hasValue(1);
  }

  // test_tasks.py::FutureGatherTests::test_constructor_empty_sequence_use_running_loop
  @Test
  void anEmptyGatherCompletesWithAnEmptyList() {
    assertThat(run(Asyncio.<Integer>gather(List.of()))).isEmpty();
    assertThat(Asyncio.run(Asyncio.<Integer>gather(), false, VirtualTimeEventLoop::create))
        .isEmpty();
    assertThat(
            Asyncio.run(
                Asyncio.<Integer>gatherReturnExceptions(List.of()),
                false,
                VirtualTimeEventLoop::create))
        .isEmpty();
  }

  @Test
  void anEmptyChildGivesANullEntry() {
    List<Integer> r = run(gather(Mono.<Integer>empty(), Mono.just(1)));
    assertThat(r).containsExactly(null, 1);
  }

  // ---------------------------------------------------------------- failures

  // test_tasks.py::GatherTestsBase::test_one_exception
  @ParameterizedTest(name = "asCoroutines={0}")
  @ValueSource(booleans = {false, true})
  void theFirstExceptionFailsTheGatherAtOnce(boolean asCoroutines) {
    List<Future<Integer>> fs = futures(5);
    Task<List<Integer>> g = loop.createTask(gather(children(fs, asCoroutines)));
    ArithmeticException exc = new ArithmeticException("first");
    fs.get(0).setResult(1);
    fs.get(1).setException(exc);
    runLoop();
    assertThat(g.done()).as("done while three children are pending").isTrue();
    assertThat(g.exception()).isSameAs(exc);

    // Does nothing
    fs.get(2).setResult(3);
    fs.get(3).cancel();
    fs.get(4).setException(new IllegalStateException("later"));
    fs.get(4).exception();
    runLoop();
    assertThat(g.exception()).isSameAs(exc);
    assertThat(reports).isEmpty();
  }

  // ASYNCIO-SEMANTICS.md C1: the other children are not cancelled and finish.
  @Test
  void theOtherChildrenKeepRunningAfterTheFirstException() {
    AtomicReference<Task<String>> b = new AtomicReference<>();
    String r =
        run(
            Mono.defer(
                () -> {
                  b.set(
                      createTask(
                          sleep(Duration.ofSeconds(3), "b")
                              .doOnNext(v -> log("b done"))
                              .doOnError(e -> log("b failed " + e))));
                  Mono<String> a =
                      sleep(Duration.ofSeconds(1))
                          .then(Mono.fromRunnable(() -> log("a fails")))
                          .then(Mono.error(new IllegalStateException("a")));
                  Mono<String> c =
                      sleep(Duration.ofSeconds(2))
                          .then(Mono.fromRunnable(() -> log("c fails")))
                          .then(Mono.error(new IllegalStateException("c")));
                  return gather(a, b.get(), c)
                      .map(List::toString)
                      .onErrorResume(
                          e -> {
                            log("gather failed with " + e.getMessage());
                            return sleep(Duration.ofSeconds(5), "main done");
                          });
                }));
    assertThat(r).isEqualTo("main done");
    assertThat(log)
        .containsExactly(
            "a fails at 1.0", "gather failed with a at 1.0", "c fails at 2.0", "b done at 3.0");
    assertThat(b.get().cancelled()).isFalse();
    assertThat(b.get().result()).isEqualTo("b");
  }

  // test_tasks.py::CoroutineGatherTests::test_exception_marking
  @Test
  void laterExceptionsAreMarkedRetrieved() {
    gatherTwoFailingChildren();
    dropFailedFuture("control");
    collectUntilReported("control");
    assertThat(reportedMessages()).containsExactly("control");
  }

  private void gatherTwoFailingChildren() {
    Future<Void> a = loop.createFuture();
    Future<Void> b = loop.createFuture();
    Task<List<String>> f =
        loop.createTask(
            gather(
                a.then(Mono.<String>error(new IllegalStateException("should not be ignored a"))),
                b.then(Mono.<String>error(new IllegalStateException("should not be ignored b")))));
    runLoop();
    a.setResult(null);
    runLoop();
    b.setResult(null);
    runLoop();
    assertThat(f.exception()).hasMessage("should not be ignored a");
  }

  // ---------------------------------------------------------------- cancelled children

  // test_tasks.py::FutureGatherTests::test_one_cancellation
  @Test
  void aCancelledChildFailsTheGatherWithCancelledErrorWithoutCancellingTheAwaiter() {
    List<Future<Integer>> fs = futures(5);
    Task<String> g =
        loop.createTask(
            gather(List.<Mono<Integer>>copyOf(fs))
                .map(List::toString)
                .onErrorResume(
                    CancelledError.class,
                    e -> Mono.just("caught CancelledError(" + e.getMessage() + ")")));
    fs.get(0).setResult(1);
    fs.get(1).cancel("b cancelled");
    runLoop();
    assertThat(g.done()).isTrue();
    // The gather raised CancelledError, but nobody asked the awaiting task to cancel: it handled
    // the error like any other and carried on (asyncio: the outer future is not cancelled()).
    assertThat(g.result()).isEqualTo("caught CancelledError(b cancelled)");
    assertThat(g.cancelled()).isFalse();
    assertThat(g.cancelling()).isZero();

    // Does nothing
    fs.get(2).setResult(3);
    fs.get(3).cancel();
    fs.get(4).setException(new IllegalStateException());
    fs.get(4).exception();
    runLoop();
    assertThat(reports).isEmpty();
  }

  @Test
  void anUncaughtCancelledChildEndsTheAwaitingTaskCancelled() {
    Future<Integer> a = loop.createFuture();
    Task<List<Integer>> g = loop.createTask(gather(a, loop.<Integer>createFuture()));
    runLoop();
    a.cancel("a cancelled");
    runLoop();
    assertThat(g.cancelled()).isTrue();
    assertThatThrownBy(g::result).isInstanceOf(CancelledError.class).hasMessage("a cancelled");
  }

  // test_tasks.py::FutureGatherTests::test_result_exception_one_cancellation
  @Test
  void returnExceptionsGivesACancelledChildItsCancelledError() {
    List<Future<Integer>> fs = futures(6);
    Task<List<Outcome<Integer>>> g =
        loop.createTask(gatherReturnExceptions(List.<Mono<Integer>>copyOf(fs)));
    fs.get(0).setResult(1);
    ArithmeticException zde = new ArithmeticException("/ by zero");
    fs.get(1).setException(zde);
    fs.get(2).cancel("c cancelled");
    runLoop();
    assertThat(g.done()).isFalse();

    fs.get(3).setResult(3);
    fs.get(4).cancel();
    IllegalStateException rte = new IllegalStateException("rte");
    fs.get(5).setException(rte);
    runLoop();
    List<Outcome<Integer>> r = g.result();
    assertThat(r.get(0).get()).isEqualTo(1);
    assertThat(r.get(1).exception()).isSameAs(zde);
    assertThat(r.get(2).exception()).isInstanceOf(CancelledError.class).hasMessage("c cancelled");
    assertThat(r.get(3).get()).isEqualTo(3);
    assertThat(r.get(4).exception()).isInstanceOf(CancelledError.class).hasMessage(null);
    assertThat(r.get(5).exception()).isSameAs(rte);
    assertThat(g.cancelled()).isFalse();
  }

  // ---------------------------------------------------------------- cancelling the gather

  // test_tasks.py::CoroutineGatherTests::test_cancellation_broadcast
  @Test
  void cancellingTheAwaitingTaskCancelsEveryUnfinishedChild() {
    AtomicInteger proof = new AtomicInteger();
    Future<Void> waiter = loop.createFuture();
    Mono<Void> inner = waiter.then(Mono.fromRunnable(proof::incrementAndGet));
    Task<Void> child1 = loop.createTask(inner);
    Task<Void> child2 = loop.createTask(inner);
    Task<Void> outer =
        loop.createTask(gather(child1, child2).then(Mono.fromRunnable(() -> proof.addAndGet(100))));
    runLoop();
    assertThat(outer.cancel()).isTrue();
    assertThatThrownBy(() -> loop.runUntilComplete(outer)).isInstanceOf(CancelledError.class);
    assertThat(waiter.cancelled()).isTrue();
    assertThat(child1.cancelled()).isTrue();
    assertThat(child2.cancelled()).isTrue();
    runLoop();
    assertThat(proof).hasValue(0);
  }

  // test_tasks.py::BaseTaskTests::test_cancel_gather_2 (bpo-32684: CancelledError even with
  // return_exceptions=True, and the message round-trips)
  @ParameterizedTest(name = "msg={0}")
  @NullSource
  @ValueSource(strings = {"my message"})
  void aCancelledGatherRaisesCancelledErrorEvenWithReturnExceptions(String msg) {
    AtomicReference<Task<Void>> qwe = new AtomicReference<>();
    Mono<Void> main =
        Mono.defer(
            () -> {
              qwe.set(createTask(gatherSleepsForASecond(new double[] {0})));
              return sleep(Duration.ofMillis(200))
                  .then(Mono.fromRunnable(() -> qwe.get().cancel(msg)))
                  .then(qwe.get());
            });
    assertThatThrownBy(() -> run(main)).isInstanceOf(CancelledError.class).hasMessage(msg);
    assertThat(qwe.get().cancelled()).isTrue();
    assertThat(loop.time()).isEqualTo(0.2);
  }

  /** The test coroutine of test_cancel_gather_2: gathers a short sleep until a second passed. */
  private static Mono<Void> gatherSleepsForASecond(double[] time) {
    return gatherReturnExceptions(List.of(sleep(Duration.ofMillis(50))))
        .then(
            Mono.defer(
                () -> {
                  time[0] += 0.05;
                  return time[0] > 1 ? Mono.<Void>empty() : gatherSleepsForASecond(time);
                }));
  }

  // Rule T3 through the gather: children cancelled before their first step never run.
  @Test
  void cancellingTheGatherBeforeItsChildrenStartedKeepsThemFromRunning() {
    Mono<String> child = Mono.fromCallable(() -> log.add("ran")).thenReturn("x");
    String r =
        run(
            Mono.defer(
                () -> {
                  Task<List<String>> t =
                      createTask(
                          gather(child, child.map(v -> v))
                              .doOnSubscribe(s -> log.add("gather subscribed")));
                  // t subscribes the gather (creating its children) one iteration from now; we
                  // resume right after it, before the children's first step.
                  return sleep(0)
                      .then(Mono.fromRunnable(() -> t.cancel("early")))
                      .then(t)
                      .map(List::toString)
                      .onErrorResume(
                          CancelledError.class, e -> Mono.just("t raised " + e.getMessage()));
                }));
    assertThat(r).isEqualTo("t raised early");
    assertThat(log).as("the children never ran").containsExactly("gather subscribed");
  }

  @Test
  void theCancelMessageReachesTheChildren() {
    Mono<String> child =
        sleep(Duration.ofSeconds(10), "x")
            .onErrorResume(
                CancelledError.class,
                e -> {
                  log("child got CancelledError(" + e.getMessage() + ")");
                  return Mono.error(e);
                });
    AtomicReference<Task<List<String>>> g = new AtomicReference<>();
    String r =
        run(
            Mono.defer(
                () -> {
                  g.set(createTask(gather(child, child.map(v -> v))));
                  return sleep(Duration.ofSeconds(1))
                      .then(Mono.fromRunnable(() -> g.get().cancel("bye")))
                      .then(g.get())
                      .map(List::toString)
                      .onErrorResume(
                          CancelledError.class, e -> Mono.just("gather raised " + e.getMessage()));
                }));
    assertThat(r).isEqualTo("gather raised bye");
    assertThat(log)
        .containsExactly(
            "child got CancelledError(bye) at 1.0", "child got CancelledError(bye) at 1.0");
  }

  @Test
  void aReactorCancelOfTheGatherCancelsItsChildren() {
    AtomicReference<Task<String>> a = new AtomicReference<>();
    Boolean aCancelled =
        run(
            Mono.defer(
                () -> {
                  a.set(createTask(sleeperLoggingItsCancellation("a")));
                  return gather(a.get(), sleeperLoggingItsCancellation("b"))
                      .takeUntilOther(sleep(Duration.ofSeconds(1), 0L))
                      .doOnSuccess(v -> log("gather gave " + v))
                      .then(sleep(Duration.ofSeconds(1)))
                      .then(Mono.fromCallable(() -> a.get().cancelled()));
                }));
    assertThat(aCancelled).isTrue();
    assertThat(log)
        .containsExactly("gather gave null at 1.0", "a cancelled at 1.0", "b cancelled at 1.0");
  }

  private Mono<String> sleeperLoggingItsCancellation(String name) {
    return sleep(Duration.ofSeconds(10), name)
        .onErrorResume(
            CancelledError.class,
            e -> {
              log(name + " cancelled");
              return Mono.error(e);
            });
  }

  // test_tasks.py::BaseTaskTests::test_cancel_gather_1 (bpo-26923: gather must not drop a
  // cancellation that arrives after its children are done)
  @Test
  void aCancelAfterTheChildrenFinishedIsNotDroppedAndLeavesThemAlone() {
    Future<Integer> fut = loop.createFuture();
    Task<Integer> child = loop.createTask(fut.map(v -> v));
    Task<List<Integer>> gatherTask = loop.createTask(gather(child));
    runLoop();
    AtomicReference<Boolean> cancelResult = new AtomicReference<>();
    // Runs after the child's wake-up, before the gather hears the child is done.
    fut.addDoneCallback(f -> cancelResult.set(gatherTask.cancel()));
    fut.setResult(42);
    assertThatThrownBy(() -> loop.runUntilComplete(gatherTask)).isInstanceOf(CancelledError.class);
    assertThat(cancelResult.get()).isTrue();
    assertThat(gatherTask.cancelled()).isTrue();
    assertThat(child.cancelled()).isFalse();
    assertThat(child.result()).isEqualTo(42);
  }

  // ASYNCIO-SEMANTICS.md C1: once the gather is done, cancel() leaves the children alone.
  @Test
  void cancellingTheAwaiterOnceTheGatherFailedLeavesTheChildrenAlone() {
    AtomicReference<Task<String>> b = new AtomicReference<>();
    AtomicReference<Task<List<String>>> t = new AtomicReference<>();
    String r =
        run(
            Mono.defer(
                () -> {
                  Task<String> a =
                      createTask(
                          sleep(Duration.ofSeconds(1))
                              .then(Mono.<String>error(new IllegalStateException("a"))));
                  b.set(createTask(sleep(Duration.ofSeconds(3), "b").doOnNext(v -> log("b done"))));
                  t.set(createTask(gather(a, b.get())));
                  return sleep(0)
                      .then(
                          Mono.fromRunnable(
                              // Registered after the gather's own callback: it runs once the
                              // gather has failed but before the task awaiting it resumes.
                              () -> a.addDoneCallback(x -> log("cancel t " + t.get().cancel()))))
                      .then(t.get())
                      .map(List::toString)
                      .onErrorResume(
                          CancelledError.class,
                          e -> Mono.fromRunnable(() -> log("t cancelled")).thenReturn("t"))
                      .then(b.get());
                }));
    assertThat(r).isEqualTo("b");
    assertThat(log).containsExactly("cancel t true at 1.0", "t cancelled at 1.0", "b done at 3.0");
    assertThat(t.get().cancelled()).isTrue();
    assertThat(b.get().cancelled()).isFalse();
  }

  // asyncio's Task.__wakeup reads the gather's result before __step replaces it with the late
  // CancelledError, so the gather's exception counts as retrieved (CPython 3.13, exp).
  @Test
  void aGatherFailureReplacedByALateCancelOfItsAwaiterIsNotReported() {
    gatherFailsThenItsAwaiterIsCancelledBeforeResuming("subject");
    dropFailedFuture("control");
    collectUntilReported("control");
    assertThat(reportedMessages()).containsExactly("control");
  }

  private void gatherFailsThenItsAwaiterIsCancelledBeforeResuming(String message) {
    Future<Integer> a = loop.createFuture();
    Task<List<Integer>> t = loop.createTask(gather(a, loop.<Integer>createFuture()));
    runLoop();
    a.setException(new IllegalStateException(message));
    // Runs after the gather's own callback: the gather has failed, t has not resumed yet.
    a.addDoneCallback(x -> t.cancel("late"));
    assertThatThrownBy(() -> loop.runUntilComplete(t))
        .isInstanceOf(CancelledError.class)
        .hasMessage("late");
  }

  // ---------------------------------------------------------------- starting

  @Test
  void childrenStartInArgumentOrderAfterTheSubscriberYields() {
    Mono<List<String>> g =
        gather(
            started("1", Duration.ofSeconds(3)),
            started("2", Duration.ofSeconds(1)),
            started("3", Duration.ZERO));
    List<String> r =
        run(
            Mono.defer(
                    () -> {
                      log("assembled");
                      return sleep(Duration.ofSeconds(1));
                    })
                .then(
                    Mono.defer(
                        () -> {
                          Asyncio.getRunningLoop().callSoon(() -> log("queued before"));
                          log("subscribing");
                          return g;
                        })));
    assertThat(r).containsExactly("1", "2", "3");
    assertThat(log)
        .containsExactly(
            "assembled at 0.0",
            "subscribing at 1.0",
            "queued before at 1.0",
            "1 started at 1.0",
            "2 started at 1.0",
            "3 started at 1.0");
  }

  private Mono<String> started(String name, Duration runFor) {
    return Mono.fromRunnable(() -> log(name + " started")).then(sleep(runFor, name));
  }

  // test_tasks.py::FutureGatherTests::test_constructor_heterogenous_futures
  @Test
  void aFutureOfAnotherLoopIsRejectedBeforeAnyChildStarts() {
    VirtualTimeEventLoop other = VirtualTimeEventLoop.create();
    try {
      Future<String> foreign = other.createFuture();
      String r =
          run(
              gather(Mono.fromCallable(() -> log.add("started")).thenReturn("x"), foreign)
                  .map(List::toString)
                  .onErrorResume(
                      IllegalArgumentException.class,
                      e -> sleep(Duration.ofSeconds(1), e.getMessage())));
      assertThat(r)
          .isEqualTo(
              "The future belongs to a different loop than the one specified as the loop argument");
      assertThat(log).as("no child was started").isEmpty();
    } finally {
      other.close();
    }
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void nullsAreRejectedNamingTheArgument() {
    assertThatThrownBy(() -> gather((List<Mono<Integer>>) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aws");
    assertThatThrownBy(() -> gather((Mono<Integer>[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aws");
    assertThatThrownBy(() -> gather(Mono.just(1), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aws must not contain null");
    assertThatThrownBy(() -> gatherReturnExceptions(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aws");
    assertThatThrownBy(() -> gatherReturnExceptions(Arrays.asList(Mono.just(1), null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aws must not contain null");
  }

  // ---------------------------------------------------------------- unretrieved exceptions

  private void dropFailedFuture(String message) {
    loop.createFuture().setException(new IllegalStateException(message));
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
}
