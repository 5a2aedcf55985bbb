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
}
