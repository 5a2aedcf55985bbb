package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.util.RaceTestUtils;

/** Rules F1, F2, F4, F5 and F6: a future's states, errors, done callbacks and awaiting. */
class FutureTest {
  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<String> log = new ArrayList<>();

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  /** asyncio's test_utils.run_briefly: run a no-op task to completion, a couple of iterations. */
  private void runBriefly() {
    loop.runUntilComplete(Mono.empty());
  }

  private Consumer<Future<String>> appender(String thing) {
    return f -> log.add(thing);
  }

  // ---------------------------------------------------------------- F1, F2: states and errors

  @Test
  void newFutureIsPendingAndNotCancelled() {
    // test_futures.py::BaseFutureTests::test_initial_state
    Future<String> f = loop.createFuture();
    assertThat(f.done()).isFalse();
    assertThat(f.cancelled()).isFalse();
    assertThat(f.getLoop()).isSameAs(loop);
    f.cancel();
    assertThat(f.cancelled()).isTrue();
  }

  @Test
  void cancelledFutureIsDoneAndRejectsEverythingElse() {
    // test_futures.py::BaseFutureTests::test_cancel
    Future<String> f = loop.createFuture();
    assertThat(f.cancel()).isTrue();
    assertThat(f.cancelled()).isTrue();
    assertThat(f.done()).isTrue();
    assertThatThrownBy(f::result).isExactlyInstanceOf(CancelledError.class);
    assertThatThrownBy(f::exception).isExactlyInstanceOf(CancelledError.class);
    assertThatThrownBy(() -> f.setResult("x"))
        .isExactlyInstanceOf(InvalidStateError.class)
        .hasMessage("invalid state");
    assertThatThrownBy(() -> f.setException(new RuntimeException()))
        .isExactlyInstanceOf(InvalidStateError.class)
        .hasMessage("invalid state");
    assertThat(f.cancel()).isFalse();
    assertThat(f.cancel("again")).isFalse();
  }

  @Test
  void resultAndExceptionOfCancelledFutureRaiseCancelledErrorWithTheMessage() {
    // test_futures.py::BaseFutureTests::test_future_cancel_message_getter
    Future<String> f = loop.createFuture();
    assertThat(f.cancel("my message")).isTrue();
    assertThatThrownBy(f::result).isInstanceOf(CancelledError.class).hasMessage("my message");
    assertThatThrownBy(f::exception).isInstanceOf(CancelledError.class).hasMessage("my message");
    assertThatThrownBy(() -> loop.runUntilComplete(f))
        .isInstanceOf(CancelledError.class)
        .hasMessage("my message");
  }

  @Test
  void resultOfPendingFutureIsNotSetThenTheValueOnceSet() {
    // test_futures.py::BaseFutureTests::test_result
    Future<Integer> f = loop.createFuture();
    assertThatThrownBy(f::result)
        .isExactlyInstanceOf(InvalidStateError.class)
        .hasMessage("Result is not set.");

    f.setResult(42);
    assertThat(f.cancelled()).isFalse();
    assertThat(f.done()).isTrue();
    assertThat(f.result()).isEqualTo(42);
    assertThat(f.exception()).isNull();
    assertThatThrownBy(() -> f.setResult(null))
        .isExactlyInstanceOf(InvalidStateError.class)
        .hasMessage("invalid state");
    assertThatThrownBy(() -> f.setException(new RuntimeException()))
        .isExactlyInstanceOf(InvalidStateError.class)
        .hasMessage("invalid state");
    assertThat(f.cancel()).isFalse();
    assertThat(f.cancelled()).isFalse();
    assertThat(f.result()).isEqualTo(42);
  }

