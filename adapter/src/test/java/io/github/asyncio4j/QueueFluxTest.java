package io.github.asyncio4j;

import static io.github.asyncio4j.QueueTestSupport.script;
import static io.github.asyncio4j.QueueTestSupport.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * {@link Queue#asFlux()}: backpressure (an item leaves the queue only for a request), completion on
 * shutdown, cancellation that gives a handed item back, competing subscribers.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up hangs
class QueueFluxTest {
  private static final Duration VERIFY = Duration.ofSeconds(5); // a hang guard, not a timing

  private final QueueTestSupport t = new QueueTestSupport();
  private final VirtualTimeEventLoop loop = t.loop;

  private static Queue<Integer> filled(Queue<Integer> q, int n) {
    for (int i = 0; i < n; i++) {
      q.putNowait(i);
    }
    return q;
  }

  @Test
  void itemsLeaveTheQueueOnlyAsTheyAreRequested() {
    Queue<Integer> q = filled(new Queue<>(), 5);
    StepVerifier.create(q.asFlux(), 0)
        .expectSubscription()
        .then(() -> assertThat(q.qsize()).isEqualTo(5))
        .thenRequest(2)
        .expectNext(0, 1)
        .then(() -> assertThat(q.qsize()).isEqualTo(3))
        .thenRequest(1)
        .expectNext(2)
        .then(() -> assertThat(q.qsize()).isEqualTo(2))
        .thenCancel()
        .verify(VERIFY);
    assertThat(q.qsize()).isEqualTo(2);
    assertThat(q.getNowait()).isEqualTo(3);
  }

  @Test
  void itEmitsWhatIsPutLaterAndCompletesOnceShutDownAndDrained() {
    Queue<Integer> q = new Queue<>();
    StepVerifier.create(q.asFlux())
        .expectSubscription()
        .then(() -> assertThat(q.statistics().getters()).isEqualTo(1)) // one get in flight
        .then(() -> q.putNowait(7)) // off any loop: it arrives on this thread
        .expectNext(7)
        .then(
            () -> {
              q.putNowait(8);
              q.putNowait(9);
              q.shutdown();
            })
        .expectNext(8, 9)
        .expectComplete()
        .verify(VERIFY);
  }

  @Test
  void itCompletesWithoutFurtherDemandOnceTheLastItemIsOut() {
    Queue<Integer> q = filled(new Queue<>(), 2);
    q.shutdown();
    StepVerifier.create(q.asFlux(), 2).expectNext(0, 1).expectComplete().verify(VERIFY);
  }

  @Test
  void itCompletesOnShutdownEvenWithoutDemand() {
    Queue<Integer> q = new Queue<>();
    StepVerifier.create(q.asFlux(), 0)
        .expectSubscription()
        .then(q::shutdown)
        .expectComplete()
        .verify(VERIFY);
    Queue<Integer> already = new Queue<>();
    already.shutdown();
    StepVerifier.create(already.asFlux(), 0).expectComplete().verify(VERIFY);
  }

  @Test
  void itDoesNotCompleteOnShutdownWhileItemsRemain() {
    Queue<Integer> q = filled(new Queue<>(), 2);
    StepVerifier.create(q.asFlux(), 1)
        .expectNext(0)
        .then(q::shutdown)
        .then(() -> assertThat(q.qsize()).isEqualTo(1))
        .thenRequest(1)
        .expectNext(1)
        .expectComplete()
        .verify(VERIFY);
  }

  @Test
  void cancellingWithdrawsThePendingGet() {
    Queue<Integer> q = new Queue<>();
    StepVerifier.create(q.asFlux())
        .expectSubscription()
        .then(() -> assertThat(q.statistics().getters()).isEqualTo(1))
        .thenCancel()
        .verify(VERIFY);
    assertThat(q.statistics().getters()).isZero();
    q.putNowait(1);
    assertThat(q.qsize()).isEqualTo(1);
  }

  @Test
  void cancellingAfterAnItemWasHandedToThePendingGetGivesItBack() {
    // On a loop: the put hands 1 to the flux's pending get, whose resumption is queued for the
    // next iteration; the subscriber cancels before that. 1 must go back to the queue.
    Queue<Integer> q = new Queue<>();
    t.run(
        () ->
            script(
                step(
                    () -> {
                      Disposable d = q.asFlux().subscribe(v -> t.log.add("flux<-" + v));
                      q.putNowait(1);
                      t.log.add("handed: qsize=" + q.qsize());
                      d.dispose();
                      t.log.add("cancelled: qsize=" + q.qsize());
                    }),
                t.yieldTimes(2),
                step(() -> t.log.add("left " + q.getNowait()))));
    assertThat(t.log).containsExactly("handed: qsize=0", "cancelled: qsize=1", "left 1");
  }

  @Test
  void aBadRequestSignalsIllegalArgumentExceptionAndTakesNothing() {
    // Reactive Streams rule 3.9, for a subscriber that Reactor does not wrap (a CoreSubscriber).
    Queue<Integer> q = filled(new Queue<>(), 1);
    List<String> signals = new ArrayList<>();
    q.asFlux()
        .subscribe(
            new CoreSubscriber<Integer>() {
              @Override
              public void onSubscribe(Subscription s) {
                s.request(0);
              }

              @Override
              public void onNext(Integer v) {
                signals.add("onNext " + v);
              }

              @Override
              public void onError(Throwable e) {
                signals.add(e.getClass().getSimpleName() + ": " + e.getMessage());
              }

              @Override
              public void onComplete() {
                signals.add("onComplete");
              }
            });
    assertThat(signals)
        .containsExactly(
            "IllegalArgumentException: Spec. Rule 3.9 - Cannot request a non strictly positive"
                + " number: 0");
    assertThat(q.qsize()).isEqualTo(1);
  }

  @Test
  void subscribersCompeteForItemsInArrivalOrder() {
    Queue<Integer> q = new Queue<>();
    t.run(
        () -> {
          Task<List<Integer>> a = loop.createTask(q.asFlux().take(2).collectList());
          Task<List<Integer>> b = loop.createTask(q.asFlux().take(2).collectList());
          return script(
              t.yieldOnce(),
              step(() -> t.log.add("getters " + q.statistics().getters())),
              Flux.range(1, 4).concatMap(q::put),
              a.doOnNext(items -> t.log.add("a " + items)),
              b.doOnNext(items -> t.log.add("b " + items)));
        });
    assertThat(t.log).containsExactly("getters 2", "a [1, 3]", "b [2, 4]");
  }

  @Test
  void insideATaskACancelOfTheTaskArrivesAsCancelledError() {
    Queue<Integer> q = new Queue<>();
    t.run(
        () -> {
          Task<Void> consumer =
              loop.createTask(
                  q.asFlux()
                      .doOnNext(v -> t.log.add("got " + v))
                      .doOnError(e -> t.log.add("flux failed: " + e.getClass().getSimpleName()))
                      .then());
          return script(
              t.yieldOnce(),
              step(() -> q.putNowait(1)),
              t.yieldTimes(2),
              step(() -> consumer.cancel()),
              consumer.onErrorResume(
                  CancelledError.class,
                  e ->
                      step(
                          () ->
                              t.log.add(
                                  "consumer cancelled, getters=" + q.statistics().getters()))));
        });
    assertThat(t.log)
        .containsExactly("got 1", "flux failed: CancelledError", "consumer cancelled, getters=0");
  }

  @Test
  void aLifoQueueFluxEmitsNewestFirst() {
    LifoQueue<Integer> q = new LifoQueue<>();
    filled(q, 3);
    q.shutdown();
    StepVerifier.create(q.asFlux()).expectNext(2, 1, 0).verifyComplete();
  }

  @Test
  void requestingOneByOneFromOnNextDoesNotRecurse() {
    // Reactive Streams rule 3.3: a synchronous request from onNext must not grow the stack.
    Queue<Integer> q = filled(new Queue<>(), 100_000);
    q.shutdown();
    AtomicInteger count = new AtomicInteger();
    AtomicInteger maxDepth = new AtomicInteger();
    AtomicInteger depth = new AtomicInteger();
    q.asFlux()
        .subscribe(
            new BaseSubscriber<Integer>() {
              @Override
              protected void hookOnSubscribe(Subscription s) {
                request(1);
              }

              @Override
              protected void hookOnNext(Integer v) {
                maxDepth.accumulateAndGet(depth.incrementAndGet(), Math::max);
                count.incrementAndGet();
                request(1);
                depth.decrementAndGet();
              }
            });
    assertThat(count.get()).isEqualTo(100_000);
    assertThat(maxDepth.get()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- batches

  /** A subscriber that requests {@code first} at subscription and logs what it sees. */
  private static final class Recorder extends BaseSubscriber<Integer> {
    final List<String> log = new ArrayList<>();
    private final long first;
    private final java.util.function.BiConsumer<Recorder, Integer> onItem;

    Recorder(long first, java.util.function.BiConsumer<Recorder, Integer> onItem) {
      this.first = first;
      this.onItem = onItem;
    }

    @Override
    protected void hookOnSubscribe(Subscription s) {
      request(first);
    }

    @Override
    protected void hookOnNext(Integer v) {
      log.add("onNext " + v);
      onItem.accept(this, v);
    }

    @Override
    protected void hookOnComplete() {
      log.add("onComplete");
    }
  }

  @Test
  void theItemsOfOneRequestLeaveTheQueueTogether() {
    // One lock acquisition takes the whole request: by the first onNext all three have left.
    Queue<Integer> q = filled(new Queue<>(), 5);
    Recorder r = new Recorder(3, (self, v) -> self.log.add("qsize " + q.qsize()));
    q.asFlux().subscribe(r);
    assertThat(r.log)
        .containsExactly("onNext 0", "qsize 2", "onNext 1", "qsize 2", "onNext 2", "qsize 2");
    r.dispose();
    assertThat(q.qsize()).isEqualTo(2);
    assertThat(q.getNowait()).isEqualTo(3);
  }

  @Test
  void aBatchPromisesTheSlotsItFreesToWaitingPuttersOldestFirst() {
    // Queue(3) full, two putters waiting (off any loop: they resume on the thread that frees a
    // slot). A request of 2 frees two slots: both putters go in, in the order they came.
    Queue<Integer> q = filled(new Queue<>(3), 3);
    List<String> log = new ArrayList<>();
    q.put(10).subscribe(null, null, () -> log.add("put 10"));
    q.put(11).subscribe(null, null, () -> log.add("put 11"));
    assertThat(q.statistics().putters()).isEqualTo(2);
    StepVerifier.create(q.asFlux(), 2)
        .expectNext(0, 1)
        .then(() -> assertThat(log).containsExactly("put 10", "put 11"))
        .thenCancel()
        .verify(VERIFY);
    assertThat(q.statistics().putters()).isZero();
    assertThat(List.of(q.getNowait(), q.getNowait(), q.getNowait())).containsExactly(2, 10, 11);
  }

  @Test
  void aBatchWaitsBehindGettersThatCameFirst() {
    // A getter waits on an empty queue; an asFlux subscribed after it waits in line too, so the
    // first put goes to the older getter and only the second to the flux.
    Queue<Integer> q = new Queue<>();
    List<String> log = new ArrayList<>();
    q.get().subscribe(v -> log.add("get<-" + v));
    Recorder r = new Recorder(5, (self, v) -> {});
    q.asFlux().subscribe(r);
    q.putNowait(1);
    q.putNowait(2);
    q.putNowait(3);
    assertThat(log).containsExactly("get<-1");
    assertThat(r.log).containsExactly("onNext 2", "onNext 3");
    r.dispose();
  }

  @Test
  void cancellingHalfwayThroughABatchGivesTheRestBackInOrder() {
    // A request of 4 takes 0..3 at once; the subscriber cancels in onNext(1), so 2 and 3 were
    // taken but never emitted. They go back to the head of the queue, ahead of 4 and 5.
    Queue<Integer> q = filled(new Queue<>(), 6);
    Recorder r =
        new Recorder(
            4,
            (self, v) -> {
              if (v == 1) {
                self.cancel();
              }
            });
    q.asFlux().subscribe(r);
    assertThat(r.log).containsExactly("onNext 0", "onNext 1");
    assertThat(q.statistics().unfinished()).isEqualTo(6); // give-backs are not new puts
    List<Integer> left = new ArrayList<>();
    while (!q.empty()) {
      left.add(q.getNowait());
    }
    assertThat(left).containsExactly(2, 3, 4, 5);
  }

  @Test
  void cancellingHalfwayThroughABatchOfALifoQueueRestoresItsOrder() {
    LifoQueue<Integer> q = new LifoQueue<>();
    filled(q, 6);
    Recorder r =
        new Recorder(
            4,
            (self, v) -> {
              if (v == 4) {
                self.cancel();
              }
            });
    q.asFlux().subscribe(r);
    assertThat(r.log).containsExactly("onNext 5", "onNext 4");
    List<Integer> left = new ArrayList<>();
    while (!q.empty()) {
      left.add(q.getNowait());
    }
    assertThat(left).containsExactly(3, 2, 1, 0);
  }

  @Test
  void cancellingHalfwayHandsTheRestToWaitingGettersOldestFirst() {
    // A request of 3 takes 0, 1, 2 of [0..3]. In onNext(0), a get takes 3 at once, and two more
    // getters wait on the now empty queue. The cancel then hands 1 to the older, 2 to the newer.
    Queue<Integer> q = filled(new Queue<>(), 4);
    List<String> log = new ArrayList<>();
    Recorder r =
        new Recorder(
            3,
            (self, v) -> {
              q.get().subscribe(item -> log.add("g1<-" + item));
              q.get().subscribe(item -> log.add("g2<-" + item));
              q.get().subscribe(item -> log.add("g3<-" + item));
              self.cancel();
            });
    q.asFlux().subscribe(r);
    assertThat(r.log).containsExactly("onNext 0");
    assertThat(log).containsExactly("g1<-3", "g2<-1", "g3<-2");
    assertThat(q.qsize()).isZero();
    assertThat(q.statistics().getters()).isZero();
  }

  @Test
  void aCancelFromAnotherThreadHalfwayThroughABatchLosesNothing() {
    // The subscriber's thread is inside onNext(0) when another thread cancels: the drain stops
    // before the next item and gives back what it took.
    Queue<Integer> q = filled(new Queue<>(), 10);
    Recorder r =
        new Recorder(
            10,
            (self, v) -> {
              if (v == 0) {
                Thread other = new Thread(self::cancel);
                other.start();
                try {
                  other.join();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    q.asFlux().subscribe(r);
    assertThat(r.log).containsExactly("onNext 0");
    List<Integer> left = new ArrayList<>();
    while (!q.empty()) {
      left.add(q.getNowait());
    }
    assertThat(left).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @Test
  void anUnboundedRequestDrainsALargeQueueInBoundedBatches() {
    // Long.MAX_VALUE demand takes at most QueueFlux.BATCH items per lock; all arrive, in order.
    Queue<Integer> q = filled(new Queue<>(), 1000);
    List<Integer> seen = new ArrayList<>();
    Recorder r =
        new Recorder(
            Long.MAX_VALUE,
            (self, v) -> {
              seen.add(v);
              if (v == 0) {
                assertThat(q.qsize()).isEqualTo(1000 - QueueFlux.BATCH);
              }
            });
    q.asFlux().subscribe(r);
    assertThat(seen).hasSize(1000);
    assertThat(seen).isSorted();
    assertThat(q.statistics().getters()).isEqualTo(1); // then it waits for more, as one get
    q.shutdown();
    assertThat(r.log).last().isEqualTo("onComplete");
  }
}
