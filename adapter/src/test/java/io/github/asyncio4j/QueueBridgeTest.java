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
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/**
 * {@link Queue#putAll}: the queue's capacity backpressures the source (it is asked for one item
 * beyond what the queue took), completion, errors, shutdown and cancellation; and the two bridges
 * together.
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
}