  @Test
  void exceptionOfPendingFutureIsNotSetThenTheExceptionOnceSet() {
    // test_futures.py::BaseFutureTests::test_exception
    RuntimeException exc = new RuntimeException("boom");
    Future<Integer> f = loop.createFuture();
    assertThatThrownBy(f::exception)
        .isExactlyInstanceOf(InvalidStateError.class)
        .hasMessage("Exception is not set.");

    f.setException(exc);
    assertThat(f.cancelled()).isFalse();
    assertThat(f.done()).isTrue();
    assertThatThrownBy(f::result).isSameAs(exc);
    assertThat(f.exception()).isSameAs(exc);
    assertThatThrownBy(() -> f.setResult(1))
        .isExactlyInstanceOf(InvalidStateError.class)
        .hasMessage("invalid state");
    assertThatThrownBy(() -> f.setException(new RuntimeException()))
        .isExactlyInstanceOf(InvalidStateError.class)
        .hasMessage("invalid state");
    assertThat(f.cancel()).isFalse();
    assertThat(f.exception()).isSameAs(exc);
  }

  @Test
  void resultRethrowsACheckedExceptionWrappedAsReactorDoes() {
    IOException exc = new IOException("disk");
    Future<Integer> f = loop.createFuture();
    f.setException(exc);
    assertThat(f.exception()).isSameAs(exc);
    assertThatThrownBy(f::result).isInstanceOf(RuntimeException.class).hasCause(exc);
  }

  @Test
  void cancelReturnsTrueOnlyWhilePending() {
    // test_futures.py::BaseFutureTests::test_cancel / test_result / test_exception
    Future<String> withResult = loop.createFuture();
    withResult.setResult("done");
    Future<String> withException = loop.createFuture();
    withException.setException(new IllegalStateException("x"));
    Future<String> pending = loop.createFuture();

    assertThat(withResult.cancel("no")).isFalse();
    assertThat(withException.cancel("no")).isFalse();
    assertThat(pending.cancel("yes")).isTrue();
    assertThat(pending.cancel("yes again")).isFalse();

    assertThat(withResult.cancelled()).isFalse();
    assertThat(withResult.result()).isEqualTo("done");
    assertThat(withException.cancelled()).isFalse();
    assertThat(withException.exception()).hasMessage("x");
    assertThatThrownBy(pending::result).hasMessage("yes");
  }

