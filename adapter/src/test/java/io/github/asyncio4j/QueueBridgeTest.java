package io.github.asyncio4j;

import static io.github.asyncio4j.QueueTestSupport.script;
import static io.github.asyncio4j.QueueTestSupport.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/**
 * {@link Queue#putAll}: the queue's capacity backpressures the source (it is asked for the queue's
 * free room, plus at most one), order among putters, completion, errors, shutdown and cancellation;
 * and the two bridges together, on a loop and between threads.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up hangs
class QueueBridgeTest {
  private static final Duration VERIFY = Duration.ofSeconds(5); // a hang guard, not a timing

  private final QueueTestSupport t = new QueueTestSupport();
  private final VirtualTimeEventLoop loop = t.loop;

  private static List<Integer> drain(Queue<Integer> q) {
    List<Integer> items = new ArrayList<>();
    while (!q.empty()) {
      items.add(q.getNowait());
    }
    return items;
  }

  @Test
  void itPutsEveryItemInOrderAndCompletes() {
    Queue<Integer> q = new Queue<>();
    StepVerifier.create(q.putAll(Flux.range(1, 5))).expectComplete().verify(VERIFY);
    assertThat(drain(q)).containsExactly(1, 2, 3, 4, 5);
    assertThat(q.statistics().unfinished()).isEqualTo(5);
  }

  @Test
  void itRequestsOnlyAsTheQueueHasRoom() {
    // maxsize 2: two items go in, the third is asked for and waits as a putter; every get lets
    // the waiting put in and asks the source for exactly one more.
    Queue<Integer> q = new Queue<>(2);
    AtomicLong requested = new AtomicLong();
    List<String> log = new ArrayList<>();
    AtomicBoolean done = new AtomicBoolean();
    q.putAll(Flux.range(1, 6).doOnRequest(requested::addAndGet))
        .subscribe(null, e -> log.add("error " + e), () -> done.set(true));
    for (int i = 0; i < 6 && !done.get(); i++) {
      log.add(
          "requested "
              + requested.get()
              + " queued "
              + q.qsize()
              + " putters "
              + q.statistics().putters()
              + ", got "
              + q.getNowait()); // off any loop: the waiting put resumes on this thread
    }
    assertThat(log)
        .containsExactly(
            "requested 3 queued 2 putters 1, got 1",
            "requested 4 queued 2 putters 1, got 2",
            "requested 5 queued 2 putters 1, got 3",
            "requested 6 queued 2 putters 1, got 4");
    assertThat(done).isTrue(); // the last put is in, and the source completed meanwhile
    assertThat(drain(q)).containsExactly(5, 6);
  }

  @Test
  void itCompletesOnlyOnceTheLastItemIsIn() {
    Queue<Integer> q = new Queue<>(1);
    q.putNowait(0);
    AtomicBoolean done = new AtomicBoolean();
    q.putAll(Flux.just(1)).subscribe(null, null, () -> done.set(true)); // the source completes
    assertThat(done).isFalse(); // ...but 1 waits for room
    assertThat(q.getNowait()).isZero();
    assertThat(done).isTrue();
    assertThat(q.getNowait()).isEqualTo(1);
  }

  @Test
  void anEmptySourceCompletesAtOnce() {
    Queue<Integer> q = new Queue<>(1);
    q.putNowait(0);
    StepVerifier.create(q.putAll(Flux.empty())).expectComplete().verify(VERIFY);
  }

  @Test
  void theSourcesErrorIsPropagatedAndItsItemsStay() {
    Queue<Integer> q = new Queue<>();
    StepVerifier.create(
            q.putAll(Flux.just(1, 2).concatWith(Flux.error(new IllegalStateException("boom")))))
        .expectErrorMessage("boom")
        .verify(VERIFY);
    assertThat(drain(q)).containsExactly(1, 2);
  }

  @Test
  void aShutdownFailsItWithQueueShutDownAndCancelsTheSource() {
    Queue<Integer> q = new Queue<>(1);
    AtomicBoolean sourceCancelled = new AtomicBoolean();
    StepVerifier.create(q.putAll(Flux.range(1, 5).doOnCancel(() -> sourceCancelled.set(true))))
        .expectSubscription()
        .then(() -> assertThat(q.statistics().putters()).isEqualTo(1)) // 2 waits for room
        .then(q::shutdown)
        .expectError(QueueShutDown.class)
        .verify(VERIFY);
    assertThat(sourceCancelled).isTrue();
    assertThat(drain(q)).containsExactly(1);

    AtomicBoolean cancelledToo = new AtomicBoolean();
    StepVerifier.create(q.putAll(Flux.range(1, 5).doOnCancel(() -> cancelledToo.set(true))))
        .expectError(QueueShutDown.class)
        .verify(VERIFY);
    assertThat(cancelledToo).isTrue();
  }

  @Test
  void cancellingItCancelsTheSourceAndThePendingPut() {
    Queue<Integer> q = new Queue<>(1);
    q.putNowait(0);
    TestPublisher<Integer> source = TestPublisher.create();
    StepVerifier.create(q.putAll(source))
        .expectSubscription()
        .then(() -> source.next(1))
        .then(() -> assertThat(q.statistics().putters()).isEqualTo(1))
        .thenCancel()
        .verify(VERIFY);
    source.assertCancelled();
    assertThat(q.statistics().putters()).isZero();
    assertThat(drain(q)).containsExactly(0); // 1 was never put
  }

  @Test
  void itemsBeyondTheDemandOfOneAreDiscardedNotPut() {
    // A source that breaks rule 1.1 and sends two items for a request of one: the second goes
    // to Reactor's discard hook, visibly.
    Queue<Integer> q = new Queue<>(1);
    q.putNowait(0);
    TestPublisher<Integer> source =
        TestPublisher.createNoncompliant(TestPublisher.Violation.REQUEST_OVERFLOW);
    List<Object> discarded = new ArrayList<>();
    StepVerifier.create(q.putAll(source).doOnDiscard(Object.class, discarded::add))
        .expectSubscription()
        .then(() -> source.next(1, 2))
        .then(() -> assertThat(discarded).containsExactly(2))
        .thenCancel()
        .verify(VERIFY);
  }

  @Test
  void betweenTasksTheBridgesCarryEveryItemInOrder() {
    // A producer task pipes a range into a queue of 3; a second queue is fed from the first's
    // flux; a consumer task reads the second.
    Queue<Integer> first = new Queue<>(3);
    Queue<Integer> second = new Queue<>(2);
    t.run(
        () -> {
          Task<Void> producer =
              loop.createTask(first.putAll(Flux.range(0, 50)).then(step(first::shutdown)));
          Task<Void> pipe =
              loop.createTask(second.putAll(first.asFlux()).then(step(second::shutdown)));
          Task<List<Integer>> consumer = loop.createTask(second.asFlux().collectList());
          return script(
              producer, pipe, consumer.doOnNext(items -> t.log.add(items.size() + " " + items)));
        });
    assertThat(t.log).hasSize(1);
    assertThat(t.log.get(0)).startsWith("50 [0, 1, 2, 3,").endsWith("48, 49]");
  }

  // ---------------------------------------------------------------- asking for the room

  @Test
  void itAsksForTheFreeRoomAndForMoreOnlyOnceAllOfItIsIn() {
    // Queue(5) holding 100 and 101: the source is asked for the 3 free slots; all go in, and it
    // is asked again: no room, so for 1, which waits as a putter. A request of 5 by a flux frees
    // 5 slots at once: the waiting putter goes in (off any loop, on the freeing thread), then the
    // source is asked for the 4 slots left; those go in, and it is asked for 1 more, which waits.
    Queue<Integer> q = new Queue<>(5);
    q.putNowait(100);
    q.putNowait(101);
    List<Long> requests = new ArrayList<>();
    q.putAll(Flux.range(0, 20).doOnRequest(requests::add)).subscribe();
    assertThat(requests).containsExactly(3L, 1L);
    assertThat(q.qsize()).isEqualTo(5);
    assertThat(q.statistics().putters()).isEqualTo(1);
    StepVerifier.create(q.asFlux(), 5).expectNext(100, 101, 0, 1, 2).thenCancel().verify(VERIFY);
    assertThat(requests).containsExactly(3L, 1L, 4L, 1L);
    assertThat(q.statistics().putters()).isEqualTo(1); // 8 waits
    assertThat(List.of(q.getNowait(), q.getNowait(), q.getNowait(), q.getNowait(), q.getNowait()))
        .containsExactly(3, 4, 5, 6, 7);
  }

  @Test
  void anUnboundedQueueIsFilledInBatches() {
    Queue<Integer> q = new Queue<>();
    List<Long> requests = new ArrayList<>();
    StepVerifier.create(q.putAll(Flux.range(0, 1000).doOnRequest(requests::add)))
        .expectComplete()
        .verify(VERIFY);
    assertThat(requests).containsExactly(256L, 256L, 256L, 256L);
    assertThat(drain(q)).hasSize(1000).isSorted();
  }

  @Test
  void itWaitsInLineBehindPuttersThatCameFirst() {
    // Queue(1) full and a putter waiting with 99: the filler is asked nothing beyond one item,
    // which waits behind 99; then 2 waits behind 1.
    Queue<Integer> q = new Queue<>(1);
    q.putNowait(0);
    q.put(99).subscribe();
    List<Long> requests = new ArrayList<>();
    AtomicBoolean done = new AtomicBoolean();
    q.putAll(Flux.just(1, 2).doOnRequest(requests::add))
        .subscribe(null, null, () -> done.set(true));
    assertThat(requests).containsExactly(1L);
    assertThat(q.statistics().putters()).isEqualTo(2);
    List<Integer> got = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      got.add(q.getNowait());
    }
    assertThat(done).isTrue();
    got.add(q.getNowait());
    assertThat(got).containsExactly(0, 99, 1, 2);
    assertThat(requests).containsExactly(1L, 1L);
  }

  @Test
  void itemsThatNoLongerFindRoomWaitInOrderBehindTheFirst() {
    // Asked for the 2 free slots, but before the items arrive another producer takes both: 1
    // waits as a putter and 2 behind it, in the filler. Each get lets the next one in.
    Queue<Integer> q = new Queue<>(2);
    TestPublisher<Integer> source = TestPublisher.create();
    AtomicBoolean done = new AtomicBoolean();
    q.putAll(source).subscribe(null, null, () -> done.set(true));
    source.assertMinRequested(2).assertMaxRequested(2);
    q.putNowait(10);
    q.putNowait(11);
    source.next(1, 2);
    assertThat(q.statistics().putters()).isEqualTo(1);
    assertThat(q.getNowait()).isEqualTo(10);
    assertThat(q.statistics().putters()).isEqualTo(1); // now 2 waits
    assertThat(q.getNowait()).isEqualTo(11);
    assertThat(q.statistics().putters()).isZero();
    source.assertMinRequested(1).assertMaxRequested(1); // both in: asked again, for 1 (no room)
    source.complete();
    assertThat(done).isTrue();
    assertThat(drain(q)).containsExactly(1, 2);
  }

  @Test
  void aCancelLeavesWhatWaitedUnputAndDiscardsTheItemsBehindTheWaitingOne() {
    Queue<Integer> q = new Queue<>(2);
    TestPublisher<Integer> source = TestPublisher.create();
    List<Object> discarded = new ArrayList<>();
    StepVerifier.create(q.putAll(source).doOnDiscard(Object.class, discarded::add))
        .expectSubscription()
        .then(
            () -> {
              q.putNowait(10);
              q.putNowait(11);
              source.next(1, 2);
            })
        .thenCancel()
        .verify(VERIFY);
    source.assertCancelled();
    assertThat(discarded).containsExactly(2); // 1's put was withdrawn: it is not put
    assertThat(q.statistics().putters()).isZero();
    assertThat(drain(q)).containsExactly(10, 11);
  }

  @Test
  void aShutdownWhileItemsWaitFailsTheTransferAndPutsNoneOfThem() {
    Queue<Integer> q = new Queue<>(2);
    TestPublisher<Integer> source = TestPublisher.create();
    List<Object> discarded = new ArrayList<>();
    StepVerifier.create(q.putAll(source).doOnDiscard(Object.class, discarded::add))
        .expectSubscription()
        .then(
            () -> {
              q.putNowait(10);
              q.putNowait(11);
              source.next(1, 2);
            })
        .then(q::shutdown)
        .expectError(QueueShutDown.class)
        .verify(VERIFY);
    source.assertCancelled();
    assertThat(discarded).containsExactly(2);
    assertThat(drain(q)).containsExactly(10, 11);
  }

  // ---------------------------------------------------------------- bursts

  @Test
  void aBurstHandsItsFirstItemsToWaitingGettersAndStoresTheRest() {
    // Flux.range emits all it is asked for inside the filler's request: a burst, put when the
    // request returns. Two getters wait: 0 and 1 go to them, oldest first, then 2..4 go in at once.
    Queue<Integer> q = new Queue<>();
    List<String> log = new ArrayList<>();
    q.get().subscribe(v -> log.add("g1<-" + v));
    q.get().subscribe(v -> log.add("g2<-" + v));
    StepVerifier.create(q.putAll(Flux.range(0, 5))).expectComplete().verify(VERIFY);
    assertThat(log).containsExactly("g1<-0", "g2<-1");
    assertThat(drain(q)).containsExactly(2, 3, 4);
    assertThat(q.statistics().unfinished()).isEqualTo(5);
  }

  @Test
  void aBurstLargerThanTheRoomLeftWaitsInOrder() {
    // Queue(3) with room 3 when asked; before the burst is put, another producer takes a slot
    // (from inside the source, so while the burst is being collected). 0 and 1 go in; 2 waits
    // as a putter, and the filler asks for nothing more until it is in.
    Queue<Integer> q = new Queue<>(3);
    List<Long> requests = new ArrayList<>();
    AtomicBoolean done = new AtomicBoolean();
    q.putAll(
            Flux.range(0, 3)
                .doOnRequest(requests::add)
                .doOnNext(
                    i -> {
                      if (i == 0) {
                        q.putNowait(100);
                      }
                    }))
        .subscribe(null, null, () -> done.set(true));
    assertThat(requests).containsExactly(3L);
    assertThat(q.statistics().putters()).isEqualTo(1);
    assertThat(done).isFalse();
    assertThat(q.getNowait()).isEqualTo(100); // frees a slot: 2 goes in
    assertThat(done).isTrue();
    assertThat(drain(q)).containsExactly(0, 1, 2);
  }

  @Test
  void aSourceThatEmitsPartlyInsideTheRequestAndPartlyLaterKeepsItsOrder() {
    // The first 10 arrive inside the request (a burst), the next 10 one by one from timers of
    // the loop, into a queue of 4 drained by a consumer asking for 3 at a time.
    Queue<Integer> q = new Queue<>(4);
    t.run(
        () -> {
          Task<List<Integer>> consumer = loop.createTask(q.asFlux().limitRate(3).collectList());
          Task<Void> producer =
              loop.createTask(
                  q.putAll(
                          Flux.range(0, 10)
                              .concatWith(
                                  Flux.range(10, 10).delayElements(Duration.ofMillis(10), loop)))
                      .then(step(q::shutdown)));
          return script(producer, consumer.doOnNext(items -> t.log.add(items.toString())));
        });
    assertThat(t.log)
        .containsExactly("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]");
  }

  @Test
  void aShutdownDuringABurstPutsNoneOfItAndFailsTheTransfer() {
    // The source shuts the queue down while emitting 2 of the 256 asked for: the burst was not
    // put yet, and a put after shutdown fails, so none of it goes in (all 256 to the discard
    // hook), and the source, not done yet, is cancelled.
    Queue<Integer> q = new Queue<>();
    List<Object> discarded = new ArrayList<>();
    AtomicBoolean sourceCancelled = new AtomicBoolean();
    StepVerifier.create(
            q.putAll(
                    Flux.range(0, 1000)
                        .doOnNext(
                            i -> {
                              if (i == 2) {
                                q.shutdown();
                              }
                            })
                        .doOnCancel(() -> sourceCancelled.set(true)))
                .doOnDiscard(Object.class, discarded::add))
        .expectError(QueueShutDown.class)
        .verify(VERIFY);
    assertThat(discarded).hasSize(QueueFill.BATCH).startsWith(0, 1, 2);
    assertThat(q.qsize()).isZero();
    assertThat(q.statistics().unfinished()).isZero();
    assertThat(sourceCancelled).isTrue();
  }

  @Test
  void aCancelDuringABurstPutsNoneOfIt() {
    // The downstream cancels from inside the source while it emits 2 of its burst.
    Queue<Integer> q = new Queue<>();
    List<Object> discarded = new ArrayList<>();
    reactor.core.publisher.BaseSubscriber<Void> downstream =
        new reactor.core.publisher.BaseSubscriber<>() {};
    q.putAll(
            Flux.range(0, 10)
                .doOnNext(
                    i -> {
                      if (i == 2) {
                        downstream.dispose();
                      }
                    }))
        .doOnDiscard(Object.class, discarded::add)
        .subscribe(downstream);
    // 2 arrives after the cancel (its doOnNext cancelled) and is refused at once; 0 and 1, in
    // the burst, are dropped when the request returns.
    assertThat(discarded).containsExactly(2, 0, 1);
    assertThat(q.qsize()).isZero();
  }

  // ---------------------------------------------------------------- both bridges

  @Test
  void aSlowSourceOnTheLoopIsCarriedInOrder() {
    // A source that emits once a second of the loop's (virtual) clock, into Queue(2), drained by
    // a consumer that asks for one item at a time.
    Queue<Integer> q = new Queue<>(2);
    t.run(
        () -> {
          Task<Void> producer =
              loop.createTask(
                  q.putAll(Flux.range(0, 20).delayElements(Duration.ofSeconds(1), loop))
                      .then(step(q::shutdown)));
          Task<List<Integer>> consumer = loop.createTask(q.asFlux().limitRate(1).collectList());
          return script(
              producer,
              consumer.doOnNext(items -> t.log.add(items + " at " + Math.round(loop.time()))));
        });
    assertThat(t.log)
        .containsExactly(
            "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19] at 20");
  }

  @Test
  void manyItemsThroughAQueueOfOneOnALoop() {
    // maxsize 1: every item waits for the consumer, which yields once per item; so producer and
    // consumer take turns through every path (put at once, waiting put, waiting get, batch of one).
    int n = 5_000;
    Queue<Integer> q = new Queue<>(1);
    List<Long> requests = new ArrayList<>();
    t.run(
        () -> {
          Task<Void> producer =
              loop.createTask(
                  q.putAll(Flux.range(0, n).doOnRequest(requests::add)).then(step(q::shutdown)));
          Task<List<Integer>> consumer =
              loop.createTask(
                  q.asFlux().concatMap(v -> t.yieldOnce().thenReturn(v), 0).collectList());
          return script(
              producer,
              consumer.doOnNext(
                  items -> {
                    assertThat(items).hasSize(n);
                    for (int i = 0; i < n; i++) {
                      assertThat(items.get(i)).isEqualTo(i);
                    }
                    t.log.add("done");
                  }));
        });
    assertThat(t.log).containsExactly("done");
    assertThat(requests).allMatch(r -> r == 1L); // never more than the room (0 or 1) plus one
    assertThat(q.statistics().unfinished()).isEqualTo(n);
  }

  @Test
  void anUnboundedConsumerDrainsAQueueOfOneOnALoop() {
    int n = 5_000;
    Queue<Integer> q = new Queue<>(1);
    t.run(
        () -> {
          Task<List<Integer>> consumer = loop.createTask(q.asFlux().collectList());
          Task<Void> producer = loop.createTask(q.putAll(Flux.range(0, n)).then(step(q::shutdown)));
          return script(
              producer,
              consumer.doOnNext(items -> t.log.add(items.size() + " sorted " + isSorted(items))));
        });
    assertThat(t.log).containsExactly(n + " sorted true");
  }

  @Test
  void aSourceOnAnotherThreadFillsAQueueDrainedOnThisOne() {
    // The source emits on a Reactor scheduler's thread; puts that wait resume on this thread,
    // which drains with asFlux (off any loop), and the source is then asked for more from here.
    int n = 20_000;
    Queue<Integer> q = new Queue<>(8);
    Scheduler producerThread = Schedulers.newSingle("producer");
    try {
      q.putAll(Flux.range(0, n).publishOn(producerThread, 4)).then(step(q::shutdown)).subscribe();
      List<Integer> items = q.asFlux().limitRate(3).collectList().block(VERIFY);
      assertThat(items).hasSize(n);
      assertThat(isSorted(items)).isTrue();
    } finally {
      producerThread.dispose();
    }
  }

  private static boolean isSorted(List<Integer> items) {
    for (int i = 1; i < items.size(); i++) {
      if (items.get(i - 1) >= items.get(i)) {
        return false;
      }
    }
    return true;
  }
}
