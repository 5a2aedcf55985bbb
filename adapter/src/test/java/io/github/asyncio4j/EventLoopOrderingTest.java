package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The loop's ordering guarantees, DESIGN.md rules 1–4, 6 and 7 (asyncio's L1–L3, T1 and F4), on a
 * virtual-time loop driven from the test thread, one iteration at a time where it matters.
 */
class EventLoopOrderingTest {

  private static final Runnable NOOP = () -> {};

  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<Object> log = new ArrayList<>();

  /** Runs exactly one iteration: a run stopped before it starts (L6, asyncio's run_once). */
  static void runOnce(EventLoop loop) {
    loop.stop();
    loop.runForever();
  }

  /** Runs the virtual loop until {@code when} on its clock. */
  static void runUntil(VirtualTimeEventLoop loop, double when) {
    loop.callAt(when, loop::stop);
    loop.runForever();
  }

  // ---------------------------------------------------------------- rule 1, L1

  // test_base_events.py::BaseEventLoopTests::test_call_soon
  @Test
  void callSoonRunsEachCallbackOnceInTheOrderGiven() {
    for (int i = 0; i < 100; i++) {
      int n = i;
      loop.callSoon(() -> log.add(n));
    }
    runOnce(loop);
    runOnce(loop);

    assertThat(log).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
  }

  @Test
  void callbacksRunOnTheThreadThatRunsTheLoop() {
    List<Object> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      loop.callSoon(
          () -> {
            seen.add(Thread.currentThread());
            seen.add(EventLoop.runningOrNull());
            seen.add(loop.isRunning());
          });
    }
    runOnce(loop);