  @Test
  void completingTwiceFromACallbackRaisesInvalidStateAndTheLoopStaysUsable() {
    List<Map<String, Object>> reports = new ArrayList<>();
    loop.setExceptionHandler((l, context) -> reports.add(context));
    Future<String> f = loop.createFuture();
    f.addDoneCallback(appender("cb"));
    loop.callSoon(() -> f.setResult("first"));
    loop.callSoon(() -> f.setResult("second"));
    loop.callSoon(() -> log.add("after"));

    runBriefly();

    assertThat(f.result()).isEqualTo("first");
    assertThat(log).containsExactly("after", "cb");
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0).get("exception"))
        .isInstanceOf(InvalidStateError.class)
        .extracting(e -> ((Throwable) e).getMessage())
        .isEqualTo("invalid state");
    assertThat(loop.runUntilComplete(Mono.just("still usable"))).isEqualTo("still usable");
  }

  @Test
  void nullArgumentsAreRejectedNamingTheArgumentAndLeaveTheFutureUsable() {
    Future<String> f = loop.createFuture();
    assertThatThrownBy(() -> f.addDoneCallback(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fn");
    assertThatThrownBy(() -> f.removeDoneCallback(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fn");
    assertThatThrownBy(() -> f.setException(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("exception");
    assertThat(f.done()).isFalse();
    f.setResult("ok");
    assertThat(f.result()).isEqualTo("ok");
  }

  @Test
  void reprShowsStateCallbacksAndOutcome() {
    // test_futures.py::BaseFutureTests::test_future_repr
    Future<Integer> f = loop.createFuture();
    assertThat(f).hasToString("<Future pending>");
    f.addDoneCallback(x -> {});
    f.addDoneCallback(x -> {});
    assertThat(f).hasToString("<Future pending cb=[2]>");
    f.setResult(42);
    assertThat(f).hasToString("<Future finished result=42>");

    Future<Integer> failed = loop.createFuture();
    failed.setException(new IllegalStateException("boom"));
    assertThat(failed)
        .hasToString("<Future finished exception=java.lang.IllegalStateException: boom>");

    Future<Integer> cancelled = loop.createFuture();
    cancelled.cancel();
    assertThat(cancelled).hasToString("<Future cancelled>");
  }

  // ---------------------------------------------------------------- thread safety

  @Test
  void racingCompletionsFromTwoThreadsHaveExactlyOneWinner() {
    // Unlike asyncio's, this future may be completed from any thread: one completion wins, the
    // other gets InvalidStateError, and the callback runs once with the winner's outcome.
    for (int i = 0; i < 500; i++) {
      Future<String> f = loop.createFuture();
      List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
      f.addDoneCallback(x -> outcomes.add("cb " + (x.cancelled() ? "cancelled" : x.result())));
      RaceTestUtils.race(
          () -> outcomes.add(tryComplete(() -> f.setResult("a"))),
          () -> outcomes.add(tryComplete(() -> assertThat(f.cancel()).isTrue())));
      runBriefly();
      assertThat(outcomes).hasSize(3).containsOnlyOnce("won").containsOnlyOnce("invalid state");
      assertThat(outcomes.get(2)).isEqualTo(f.cancelled() ? "cb cancelled" : "cb a");
    }
  }

  private static String tryComplete(Runnable completion) {
    try {
      completion.run();
      return "won";
    } catch (InvalidStateError e) {
      return e.getMessage();
    } catch (AssertionError cancelReturnedFalse) {
      return "invalid state";
    }
  }

  @Test
  void aCallbackAddedWhileAnotherThreadCompletesRunsExactlyOnce() {
    for (int i = 0; i < 500; i++) {
      Future<String> f = loop.createFuture();
      List<String> runs = Collections.synchronizedList(new ArrayList<>());
      RaceTestUtils.race(
          () -> f.addDoneCallback(x -> runs.add(x.result())), () -> f.setResult("v"));
      runBriefly();
      assertThat(runs).containsExactly("v");
    }
  }

  // ---------------------------------------------------------------- F4, F5: done callbacks

  @Test
  void doneCallbacksRunOnTheLoopInRegistrationOrderNeverSynchronously() {
    // test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_invoked_on_set_result
    Future<String> f = loop.createFuture();
    f.addDoneCallback(appender("42"));
    f.addDoneCallback(appender("17"));
    f.setResult("foo");
    assertThat(log).isEmpty();

    runBriefly();

    assertThat(log).containsExactly("42", "17");
    assertThat(f.result()).isEqualTo("foo");
  }

  @Test
  void doneCallbacksRunOnSetExceptionAndOnCancel() {
    // test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_invoked_on_set_exception
    Future<String> failed = loop.createFuture();
    failed.addDoneCallback(f -> log.add("failed " + f.exception().getMessage()));
    Future<String> cancelled = loop.createFuture();
    cancelled.addDoneCallback(f -> log.add("cancelled " + f.cancelled()));
    failed.setException(new RuntimeException("boom"));
    cancelled.cancel();
    assertThat(log).isEmpty();

    runBriefly();

    assertThat(log).containsExactly("failed boom", "cancelled true");
  }

  @Test
  void doneCallbacksInterleaveFifoWithOtherCallSoonWork() {
    // ASYNCIO-SEMANTICS F4 exp: call_soon(x), complete f2, complete f1, call_soon(y)
    Future<String> f1 = loop.createFuture();
    Future<String> f2 = loop.createFuture();
    f1.addDoneCallback(appender("f1-cb1"));
    f1.addDoneCallback(appender("f1-cb2"));
    f2.addDoneCallback(appender("f2-cb1"));
    f2.addDoneCallback(appender("f2-cb2"));
    loop.callSoon(
        () -> {
          loop.callSoon(() -> log.add("x"));
          f2.setResult("2");
          f1.cancel();
          loop.callSoon(() -> log.add("y"));
        });

    runBriefly();

    assertThat(log).containsExactly("x", "f2-cb1", "f2-cb2", "f1-cb1", "f1-cb2", "y");
  }

  @Test
  void callbackAddedAfterDoneIsScheduledWithCallSoonInOrder() {
    // ASYNCIO-SEMANTICS F4: add_done_callback on a done future also goes through call_soon
    Future<String> f = loop.createFuture();
    f.setResult("done");
    loop.callSoon(
        () -> {
          loop.callSoon(() -> log.add("a"));
          f.addDoneCallback(appender("late-cb"));
          assertThat(log).isEmpty(); // not called synchronously
          loop.callSoon(() -> log.add("b"));
        });

    runBriefly();

    assertThat(log).containsExactly("a", "late-cb", "b");
  }

  @Test
  void eachDoneCallbackRunsExactlyOnce() {
    Future<String> f = loop.createFuture();
    f.addDoneCallback(appender("cb"));
    f.setResult("x");
    assertThat(f.cancel()).isFalse();
    runBriefly();
    runBriefly();
    assertThat(log).containsExactly("cb");
  }

  @Test
  void doneCallbackErrorGoesToTheExceptionHandlerAndTheNextCallbackStillRuns() {
    List<Map<String, Object>> reports = new ArrayList<>();
    loop.setExceptionHandler((l, context) -> reports.add(context));
    Future<String> f = loop.createFuture();
    IllegalStateException boom = new IllegalStateException("cb failed");
    f.addDoneCallback(
        x -> {
          throw boom;
        });
    f.addDoneCallback(appender("second"));
    f.setResult("x");

    runBriefly();

    assertThat(log).containsExactly("second");
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0).get("exception")).isSameAs(boom);
    assertThat((String) reports.get(0).get("message")).startsWith("Exception in callback ");
  }

  @Test
  void removingTheFirstCallbackKeepsTheOthersInOrder() {
    // test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_remove_first_callback
    Future<String> f = loop.createFuture();
    Consumer<Future<String>> cb1 = appender("42");
    Consumer<Future<String>> cb2 = appender("17");
    Consumer<Future<String>> cb3 = appender("100");
    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);
    f.addDoneCallback(cb3);
    assertThat(f.removeDoneCallback(cb1)).isEqualTo(1);
    assertThat(f.removeDoneCallback(cb1)).isZero();
    f.setResult("foo");

    runBriefly();

    assertThat(log).containsExactly("17", "100");
  }

  @Test
  void removingTheFirstAndSecondOrTheThirdCallback() {
    // test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_remove_first_and_second_callback
    // and test_callbacks_remove_third_callback
    Future<String> f = loop.createFuture();
    Future<String> g = loop.createFuture();
    Consumer<Future<String>> cb1 = appender("42");
    Consumer<Future<String>> cb2 = appender("17");
    Consumer<Future<String>> cb3 = appender("100");
    for (Future<String> x : List.of(f, g)) {
      x.addDoneCallback(cb1);
      x.addDoneCallback(cb2);
      x.addDoneCallback(cb3);
    }
    f.removeDoneCallback(cb1);
    f.removeDoneCallback(cb2);
    f.removeDoneCallback(cb1);
    g.removeDoneCallback(cb3);
    g.removeDoneCallback(cb3);
    f.setResult("f");
    runBriefly();
    assertThat(log).containsExactly("100");

    log.clear();
    g.setResult("g");
    runBriefly();
    assertThat(log).containsExactly("42", "17");
  }

  @Test
  void removeDoneCallbackRemovesEveryEqualRegistrationAndCountsThem() {
    // test_futures.py::BaseFutureDoneCallbackTests::test_remove_done_callback
    Future<String> f = loop.createFuture();
    Consumer<Future<String>> cb1 = appender("1");
    Consumer<Future<String>> cb2 = appender("2");
    Consumer<Future<String>> cb3 = appender("3");
    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);
    assertThat(f.removeDoneCallback(cb2)).isEqualTo(1);
    assertThat(f.removeDoneCallback(cb3)).isZero();
    f.addDoneCallback(cb2);
    for (int i = 0; i < 5; i++) {
      f.addDoneCallback(cb1);
    }
    assertThat(f.removeDoneCallback(cb1)).isEqualTo(6);
    f.setResult("foo");

    runBriefly();

    assertThat(log).containsExactly("2");
  }

  @Test
  void removeDoneCallbackAfterDoneRemovesNothingAlreadyScheduled() {
    Future<String> f = loop.createFuture();
    Consumer<Future<String>> cb = appender("cb");
    f.addDoneCallback(cb);
    f.setResult("x");
    assertThat(f.removeDoneCallback(cb)).isZero();
    runBriefly();
    assertThat(log).containsExactly("cb");
  }

  // ---------------------------------------------------------------- F6: awaiting

  @Test
  void awaitingADoneFutureDoesNotSuspend() {
    // ASYNCIO-SEMANTICS F6: no loop runs here, yet the subscriber gets the value at once.
    Future<String> f = loop.createFuture();
    f.setResult("ready");
    AtomicReference<String> got = new AtomicReference<>();
    f.subscribe(got::set);
    assertThat(got).hasValue("ready");
    StepVerifier.create(f).expectNext("ready").verifyComplete();
  }

  @Test
  void awaitingADoneFutureInsideATaskRunsBeforeCallbacksAlreadyQueued() {
    // ASYNCIO-SEMANTICS F6 / T2: `await done_future` is not a scheduling point
    Future<String> done = loop.createFuture();
    done.setResult("v");
    String r =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  loop.callSoon(() -> log.add("queued"));
                  return done.doOnNext(v -> log.add("awaited " + v));
                }));
    assertThat(r).isEqualTo("v");
    assertThat(log).containsExactly("awaited v", "queued");
  }

  @Test
  void awaiterOfAPendingFutureResumesOnTheLoopAsOneCallbackInFifoOrder() {
    // ASYNCIO-SEMANTICS F4: an awaiter is a done callback like any other
    Future<String> f = loop.createFuture();
    f.subscribe(v -> log.add("awaiter " + v));
    f.addDoneCallback(appender("cb"));
    loop.callSoon(
        () -> {
          loop.callSoon(() -> log.add("before"));
          f.setResult("v");
          assertThat(log).isEmpty();
          loop.callSoon(() -> log.add("after"));
        });

    runBriefly();

    assertThat(log).containsExactly("before", "awaiter v", "cb", "after");
  }

  @Test
  void awaitersReceiveTheExceptionOrCancelledError() {
    Future<String> failed = loop.createFuture();
    Future<String> cancelled = loop.createFuture();
    failed.subscribe(v -> log.add("value"), e -> log.add("failed " + e.getMessage()));
    cancelled.subscribe(
        v -> log.add("value"), e -> log.add(e.getClass().getSimpleName() + " " + e.getMessage()));
    failed.setException(new IllegalArgumentException("bad"));
    cancelled.cancel("stop");

    runBriefly();

    assertThat(log).containsExactly("failed bad", "CancelledError stop");
  }

  @Test
  void nullResultCompletesAwaitersEmpty() {
    Future<String> f = loop.createFuture();
    f.setResult(null);
    assertThat(f.result()).isNull();
    StepVerifier.create(f).verifyComplete();
    assertThat(loop.runUntilComplete(f)).isNull();
  }

  @Test
  void reactorCancelOfOneSubscriptionOnlyUnsubscribesFromAPlainFuture() {
    // A Reactor cancel is not Future.cancel(): the shared future stays pending for others.
    Future<String> f = loop.createFuture();
    Disposable first = f.subscribe(v -> log.add("first " + v));
    f.subscribe(v -> log.add("second " + v));
    assertThat(f).hasToString("<Future pending cb=[2]>");

    first.dispose();

    assertThat(f.cancelled()).isFalse();
    assertThat(f).hasToString("<Future pending cb=[1]>");
    f.setResult("v");
    runBriefly();
    assertThat(log).containsExactly("second v");
  }
}
