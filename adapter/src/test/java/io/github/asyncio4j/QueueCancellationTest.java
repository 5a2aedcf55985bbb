package io.github.asyncio4j;

import static io.github.asyncio4j.QueueTestSupport.script;
import static io.github.asyncio4j.QueueTestSupport.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

/**
 * Q4: a cancelled {@code get} or {@code put} loses nothing. A waiter cancelled while pending
 * leaves; one cancelled after the hand-off but before it resumed passes on what it was handed: a
 * getter's item to the next getter or the head of the queue, a putter's slot to the next putter
 * (its own item is not put). Both task cancellation and a Reactor cancel are covered.
 */
@Timeout(
    value = 10,
    threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up hangs the loop
class QueueCancellationTest {
  private final QueueTestSupport t = new QueueTestSupport();
  private final VirtualTimeEventLoop loop = t.loop;

  // ------------------------------------------------------------------ getters

  @Test
  void aCancelledWaitingGetterLeavesAndTheNextGetterGetsTheItem() {
    // test_queues.py::QueueGetTests::test_get_cancelled_race
    Queue<String> q = new Queue<>();
    t.run(
        () -> {
          Task<String> t1 = t.getter(q, "t1");
          Task<String> t2 = t.getter(q, "t2");
          return script(
              t.yieldOnce(),
              step(t1::cancel),
              t.yieldOnce(),
              step(() -> t.log.add("t1 cancelled=" + t1.cancelled() + " " + q)),
              q.put("a"),
              t.yieldOnce(),
              t2);
        });
    assertThat(t.log).containsExactly("t1 cancelled=true <Queue maxsize=0 _getters[1]>", "t2<-a");
  }

  @Test
  void aGetterCancelledByTimeoutIsNotHeldAmongTheGetters() {
    // test_queues.py::QueueGetTests::test_cancelled_getters_not_being_held_in_self_getters
    // (asyncio.wait_for there; Reactor's timeout here, which cancels the get the Reactor way)
    Queue<Integer> q = new Queue<>(5);
    t.run(
        () ->
            q.get()
                .timeout(Duration.ofMillis(100), loop)
                .onErrorResume(
                    TimeoutException.class,
                    e -> step(() -> t.log.add("timed out, getters=" + q.statistics().getters()))));
    assertThat(t.log).containsExactly("timed out, getters=0");
    assertThat(loop.time()).isEqualTo(0.1);
  }

  @Test
  void aReaderCancelledAfterItWasHandedAnItemGivesItBack() {
    // test_queues.py::QueuePutTests::test_get_cancel_drop_one_pending_reader: must read 1, not 2.
    // The reader is handed 1 by the first put, then cancelled before it resumed: 1 goes back to
    // the head of the queue, before 2.
    Queue<Integer> q = new Queue<>();
    t.run(
        () -> {
          Task<Integer> reader = loop.createTask(q.get());
          return script(
              t.yieldOnce(),
              step(
                  () -> {
                    q.putNowait(1);
                    q.putNowait(2);
                    reader.cancel();
                  }),
              reader
                  .onErrorResume(
                      CancelledError.class,
                      e ->
                          step(() -> t.log.add("reader cancelled, queue " + q))
                              .then(loop.createTask(q.get()))) // try again
                  .doOnNext(v -> t.log.add("read " + v)));
        });
    assertThat(t.log)
        .containsExactly(
            "reader cancelled, queue <Queue maxsize=0 _queue=[1, 2] tasks=2>", "read 1");
  }

  @Test
  void anItemGivenBackGoesToTheNextWaitingGetter() {
    // test_queues.py::QueuePutTests::test_get_cancel_drop_many_pending_readers. asyncio leaves
    // the order open ("undefined in which order concurrent readers receive results"); ours is
    // fixed: r1 was handed 1 and r2 was handed 2 at the puts; r1 is cancelled before it resumes,
    // so 1 goes on to the oldest getter still waiting, r3.
    Queue<Integer> q = new Queue<>();
    List<Task<Integer>> readers = new ArrayList<>();
    t.run(
        () -> {
          Task<Integer> r1 = t.getter(q, "r1");
          Task<Integer> r2 = t.getter(q, "r2");
          Task<Integer> r3 = t.getter(q, "r3");
          readers.addAll(List.of(r1, r2, r3));
          return script(
              t.yieldOnce(),
              step(
                  () -> {
                    q.putNowait(1);
                    q.putNowait(2);
                    r1.cancel();
                  }),
              r1.onErrorResume(CancelledError.class, e -> step(() -> t.log.add("r1 cancelled"))),
              r3);
        });
    assertThat(t.log).containsExactly("r2<-2", "r3<-1", "r1 cancelled");
    assertThat(readers.get(1).result()).isEqualTo(2);
    assertThat(readers.get(2).result()).isEqualTo(1);
  }

  @Test
  void aDisposedGetterThatWasHandedAnItemGivesItBack() {
    // A Reactor cancel (Disposable.dispose) of a get on the loop, between the hand-off and the
    // resumption: same outcome as a task cancel.
    Queue<Integer> q = new Queue<>();
    t.run(
        () ->
            script(
                step(
                    () -> {
                      Disposable d = q.get().subscribe(v -> t.log.add("disposed getter<-" + v));
                      q.putNowait(1);
                      t.log.add("handed over: " + q);
                      d.dispose();
                      t.log.add("after dispose: " + q);
                    }),
                t.yieldTimes(2),
                step(() -> t.log.add("got " + q.getNowait()))));
    assertThat(t.log)
        .containsExactly(
            "handed over: <Queue maxsize=0 tasks=1>",
            "after dispose: <Queue maxsize=0 _queue=[1] tasks=1>",
            "got 1");
  }

  @Test
  void aTimeoutFiringInTheIterationOfTheHandOffGivesTheItemBack() {
    // Scenario: the put and the timeout are timers with the same deadline; the put was scheduled
    // first, so it runs first (equal deadlines run in scheduling order) and hands 1 to the
    // getter, whose resumption is queued for the next iteration. The timeout runs right after in
    // the same iteration and cancels the get: the item must go back, not be dropped.
    Queue<Integer> q = new Queue<>();
    t.run(
        () ->
            script(
                step(
                    () ->
                        loop.callLater(
                            1.0,
                            () -> {
                              q.putNowait(1);
                              t.log.add("put, getters=" + q.statistics().getters());
                            })),
                q.get()
                    .timeout(Duration.ofSeconds(1), loop)
                    .doOnNext(v -> t.log.add("got " + v))
                    .onErrorResume(
                        TimeoutException.class,
                        e -> step(() -> t.log.add("timed out, qsize=" + q.qsize())))));
    assertThat(t.log).containsExactly("put, getters=0", "timed out, qsize=1");
    assertThat(q.getNowait()).isEqualTo(1);
  }

  @Test
  void aGetterResumedBeforeItRequestedAndThenCancelledGivesTheItemBack() {
    // Off any loop, the waiter resumes on the putting thread; the subscriber has not requested
    // yet, so the item waits in the subscription. Cancelling it then must return the item.
    Queue<Integer> q = new Queue<>();
    List<Subscription> subscriptions = new ArrayList<>();
    List<Integer> got = new ArrayList<>();
    BaseSubscriber<Integer> lazy =
        new BaseSubscriber<>() {
          @Override
          protected void hookOnSubscribe(Subscription s) {
            subscriptions.add(s); // no request yet
          }

          @Override
          protected void hookOnNext(Integer v) {
            got.add(v);
          }
        };
    q.get().subscribe(lazy);
    q.putNowait(1);
    assertThat(q.qsize()).isZero(); // handed to the getter
    lazy.cancel();
    assertThat(q.qsize()).isEqualTo(1);
    assertThat(q.getNowait()).isEqualTo(1);
    assertThat(got).isEmpty();
  }

  @Test
  void aGetterResumedBeforeItRequestedReceivesTheItemOnRequest() {
    Queue<Integer> q = new Queue<>();
    List<Integer> got = new ArrayList<>();
    BaseSubscriber<Integer> lazy =
        new BaseSubscriber<>() {
          @Override
          protected void hookOnSubscribe(Subscription s) {}

          @Override
          protected void hookOnNext(Integer v) {
            got.add(v);
          }
        };
    q.get().subscribe(lazy);
    q.putNowait(1);
    assertThat(got).isEmpty();
    lazy.request(1);
    assertThat(got).containsExactly(1);
    assertThat(q.qsize()).isZero();
  }

  @Test
  void aGetOfAQueuedItemCancelledBeforeItsRequestLeavesTheItemQueued() {
    Queue<Integer> q = new Queue<>();
    q.putNowait(1);
    q.putNowait(2);
    q.get()
        .subscribe(
            new BaseSubscriber<>() {
              @Override
              protected void hookOnSubscribe(Subscription s) {
                s.cancel();
              }
            });
    assertThat(q.getNowait()).isEqualTo(1);
    assertThat(q.getNowait()).isEqualTo(2);
    assertThat(q.statistics().unfinished()).isEqualTo(2); // given back, not put again
  }

  @Test
  void aTaskCancelledWhileWaitingToGetCanCleanUpAndNothingIsTaken() {
    // DESIGN.md "Cancellation": the chain sees CancelledError where it awaited, may clean up
    // asynchronously and re-raise; the task ends cancelled after the clean-up.
    Queue<Integer> q = new Queue<>();
    t.run(
        () -> {
          Task<Integer> g =
              loop.createTask(
                  q.get()
                      .onErrorResume(
                          CancelledError.class,
                          e ->
                              loop.sleep(1)
                                  .then(step(() -> t.log.add("cleaned up: " + e.getMessage())))
                                  .then(Mono.error(e))));
          return script(
              t.yieldOnce(),
              step(() -> g.cancel("stop")),
              g.onErrorResume(
                  CancelledError.class,
                  e -> step(() -> t.log.add("awaiter saw " + e.getMessage()))),
              step(() -> q.putNowait(5)),
              step(() -> t.log.add(q.toString())));
        });
    assertThat(t.log)
        .containsExactly(
            "cleaned up: stop", "awaiter saw stop", "<Queue maxsize=0 _queue=[5] tasks=1>");
  }

  // ------------------------------------------------------------------ putters

  @Test
  void aPutterCancelledAfterItsSlotWasPromisedDoesNotPutItsItem() {
    // test_queues.py::QueuePutTests::test_put_cancel_drop. asyncio may or may not have put 2 by
    // the time the cancel lands (hence its "try again"); ours is fixed: the writer was promised
    // the slot but had not resumed, so it ends cancelled and 2 is not in the queue.
    Queue<Integer> q = new Queue<>(1);
    t.run(
        () -> {
          q.putNowait(1);
          Task<Void> writer = loop.createTask(q.put(2));
          return script(
              t.yieldOnce(),
              step(() -> t.log.add("got " + q.getNowait())),
              step(writer::cancel),
              writer.onErrorResume(
                  CancelledError.class,
                  e ->
                      step(() -> t.log.add("writer cancelled, qsize=" + q.qsize()))
                          .then(loop.createTask(q.put(2)))), // try again
              step(() -> t.log.add("got " + q.getNowait() + ", qsize=" + q.qsize())));
        });
    assertThat(t.log).containsExactly("got 1", "writer cancelled, qsize=0", "got 2, qsize=0");
  }

  @Test
  void aPromisedSlotOfACancelledPutterPassesToTheNextPutter() {
    Queue<String> q = new Queue<>(1);
    t.run(
        () -> {
          q.putNowait("a");
          Task<Void> p1 = t.putter(q, "p1", "b");
          Task<Void> p2 = t.putter(q, "p2", "c");
          return script(
              t.yieldOnce(),
              step(
                  () -> {
                    t.log.add("got " + q.getNowait()); // the slot is promised to p1
                    p1.cancel();
                  }),
              p2,
              step(() -> t.log.add("p1 cancelled=" + p1.cancelled() + " " + q)));
        });
    assertThat(t.log)
        .containsExactly(
            "got a", "p2 put c", "p1 cancelled=true <Queue maxsize=1 _queue=[c] tasks=2>");
  }

  @Test
  void aCancelledWaitingPutterLeavesAndTheNextPutterGetsTheSlot() {
    // test_queues.py::QueuePutTests::test_put_cancelled_race
    Queue<String> q = new Queue<>(1);
    t.run(
        () -> {
          Task<Void> putA = t.putter(q, "A", "a");
          Task<Void> putB = t.putter(q, "B", "b");
          Task<Void> putC = t.putter(q, "C", "X");
          return script(
              t.yieldOnce(),
              step(() -> t.log.add("A done=" + putA.done() + " B done=" + putB.done())),
              step(putC::cancel),
              t.yieldOnce(),
              step(() -> t.log.add("C cancelled=" + putC.cancelled())),
              step(() -> t.log.add("got " + q.getNowait())),
              t.yieldOnce(),
              step(() -> t.log.add("got " + q.getNowait())),
              putB);
        });
    assertThat(t.log)
        .containsExactly(
            "A put a", "A done=true B done=false", "C cancelled=true", "got a", "B put b", "got b");
  }

  @Test
  void aCancelledPutterIsNotHeldAmongThePutters() {
    // test_queues.py::QueuePutTests::test_cancelled_puts_not_being_held_in_self_putters
    Queue<Integer> q = new Queue<>(1);
    t.run(
        () -> {
          q.putNowait(1);
          Task<Void> put = loop.createTask(q.put(1));
          return script(
              t.yieldOnce(),
              step(() -> t.log.add("putters " + q.statistics().putters())),
              step(put::cancel),
              put.onErrorResume(
                  CancelledError.class,
                  e -> step(() -> t.log.add("putters " + q.statistics().putters()))));
        });
    assertThat(t.log).containsExactly("putters 1", "putters 0");
  }

  @Test
  void cancellingAPutterAlreadyTakenOutOfThePuttersRaisesCancelledError() {
    // test_queues.py::QueuePutTests::test_cancelled_put_silence_value_error_exception: get_nowait
    // took the putter out of the waiters, then it is cancelled; the cancel must still surface as
    // CancelledError (and, ours, its item is not put and the slot is free).
    Queue<Integer> q = new Queue<>(1);
    t.run(
        () -> {
          q.putNowait(1);
          Task<Void> put = loop.createTask(q.put(2));
          return script(
              t.yieldOnce(),
              step(q::getNowait),
              step(put::cancel),
              put.onErrorResume(
                  CancelledError.class,
                  e -> step(() -> t.log.add("CancelledError, qsize=" + q.qsize()))),
              step(() -> q.putNowait(3)),
              step(() -> t.log.add(q.toString())));
        });
    assertThat(t.log)
        .containsExactly("CancelledError, qsize=0", "<Queue maxsize=1 _queue=[3] tasks=2>");
  }

  @Test
  void aDisposedPutterThatWasPromisedASlotPassesItOn() {
    // The Reactor-cancel version: the put is disposed between the promise and its resumption.
    Queue<String> q = new Queue<>(1);
    t.run(
        () ->
            script(
                step(
                    () -> {
                      q.putNowait("a");
                      Disposable d = q.put("b").subscribe(v -> {}, e -> t.log.add("error " + e));
                      t.log.add("got " + q.getNowait()); // promises the slot to "b"
                      d.dispose();
                      q.putNowait("c"); // the slot is free again
                      t.log.add(q.toString());
                    }),
                t.yieldTimes(2),
                step(() -> t.log.add(q.toString()))));
    assertThat(t.log)
        .containsExactly(
            "got a",
            "<Queue maxsize=1 _queue=[c] tasks=2>",
            "<Queue maxsize=1 _queue=[c] tasks=2>");
  }

  @Test
  void aCancelledJoinerLeavesAndOthersAreStillReleased() {
    Queue<Integer> q = new Queue<>();
    t.run(
        () -> {
          q.putNowait(1);
          Task<Void> j1 = loop.createTask(q.join());
          Task<Void> j2 = loop.createTask(q.join().then(step(() -> t.log.add("j2 released"))));
          return script(
              t.yieldOnce(),
              step(j1::cancel),
              t.yieldOnce(),
              step(() -> t.log.add("j1 cancelled=" + j1.cancelled())),
              step(q::getNowait),
              step(q::taskDone),
              j2);
        });
    assertThat(t.log).containsExactly("j1 cancelled=true", "j2 released");
  }
}
