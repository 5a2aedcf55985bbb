package io.github.asyncio4j;

import static io.github.asyncio4j.QueueTestSupport.script;
import static io.github.asyncio4j.QueueTestSupport.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link Queue}: capacity, non-blocking calls, FIFO order, hand-off fairness, repr (Q1–Q3). */
@Timeout(
    value = 10,
    threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up hangs the loop
class QueueTest {
  private final QueueTestSupport t = new QueueTestSupport();
  private final VirtualTimeEventLoop loop = t.loop;

  // ------------------------------------------------------------------ Q1 maxsize

  @Test
  void maxsizeZeroOrNegativeIsUnbounded() {
    // test_queues.py::QueueBasicTests::test_full (the unbounded half)
    for (int maxsize : new int[] {0, -1, Integer.MIN_VALUE}) {
      Queue<Integer> q = new Queue<>(maxsize);
      for (int i = 0; i < 1000; i++) {
        q.putNowait(i);
      }
      assertThat(q.full()).as("maxsize %d", maxsize).isFalse();
      assertThat(q.qsize()).isEqualTo(1000);
      assertThat(q.maxsize()).isEqualTo(maxsize);
    }
    assertThat(new Queue<Integer>().maxsize()).isZero();
  }

  @Test
  void fullOnceQsizeReachesMaxsize() {
    // test_queues.py::QueueBasicTests::test_full
    Queue<Integer> q = new Queue<>(2);
    assertThat(q.full()).isFalse();
    q.putNowait(1);
    assertThat(q.full()).isFalse();
    q.putNowait(2);
    assertThat(q.full()).isTrue();
    q.getNowait();
    assertThat(q.full()).isFalse();
  }

  @Test
  void emptyAndQsize() {
    // test_queues.py::QueueBasicTests::test_empty
    Queue<Integer> q = new Queue<>();
    assertThat(q.empty()).isTrue();
    assertThat(q.qsize()).isZero();
    q.putNowait(1);
    assertThat(q.empty()).isFalse();
    assertThat(q.qsize()).isEqualTo(1);
    assertThat(q.getNowait()).isEqualTo(1);
    assertThat(q.empty()).isTrue();
  }

  @Test
  void itemsLeaveInTheOrderTheyWerePut() {
    // test_queues.py::QueueBasicTests::test_order
    Queue<Integer> q = new Queue<>();
    List<Integer> got = new ArrayList<>();
    t.run(
        () ->
            script(
                q.put(1),
                q.put(3),
                q.put(2),
                Flux.range(0, 3).concatMap(i -> q.get()).doOnNext(got::add)));
    assertThat(got).containsExactly(1, 3, 2);
  }

  @Test
  void putSuspendsOnlyWhileTheQueueIsFull() {
    // test_queues.py::QueueBasicTests::test_maxsize
    Queue<Integer> q = new Queue<>(2);
    t.run(
        () -> {
          Task<Boolean> putter =
              loop.createTask(
                  Flux.range(0, 3)
                      .concatMap(i -> q.put(i).then(step(() -> t.log.add("put " + i))))
                      .then(Mono.just(true)));
          return script(
              t.yieldTimes(2), // the putter is blocked after putting two items
              step(() -> t.log.add("check " + q.qsize() + " full=" + q.full())),
              q.get().doOnNext(v -> t.log.add("got " + v)),
              t.yieldOnce(), // let the putter resume and put the last item
              Flux.range(0, 2).concatMap(i -> q.get()).doOnNext(v -> t.log.add("got " + v)),
              putter.doOnNext(r -> t.log.add("putter returned " + r)));
        });
    assertThat(t.log)
        .containsExactly(
            "put 0",
            "put 1",
            "check 2 full=true",
            "got 0",
            "put 2",
            "got 1",
            "got 2",
            "putter returned true");
  }

  @Test
  void getSuspendsOnlyWhileTheQueueIsEmpty() {
    // test_queues.py::QueueGetTests::test_blocking_get_wait
    Queue<Integer> q = new Queue<>();
    t.run(
        () -> {
          Task<Integer> getter =
              loop.createTask(
                  step(() -> t.log.add("started"))
                      .then(q.get())
                      .doOnNext(v -> t.log.add("finished " + v)));
          return script(
              t.yieldOnce(),
              step(() -> t.log.add("waiting=" + !getter.done())),
              step(() -> loop.callLater(0.01, () -> q.putNowait(1))),
              getter);
        });
    assertThat(t.log).containsExactly("started", "waiting=true", "finished 1");
    assertThat(loop.time()).isEqualTo(0.01);
  }

  @Test
  void getOfAQueuedItemAndPutWithRoomDoNotSuspend() {
    // test_queues.py::QueueGetTests::test_blocking_get, QueuePutTests::test_blocking_put
    // "await q.get()" on a non-empty queue returns without yielding to the loop: the callback
    // scheduled before it runs after it.
    Queue<Integer> q = new Queue<>(1);
    t.run(
        () ->
            script(
                step(() -> loop.callSoon(() -> t.log.add("callback"))),
                q.put(7).then(step(() -> t.log.add("put 7"))),
                q.get().doOnNext(v -> t.log.add("got " + v)),
                t.yieldOnce()));
    assertThat(t.log).containsExactly("put 7", "got 7", "callback");
  }

  @Test
  void getWithWaitingPuttersTakesTheOldestPuttersItemNext() {
    // test_queues.py::QueueGetTests::test_get_with_waiting_putters, test_get_with_putters
    Queue<String> q = new Queue<>(1);
    t.run(
        () -> {
          Task<Void> a = t.putter(q, "A", "a");
          Task<Void> b = t.putter(q, "B", "b");
          return script(
              t.yieldOnce(),
              step(() -> t.log.add("A done=" + a.done() + " B done=" + b.done())),
              q.get().doOnNext(v -> t.log.add("got " + v)),
              q.get().doOnNext(v -> t.log.add("got " + v)),
              b);
        });
    assertThat(t.log)
        .containsExactly("A put a", "A done=true B done=false", "got a", "B put b", "got b");
  }

  @Test
  void putWithAWaitingGetterHandsTheItemOver() {
    // test_queues.py::QueuePutTests::test_put_with_waiting_getters
    Queue<String> q = new Queue<>();
    t.run(
        () -> {
          Task<String> g = t.getter(q, "g");
          return script(t.yieldOnce(), q.put("a"), step(() -> t.log.add("qsize " + q.qsize())), g);
        });
    assertThat(t.log).containsExactly("qsize 0", "g<-a");
  }

  @Test
  void putCompletesWhenAGetterTakesTheItem() {
    // test_queues.py::QueuePutTests::test_put_cancelled (nothing is cancelled: the name is
    // historical)
    Queue<Integer> q = new Queue<>();
    t.run(
        () -> {
          Task<Boolean> put = loop.createTask(q.put(1).thenReturn(true));
          return script(
              q.get().doOnNext(v -> t.log.add("got " + v)),
              step(() -> t.log.add("put done=" + put.done())),
              put.doOnNext(r -> t.log.add("put returned " + r)));
        });
    assertThat(t.log).containsExactly("got 1", "put done=true", "put returned true");
  }

  @Test
  void producerAndConsumerThroughAQueueOfOneBothFinish() {
    // test_queues.py::QueueGetTests::test_why_are_getters_waiting
    Queue<Integer> q = new Queue<>(1);
    t.run(
        () -> {
          Task<Void> producer =
              loop.createTask(Flux.range(0, 5).concatMap(q::put).then(), "producer");
          Task<List<Integer>> consumer =
              loop.createTask(Flux.range(0, 5).concatMap(i -> q.get()).collectList(), "consumer");
          return producer.then(consumer).doOnNext(items -> t.log.add("consumed " + items));
        });
    assertThat(t.log).containsExactly("consumed [0, 1, 2, 3, 4]");
  }

  @Test
  void puttersWokenByGetNowaitAllFinish() {
    // test_queues.py::QueuePutTests::test_why_are_putters_waiting
    Queue<Integer> q = new Queue<>(2);
    t.run(
        () -> {
          Task<Void> getter =
              loop.createTask(
                  t.yieldOnce()
                      .then(
                          step(
                              () -> {
                                int n = q.qsize();
                                for (int i = 0; i < n; i++) {
                                  t.log.add("getNowait " + q.getNowait());
                                }
                              })));
          List<Task<Void>> putters = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            putters.add(t.putter(q, "p" + i, i));
          }
          return getter.then(Flux.fromIterable(putters).concatMap(p -> p).then());
        });
    assertThat(t.log)
        .containsExactly(
            "p0 put 0", "p1 put 1", "getNowait 0", "getNowait 1", "p2 put 2", "p3 put 3");
  }

  // ------------------------------------------------------------------ Q2 non-blocking calls

  @Test
  void putNowaitOnAFullQueueRaisesQueueFullAndChangesNothing() {
    // test_queues.py::QueuePutTests::test_nonblocking_put_exception
    Queue<Integer> q = new Queue<>(1);
    q.putNowait(1);
    assertThatThrownBy(() -> q.putNowait(2)).isInstanceOf(QueueFull.class).hasMessage(null);
    assertThat(q.qsize()).isEqualTo(1);
    assertThat(q.statistics().unfinished()).isEqualTo(1);
    assertThat(q.getNowait()).isEqualTo(1);
  }

  @Test
  void getNowaitOnAnEmptyQueueRaisesQueueEmpty() {
    // test_queues.py::QueueGetTests::test_nonblocking_get_exception, test_nonblocking_get
    Queue<Integer> q = new Queue<>();
    assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmpty.class).hasMessage(null);
    q.putNowait(1);
    assertThat(q.getNowait()).isEqualTo(1);
    assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmpty.class);
  }

  @Test
  void putNowaitFailsWhilePuttersWaitEvenIfASlotIsPromised() {
    // Q3, our deliberate difference: the slot freed by a get is promised to the oldest putter, so
    // a newcomer's putNowait cannot take it (asyncio's put_nowait would barge in here).
    Queue<String> q = new Queue<>(1);
    t.run(
        () -> {
          q.putNowait("a");
          Task<Void> p = t.putter(q, "p", "b");
          return script(
              t.yieldOnce(),
              step(
                  () -> {
                    t.log.add("got " + q.getNowait());
                    try {
                      q.putNowait("newcomer");
                    } catch (QueueFull e) {
                      t.log.add("newcomer QueueFull");
                    }
                  }),
              p,
              step(() -> t.log.add("got " + q.getNowait())));
        });
    assertThat(t.log).containsExactly("got a", "newcomer QueueFull", "p put b", "got b");
  }

  // ------------------------------------------------------------------ Q3 hand-off (differs)

  @Test
  void aWokenGettersItemCannotBeStolenByGetNowait() {
    // ASYNCIO-SEMANTICS.md Q3 and "Where asyncio4j deliberately differs" 3. asyncio, g1 and g2
    // waiting: put(1), a get_nowait steals 1, g1 re-queues behind g2; put(2), put(3) give
    // g2<-2, g1<-3. asyncio4j hands 1 to g1 at the put, so get_nowait finds the queue empty, and
    // getters are served FIFO: g1<-1, g2<-2, and 3 stays queued.
    Queue<Integer> q = new Queue<>();
    t.run(
        () -> {
          Task<Integer> g1 = t.getter(q, "g1");
          Task<Integer> g2 = t.getter(q, "g2");
          return script(
              t.yieldOnce(),
              step(
                  () -> {
                    q.putNowait(1);
                    try {
                      t.log.add("stolen " + q.getNowait());
                    } catch (QueueEmpty e) {
                      t.log.add("getNowait QueueEmpty");
                    }
                  }),
              t.yieldOnce(),
              step(
                  () -> {
                    q.putNowait(2);
                    q.putNowait(3);
                  }),
              g1,
              g2,
              step(() -> t.log.add("left " + q.getNowait() + " qsize " + q.qsize())));
        });
    assertThat(t.log).containsExactly("getNowait QueueEmpty", "g1<-1", "g2<-2", "left 3 qsize 0");
  }

  @Test
  void gettersAreServedInArrivalOrder() {
    Queue<Integer> q = new Queue<>();
    t.run(
        () -> {
          List<Task<Integer>> getters = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            getters.add(t.getter(q, "g" + i));
          }
          return script(
              t.yieldOnce(),
              step(() -> t.log.add("getters " + q.statistics().getters())),
              Flux.range(10, 5).concatMap(q::put),
              Flux.fromIterable(getters).concatMap(g -> g));
        });
    assertThat(t.log)
        .containsExactly("getters 5", "g0<-10", "g1<-11", "g2<-12", "g3<-13", "g4<-14");
  }

  @Test
  void puttersAreServedInArrivalOrder() {
    Queue<Integer> q = new Queue<>(1);
    List<Integer> got = new ArrayList<>();
    t.run(
        () -> {
          q.putNowait(0);
          for (int i = 1; i <= 4; i++) {
            t.putter(q, "p" + i, i);
          }
          return script(
              t.yieldOnce(),
              step(() -> t.log.add("putters " + q.statistics().putters())),
              Flux.range(0, 5).concatMap(i -> q.get()).doOnNext(got::add));
        });
    assertThat(got).containsExactly(0, 1, 2, 3, 4);
    assertThat(t.log.get(0)).isEqualTo("putters 4");
    assertThat(t.log.subList(1, 5)).containsExactly("p1 put 1", "p2 put 2", "p3 put 3", "p4 put 4");
  }

  @Test
  void aPromisedPutterWhoseItemGoesStraightToAGetterPassesItsSlotOn() {
    // Regression: maxsize 1, full, putters p1 and p2 waiting. getNowait promises the slot to p1;
    // a get then waits on the empty queue. When p1 resumes its item goes straight to that getter
    // and never takes the slot, so the slot must go on to p2 (it used to stay unused, leaving p2
    // waiting forever beside a queue with room).
    Queue<String> q = new Queue<>(1);
    t.run(
        () -> {
          q.putNowait("a");
          t.putter(q, "p1", "b");
          Task<Void> p2 = t.putter(q, "p2", "c");
          return script(
              t.yieldOnce(),
              step(
                  () -> {
                    t.log.add("got " + q.getNowait());
                    q.get().subscribe(v -> t.log.add("waiting get<-" + v));
                  }),
              t.yieldTimes(3),
              step(() -> t.log.add("p2 done=" + p2.done() + " " + q)));
        });
    assertThat(t.log)
        .containsExactly(
            "got a",
            "p1 put b",
            "waiting get<-b",
            "p2 put c",
            "p2 done=true <Queue maxsize=1 _queue=[c] tasks=3>");
  }

  // ------------------------------------------------------------------ bad input, repr, stats

  @Test
  void nullItemsAndSourcesAreRefusedAndTheQueueStaysUsable() {
    Queue<Integer> q = new Queue<>(2);
    q.putNowait(1);
    assertThatThrownBy(() -> q.putNowait(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("item");
    assertThatThrownBy(() -> q.put(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("item");
    assertThatThrownBy(() -> q.putAll(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("source");
    assertThat(q.statistics()).isEqualTo(new Queue.Statistics(1, 2, 0, 0, 1, false));
    q.putNowait(2);
    assertThat(q.getNowait()).isEqualTo(1);
    assertThat(q.getNowait()).isEqualTo(2);
  }

  @Test
  void reprShowsMaxsizeItemsWaitersUnfinishedAndShutdown() {
    // test_queues.py::QueueBasicTests::test_repr, _QueueJoinTestMixin::test_format,
    // _QueueShutdownTestMixin::test_format
    Queue<Integer> q = new Queue<>();
    assertThat(q).hasToString("<Queue maxsize=0>");
    t.run(
        () -> {
          Task<Integer> g = t.getter(q, "g");
          return script(
              t.yieldOnce(), step(() -> t.log.add(q.toString())), step(() -> q.putNowait(0)), g);
        });
    Queue<Integer> full = new Queue<>(1);
    t.run(
        () -> {
          full.putNowait(1);
          Task<Void> p = t.putter(full, "p", 2);
          return script(
              t.yieldOnce(),
              step(() -> t.log.add(full.toString())),
              step(full::getNowait),
              p,
              step(() -> t.log.add(full.toString())));
        });
    assertThat(t.log)
        .containsExactly(
            "<Queue maxsize=0 _getters[1]>",
            "g<-0",
            "<Queue maxsize=1 _queue=[1] _putters[1] tasks=1>",
            "p put 2",
            "<Queue maxsize=1 _queue=[2] tasks=2>");
    full.shutdown();
    assertThat(full).hasToString("<Queue maxsize=1 _queue=[2] tasks=2 shutdown>");
  }

  @Test
  void statisticsCountItemsWaitersAndUnfinished() {
    Queue<Integer> q = new Queue<>(1);
    assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, 1, 0, 0, 0, false));
    t.run(
        () -> {
          Task<Integer> g1 = t.getter(q, "g1");
          Task<Integer> g2 = t.getter(q, "g2");
          return script(
              t.yieldOnce(),
              step(() -> t.log.add(String.valueOf(q.statistics()))),
              step(() -> q.putNowait(1)),
              step(() -> q.putNowait(2)),
              g1,
              g2,
              step(() -> q.putNowait(3)),
              step(() -> q.put(4).subscribe(v -> {}, e -> {})),
              t.yieldOnce(),
              step(() -> t.log.add(String.valueOf(q.statistics()))));
        });
    assertThat(t.log)
        .containsExactly(
            "Statistics[items=0, maxsize=1, getters=2, putters=0, unfinished=0, shutdown=false]",
            "g1<-1",
            "g2<-2",
            "Statistics[items=1, maxsize=1, getters=0, putters=1, unfinished=3, shutdown=false]");
    q.shutdown(true);
    assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, 1, 0, 0, 2, true));
  }
}
