package io.github.asyncio4j;

import static io.github.asyncio4j.EventLoopOrderingTest.runOnce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Running, stopping and closing a loop, and its errors (asyncio's L6, L7, the end of L9), and bad
 * input (DESIGN.md "Bad input").
 */
class EventLoopLifecycleTest {

  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<Object> log = new ArrayList<>();

  // ---------------------------------------------------------------- L6 stop / runForever

  // test_base_events.py::BaseEventLoopTests::test_run_forever_pre_stopped
  @Test
  void stopBeforeRunForeverRunsExactlyOneIterationWithoutWaiting() {
    loop.callSoon(
        () -> {
          log.add("A");
          loop.callSoon(() -> log.add("B"));
        });
    loop.callLater(10, () -> log.add("timer"));
    loop.stop();
    loop.runForever();

    assertThat(log).containsExactly("A");
    assertThat(loop.time()).as("the clock did not wait for the timer").isZero();
    assertThat(loop.isRunning()).isFalse();

    runOnce(loop);
    assertThat(log).containsExactly("A", "B");
  }

  // test_base_events.py::BaseEventLoopTests::test_run_once, L6 exp
  @Test
  void stopFinishesTheCurrentIterationAndWhatItScheduledRunsOnTheNextRun() {
    loop.callSoon(
        () -> {
          log.add("A");
          loop.stop();
          loop.callSoon(() -> log.add("next run"));
        });
    loop.callSoon(() -> log.add("B")); // same snapshot as A: runs although stop() came first
    loop.runForever();
    assertThat(log).containsExactly("A", "B");

    loop.callSoon(loop::stop);
    loop.runForever();
    assertThat(log).containsExactly("A", "B", "next run");
  }

  @Test
  void aLoopCanRunManyTimes() {
    for (int i = 0; i < 3; i++) {
      int n = i;
      String r = loop.runUntilComplete(loop.sleep(Duration.ofSeconds(1), "run " + n));
      log.add(r);
    }
    assertThat(log).containsExactly("run 0", "run 1", "run 2");
    assertThat(loop.time()).isEqualTo(3.0);
  }

  @Test
  void runningIsTheLoopOfTheCurrentThreadOnlyWhileItRuns() {
    loop.callSoon(() -> log.add(EventLoop.running()));
    runOnce(loop);
    assertThat(log).containsExactly(loop);

    assertThatThrownBy(EventLoop::running)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no running event loop");
    assertThat(EventLoop.runningOrNull()).isNull();
  }

  // ---------------------------------------------------------------- L7 run errors

  // test_base_events.py::RunningLoopTests::test_running_loop_within_a_loop
  @Test
  void runningARunningLoopAgainFails() {
    List<Executable> reentrant =
        List.of(loop::runForever, () -> loop.runUntilComplete(Mono.just(1)));
    for (Executable run : reentrant) {
      loop.callSoon(() -> log.add(thrown(run)));
    }
    runOnce(loop);

    assertThat(log)
        .containsExactly(
            "IllegalStateException: This event loop is already running",
            "IllegalStateException: This event loop is already running");
  }

  @Test
  void runningALoopWhileAnotherRunsOnThisThreadFails() {
    VirtualTimeEventLoop other = VirtualTimeEventLoop.create();
    other.callSoon(() -> log.add("other ran"));
    loop.callSoon(() -> log.add(thrown(other::runForever)));
    loop.callSoon(() -> log.add(thrown(() -> other.runUntilComplete(Mono.just(1)))));
    runOnce(loop);

    assertThat(log)
        .containsExactly(
            "IllegalStateException: Cannot run the event loop while another loop is running",
            "IllegalStateException: Cannot run the event loop while another loop is running");
    runOnce(other); // left usable
    assertThat(log).endsWith("other ran");
  }

  @Test
  @Timeout(10)
  void runningALoopThatRunsOnAnotherThreadFails() {
    EventLoop threaded = EventLoop.newThreadEventLoop("lifecycle-loop");
    try {
      threaded.submit(Mono.just(1)).join(); // it runs now
      assertThatThrownBy(threaded::runForever)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("This event loop is already running");
      assertThatThrownBy(() -> threaded.runUntilComplete(Mono.just(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("This event loop is already running");
      assertThatThrownBy(threaded::close)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Cannot close a running event loop");
      assertThat(threaded.submit(Mono.just("still running")).join()).isEqualTo("still running");
    } finally {
      threaded.dispose();
    }
  }

  // test_events.py::EventLoopTestsMixin::test_run_until_complete_stopped
  @Test
  void runUntilCompleteFailsWhenTheLoopStopsFirst() {
    Future<String> never = loop.createFuture();
    loop.callSoon(loop::stop);

    assertThatThrownBy(() -> loop.runUntilComplete(never))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Event loop stopped before Future completed.");
    assertThat(never.done()).isFalse();

    // The future was not left with a stale stop callback: completing it later stops nothing.
    loop.callSoon(() -> never.setResult("done"));
    loop.callSoon(() -> loop.callSoon(() -> log.add("after")));
    loop.callLater(1, loop::stop);
    loop.runForever();
    assertThat(log).containsExactly("after");
    assertThat(loop.time()).isEqualTo(1.0);
  }

  // test_events.py::EventLoopTestsMixin::test_run_until_complete
  @Test
  void runUntilCompleteReturnsTheResultOrThrowsTheError() {
    assertThat(loop.runUntilComplete(loop.sleep(Duration.ofSeconds(2), "r"))).isEqualTo("r");
    Object empty = loop.runUntilComplete(Mono.empty());
    assertThat(empty).isNull();
    assertThatThrownBy(() -> loop.runUntilComplete(Mono.error(new ArithmeticException("boom"))))
        .isInstanceOf(ArithmeticException.class)
        .hasMessage("boom");
    Future<String> cancelled = loop.createFuture();
    cancelled.cancel("why");
    assertThatThrownBy(() -> loop.runUntilComplete(cancelled))
        .isInstanceOf(CancelledError.class)
        .hasMessage("why");
  }

  // test_base_events.py::BaseEventLoopTests::test_run_until_complete_loop
  @Test
  void runUntilCompleteRejectsAFutureOfAnotherLoop() {
    Future<String> foreign = VirtualTimeEventLoop.create().createFuture();

    assertThatThrownBy(() -> loop.runUntilComplete(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "The future belongs to a different loop than the one specified as the loop argument");
  }

  // test_base_events.py::BaseEventLoopTests::test_run_forever_keyboard_interrupt; L9 exp
  @Test
  @SuppressWarnings("try") // the capture is only there to keep Reactor's warning off the console
  void aJvmFatalErrorEscapesTheRunAndTheRestOfTheIterationStaysQueued() {
    LinkageError fatal = new LinkageError("fatal");
    loop.setExceptionHandler((l, context) -> log.add("handler"));
    loop.callSoon(() -> log.add("A"));
    loop.callSoon(
        () -> {
          throw fatal;
        });
    loop.callSoon(() -> log.add("B"));

    try (EventLoopLogCapture logs = new EventLoopLogCapture()) { // Reactor warns about it
      assertThatThrownBy(loop::runForever).isSameAs(fatal);
    }
    assertThat(log).containsExactly("A");
    assertThat(loop.isRunning()).isFalse();

    runOnce(loop);
    assertThat(log).containsExactly("A", "B");
  }

  // ---------------------------------------------------------------- L7 close

  // test_events.py::EventLoopTestsMixin::test_close_running_event_loop
  @Test
  void closingARunningLoopFails() {
    loop.callSoon(() -> log.add(thrown(loop::close)));
    loop.callSoon(() -> log.add("still running"));
    runOnce(loop);

    assertThat(log)
        .containsExactly(
            "IllegalStateException: Cannot close a running event loop", "still running");
    assertThat(loop.isClosed()).isFalse();
  }

  // test_base_events.py::BaseEventLoopTests::test_close
  @Test
  void closeIsIdempotentAndDropsPendingCallbacksAndTimers() {
    loop.callSoon(() -> log.add("callback"));
    loop.callLater(1, () -> log.add("timer"));
    loop.callSoon(() -> loop.callLater(2, () -> log.add("timer in heap")));
    runOnce(loop);
    loop.callSoon(() -> log.add("pending"));
    assertThat(loop.scheduledTimerCount()).isEqualTo(2);

    assertThat(loop.isClosed()).isFalse();
    loop.close();
    loop.close();
    loop.close();

    assertThat(loop.isClosed()).isTrue();
    assertThat(loop.scheduledTimerCount()).isZero();
    assertThat(log).containsExactly("callback");
    assertThat(loop.toString())
        .isEqualTo("<VirtualTimeEventLoop running=false closed=true debug=false>");
  }

  // test_base_events.py::BaseEventLoopTests::test_close
  @Test
  void everythingThatSchedulesOrRunsFailsOnceClosed() {
    loop.close();
    List<Executable> calls =
        List.of(
            () -> loop.callSoon(() -> {}),
            () -> loop.callSoonThreadsafe(() -> {}),
            () -> loop.callLater(1, () -> {}),
            () -> loop.callLater(Duration.ofSeconds(1), () -> {}),
            () -> loop.callAt(1, () -> {}),
            () -> loop.createTask(Mono.just(1)),
            () -> loop.createTask(Mono.just(1), "named"),
            loop::runForever,
            () -> loop.runUntilComplete(Mono.just(1)),
            () -> loop.runInExecutor((java.util.concurrent.Executor) Runnable::run, () -> 1),
            () -> loop.toThread(() -> 1),
            () -> loop.submit(Mono.just(1)));
    for (Executable call : calls) {
      assertThat(thrown(call)).isEqualTo("IllegalStateException: Event loop is closed");
    }
    StepVerifier.create(loop.sleep(Duration.ofSeconds(1)))
        .expectErrorMessage("Event loop is closed")
        .verify(Duration.ofSeconds(5));
    assertThatThrownBy(() -> loop.schedule(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> loop.schedule(() -> {}, 1, TimeUnit.SECONDS))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(loop.isDisposed()).isTrue();
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void badInputIsRejectedAtOnceNamingTheArgumentAndTheLoopStaysUsable() {
    loop.callSoon(() -> log.add("before"));
    loop.callLater(1, () -> log.add("timer"));

    assertThatThrownBy(() -> loop.callSoon(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("callback");
    assertThatThrownBy(() -> loop.callSoonThreadsafe(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("callback");
    assertThatThrownBy(() -> loop.callLater(1, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("callback");
    assertThatThrownBy(() -> loop.callLater((Duration) null, () -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("delay");
    assertThatThrownBy(() -> loop.callLater(Double.NaN, () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delay must be a number but it was NaN");
    assertThatThrownBy(() -> loop.callAt(Double.NaN, () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("when must be a number but it was NaN");
    assertThatThrownBy(() -> loop.runUntilComplete(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("future");
    assertThatThrownBy(() -> loop.createTask(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("coroutine");
    assertThatThrownBy(() -> loop.sleep(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid delay: NaN (not a number)");
    assertThatThrownBy(() -> loop.setSlowCallbackDuration(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("slow callback duration must be >= 0 but it was PT-0.001S");
    assertThatThrownBy(() -> loop.advanceTimeBy(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delta must be >= 0 but it was PT-1S");
    assertThatThrownBy(() -> loop.schedule(null)).isInstanceOf(NullPointerException.class);

    loop.callSoon(() -> log.add("after"));
    EventLoopOrderingTest.runUntil(loop, 2);
    assertThat(log).containsExactly("before", "after", "timer");
    assertThat(loop.time()).isEqualTo(2.0);
  }

  @Test
  void extremeDelaysSaturateInsteadOfOverflowing() {
    TimerHandle never = loop.callLater(Double.POSITIVE_INFINITY, () -> log.add("never"));
    TimerHandle longAgo = loop.callLater(Double.NEGATIVE_INFINITY, () -> log.add("now"));
    TimerHandle huge = loop.callLater(Duration.ofSeconds(Long.MAX_VALUE), () -> log.add("huge"));
    runOnce(loop);

    assertThat(log).containsExactly("now");
    assertThat(never.when()).isEqualTo(Long.MAX_VALUE / 1e9);
    assertThat(huge.when()).isEqualTo(Long.MAX_VALUE / 1e9);
    assertThat(longAgo.when()).isEqualTo(Long.MIN_VALUE / 1e9);
  }

  @Test
  void aTimerDueSinceTheStartOfTimeRunsAtOnce() {
    loop.callLater(
        5,
        () -> {
          loop.callLater(Double.NEGATIVE_INFINITY, () -> log.add("-inf @" + loop.time()));
          loop.callAt(-1e300, () -> log.add("-1e300 @" + loop.time()));
        });
    EventLoopOrderingTest.runUntil(loop, 6);

    // Both saturate; -1e300 s is the earlier deadline: now + (-inf) saturates from 5 s, not 0.
    assertThat(log).containsExactly("-1e300 @5.0", "-inf @5.0");
    assertThat(loop.time()).isEqualTo(6.0);
  }

  /** What {@code call} throws, as {@code "SimpleClassName: message"}, or "no error". */
  static String thrown(Executable call) {
    try {
      call.execute();
      return "no error";
    } catch (Throwable e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }
}