    Thread me = Thread.currentThread();
    assertThat(seen).containsExactly(me, loop, true, me, loop, true, me, loop, true);
    assertThat(loop.isRunning()).isFalse();
    assertThat(EventLoop.runningOrNull()).isNull();
  }

  // ---------------------------------------------------------------- rule 2, L2

  // test_base_events.py::BaseEventLoopTests::test__run_once_schedule_handle
  @Test
  void aCallbackScheduledWhileDrainingRunsInTheNextIteration() {
    loop.callSoon(
        () -> {
          log.add("A");
          loop.callSoon(() -> log.add("A2"));
        });
    loop.callSoon(() -> log.add("B"));

    runOnce(loop);
    assertThat(log).containsExactly("A", "B");

    runOnce(loop);
    assertThat(log).containsExactly("A", "B", "A2");
  }

  @Test
  void aSelfReschedulingCallbackCannotStarveTheOthers() {
    Runnable[] spin = new Runnable[1];
    spin[0] =
        () -> {
          log.add("spin");
          loop.callSoon(spin[0]);
        };
    loop.callSoon(spin[0]);
    loop.callSoon(() -> log.add("X"));
    loop.callLater(0, () -> log.add("T"));

    runOnce(loop);
    assertThat(log).containsExactly("spin", "X", "T");

    runOnce(loop);
    runOnce(loop);
    assertThat(log).containsExactly("spin", "X", "T", "spin", "spin");
  }

  // ---------------------------------------------------------------- rule 3, L2–L4

  // test_base_events.py::BaseEventLoopTests::test__run_once_schedule_handle, L2 exp:
  // call_soon(A); call_later(0,T); call_soon(B); call_at(now-1,P); call_soon(C) runs A,B,C,P,T
  @Test
  void dueTimersJoinTheTailOfTheReadyQueueEarliestDeadlineFirst() {
    loop.callSoon(
        () -> {
          loop.callSoon(() -> log.add("A"));
          loop.callLater(0, () -> log.add("T"));
          loop.callSoon(() -> log.add("B"));
          loop.callAt(loop.time() - 1, () -> log.add("P"));
          loop.callSoon(() -> log.add("C"));
        });
    runOnce(loop);
    assertThat(log).isEmpty();

    runOnce(loop); // all five in one iteration
    assertThat(log).containsExactly("A", "B", "C", "P", "T");
  }

  @Test
  void dueTimersJoinTheTailAlsoWhenScheduledBeforeTheLoopRuns() {
    loop.callSoon(() -> log.add("A"));
    loop.callLater(0, () -> log.add("T"));
    loop.callSoon(() -> log.add("B"));
    loop.callAt(loop.time() - 1, () -> log.add("P"));
    loop.callSoon(() -> log.add("C"));

    runOnce(loop);
    assertThat(log).containsExactly("A", "B", "C", "P", "T");
  }

  // test_base_events.py::BaseEventLoopTests::test_time_and_call_at
  @Test
  void timersRunInDeadlineOrderAndNeverBeforeTheirDeadline() {
    // 1.005 s and 65 µs are not whole nanoseconds in binary: a deadline truncated to nanoseconds
    // would fire a nanosecond early.
    double[] delays = {5, 1, 3, 1.005, 2, 0.5, 4, 0.000065};
    List<double[]> fired = new ArrayList<>(); // {requested delay, time() when run, when()}
    for (double d : delays) {
      TimerHandle[] h = new TimerHandle[1];
      h[0] = loop.callLater(d, () -> fired.add(new double[] {d, loop.time(), h[0].when()}));
    }
    runUntil(loop, 10);

    assertThat(fired.stream().map(f -> f[0]))
        .containsExactly(0.000065, 0.5, 1.0, 1.005, 2.0, 3.0, 4.0, 5.0);
    for (double[] f : fired) {
      assertThat(f[1]).as("time() running the %s s timer", f[0]).isEqualTo(f[2]);
      assertThat(f[1]).as("time() running the %s s timer", f[0]).isGreaterThanOrEqualTo(f[0]);
    }
  }

  // test_events.py::TimerTests::test_timer_comparison (asyncio leaves equal deadlines unordered:
  // 12 such timers fire [0,2,6,5,11,10,9,8,7,1,3,4]; asyncio4j promises scheduling order)
  @Test
  void timersWithEqualDeadlinesRunInSchedulingOrder() {
    for (int i = 0; i < 12; i++) {
      int n = i;
      loop.callAt(7.0, () -> log.add(n));
    }
    loop.callLater(Duration.ofSeconds(7), () -> log.add("duration"));
    runUntil(loop, 7);

    assertThat(log).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, "duration");
  }

  @Test
  void aTimerScheduledAtAnotherTimersWhenRunsAfterIt() {
    TimerHandle first = loop.callLater(Duration.ofNanos(65_000), () -> log.add("first"));
    TimerHandle second = loop.callAt(first.when(), () -> log.add("second"));
    assertThat(second.when()).isEqualTo(first.when());

    runUntil(loop, 1);
    assertThat(log).containsExactly("first", "second");
  }

  // test_base_events.py::BaseEventLoopTests::test_call_later_negative_delays
  @Test
  void negativeDelaysAreDueAtOnceEarliestDeadlineFirst() {
    loop.callLater(-1, () -> log.add("a"));
    loop.callLater(-2, () -> log.add("b"));
    loop.callLater(Duration.ofSeconds(-3), () -> log.add("c"));

    runOnce(loop);
    assertThat(log).containsExactly("c", "b", "a");
    assertThat(loop.time()).isZero();
  }

  // ---------------------------------------------------------------- rule 4, L3

  // test_events.py::HandleTests::test_handle,
  // test_base_events.py::BaseEventLoopTests::test__run_once
  @Test
  void cancelledHandlesAndTimersNeverRun() {
    Handle early = loop.callSoon(() -> log.add("early"));
    TimerHandle timer = loop.callLater(1, () -> log.add("timer"));
    early.cancel();
    timer.cancel();
    Handle[] late = new Handle[1];
    TimerHandle[] due = new TimerHandle[1];
    loop.callSoon(
        () -> {
          log.add("canceller");
          late[0].cancel(); // in this very snapshot, not yet run
          due[0].cancel(); // already moved from the heap to the ready queue
        });
    late[0] = loop.callSoon(() -> log.add("late"));
    due[0] = loop.callLater(0, () -> log.add("due"));
    Handle kept = loop.callSoon(() -> log.add("kept"));

    runUntil(loop, 10);

    assertThat(log).containsExactly("canceller", "kept");
    assertThat(List.of(early, timer, late[0], due[0])).allMatch(Handle::cancelled);
    assertThat(List.of(early, timer, late[0], due[0])).allMatch(Handle::isDisposed);
    kept.cancel(); // too late: it ran
    assertThat(kept.cancelled()).isFalse();
    assertThat(kept.isDisposed()).isTrue();
  }

  // test_base_events.py::BaseEventLoopTests::test__run_once_cancelled_event_cleanup
  @Test
  void cancelledTimersArePurgedOnceMoreThanHalfOfMoreThan100AreCancelled() {
    List<TimerHandle> timers = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      timers.add(loop.callLater(3600 + i, NOOP));
    }
    runOnce(loop);
    assertThat(loop.scheduledTimerCount()).isEqualTo(150);

    // Exactly half cancelled, all behind a live head: they wait to reach the head.
    timers.subList(75, 150).forEach(Handle::cancel);
    runOnce(loop);
    assertThat(loop.scheduledTimerCount()).isEqualTo(150);

    // One more, and more than half are cancelled: one purge drops them all.
    timers.get(74).cancel();
    runOnce(loop);
    assertThat(loop.scheduledTimerCount()).isEqualTo(74);
  }

  // test_base_events.py::BaseEventLoopTests::test__run_once (a cancelled head is popped)
  @Test
  void noPurgeWith100TimersOrFewerButACancelledHeadIsDropped() {
    List<TimerHandle> timers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      timers.add(loop.callLater(3600 + i, NOOP));
    }
    runOnce(loop);
    timers.subList(40, 100).forEach(Handle::cancel);
    runOnce(loop);
    assertThat(loop.scheduledTimerCount()).isEqualTo(100);

    timers.get(0).cancel();
    runOnce(loop);
    assertThat(loop.scheduledTimerCount()).isEqualTo(99);
  }

  @Test
  void aTimerCancelledBeforeReachingTheHeapNeverEntersIt() {
    List<TimerHandle> timers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      timers.add(loop.callLater(3600 + i, NOOP));
    }
    timers.subList(0, 4).forEach(Handle::cancel); // still in the inbox: the loop has not run
    runOnce(loop);
    assertThat(loop.scheduledTimerCount()).isEqualTo(6);
  }

  @Test
  void aTimerCancelledAfterComingDueDoesNotCountTowardsThePurge() {
    List<TimerHandle> far = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      far.add(loop.callLater(3600 + i, NOOP));
    }
    List<TimerHandle> due = new ArrayList<>();
    loop.callSoon(() -> due.forEach(Handle::cancel));
    for (int i = 0; i < 60; i++) {
      due.add(loop.callLater(0, () -> log.add("due")));
    }
    runOnce(loop); // the 60 came due behind the canceller, which cancelled them
    assertThat(log).isEmpty();

    far.subList(155, 200).forEach(Handle::cancel); // 45 of 200 in the heap: no purge
    runOnce(loop);
    assertThat(loop.scheduledTimerCount()).isEqualTo(200);

    far.subList(99, 155).forEach(Handle::cancel); // 101 of 200: purge
    runOnce(loop);
    assertThat(loop.scheduledTimerCount()).isEqualTo(99);
  }

  // ---------------------------------------------------------------- rule 6, T1

  // ASYNCIO-SEMANTICS.md T1 (exp): t1=create_task; t2=create_task; await sleep(0) logs
  // creator, t1:start, t2:start, creator-resumed, t1:resumed, t2:resumed
  @Test
  void newTasksStartOnALaterIterationInCreationOrder() {
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              log.add("creator");
              for (String name : List.of("t1", "t2")) {
                loop.createTask(
                    Mono.fromRunnable(() -> log.add(name + ":start"))
                        .then(loop.sleep(0))
                        .then(Mono.fromRunnable(() -> log.add(name + ":resumed"))));
              }
              return loop.sleep(0).then(Mono.fromRunnable(() -> log.add("creator-resumed")));
            }));

    assertThat(log)
        .containsExactly(
            "creator", "t1:start", "t2:start", "creator-resumed", "t1:resumed", "t2:resumed");
  }

  @Test
  void aTaskCreatedInACallbackStartsAfterTheCallbacksAlreadyQueued() {
    loop.callSoon(
        () -> {
          loop.createTask(Mono.fromRunnable(() -> log.add("task")));
          log.add("creator");
        });
    loop.callSoon(() -> log.add("queued"));

    runOnce(loop);
    assertThat(log).containsExactly("creator", "queued");
    runOnce(loop);
    assertThat(log).containsExactly("creator", "queued", "task");
  }

  // ---------------------------------------------------------------- rule 7, F4

  // test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_invoked_on_set_result, F4 exp:
  // call_soon(x), complete f2, complete f1, call_soon(y) runs x, f2-cbs, f1-cbs, y
  @Test
  void doneCallbacksAreScheduledWithCallSoonInRegistrationOrderExactlyOnce() {
    Future<String> f1 = loop.createFuture();
    Future<String> f2 = loop.createFuture();
    f1.addDoneCallback(f -> log.add("f1-a"));
    f1.addDoneCallback(f -> log.add("f1-b"));
    f2.addDoneCallback(f -> log.add("f2-a"));
    f2.addDoneCallback(f -> log.add("f2-b"));
    loop.callSoon(
        () -> {
          loop.callSoon(() -> log.add("x"));
          f2.setResult("2");
          f1.setResult("1");
          loop.callSoon(() -> log.add("y"));
          log.add("completed");
        });

    runOnce(loop);
    assertThat(log).containsExactly("completed");
    runOnce(loop);
    assertThat(log).containsExactly("completed", "x", "f2-a", "f2-b", "f1-a", "f1-b", "y");

    // Added once done: still scheduled with callSoon, behind what is already queued.
    loop.callSoon(() -> log.add("z"));
    f1.addDoneCallback(f -> log.add("late"));
    assertThat(log).doesNotContain("late");
    runOnce(loop);
    runOnce(loop);
    assertThat(log)
        .containsExactly("completed", "x", "f2-a", "f2-b", "f1-a", "f1-b", "y", "z", "late");
  }
}
