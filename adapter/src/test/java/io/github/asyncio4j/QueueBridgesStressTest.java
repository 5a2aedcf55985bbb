package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The bridges on plain threads, off any loop: {@link Queue#putAll} fed by sources that emit on
 * their own threads, {@link Queue#asFlux()} drained by subscribers that request, in random amounts,
 * from threads of their own, and cancel at random moments. Batches are taken, freed slots handed to
 * waiting fills, and half-emitted batches given back, all concurrently.
 *
 * <p>What must hold, whatever the interleaving: every item is received exactly once; with one
 * producer and one consumer that never cancels, in the order produced; the transfers complete, and
 * the queue ends empty with no waiter left. No timing is asserted; waits are bounded only to turn a
 * lost wake-up into a failure instead of a hang.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueueBridgesStressTest {
  private static final long WAIT_SECONDS = 20; // a hang guard, not a timing

  private final long seed = System.nanoTime();
  private final List<Throwable> unexpected = new CopyOnWriteArrayList<>();

  /**
   * Requests from its own thread: whenever what it asked for has arrived, it asks for a random 1 to
   * 16 more, until the flux completes. It cancels (from that thread, or from inside {@code onNext})
   * after a random number of items when {@code cancelAfter} is positive.
   */
  private final class Consumer extends BaseSubscriber<Integer> {
    final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicInteger count = new AtomicInteger();
    private final int cancelAfter;
    private final boolean cancelInOnNext;
    private final java.util.function.IntConsumer sink;
    private volatile boolean completed;

    Consumer(int cancelAfter, boolean cancelInOnNext, java.util.function.IntConsumer sink) {
      this.cancelAfter = cancelAfter;
      this.cancelInOnNext = cancelInOnNext;
      this.sink = sink;
    }

    @Override
    protected void hookOnSubscribe(Subscription s) {}

    @Override
    protected void hookOnNext(Integer item) {
      // Also an item emitted while a cancel from the requesting thread is under way: it was
      // received, so it is counted.
      sink.accept(item);
      outstanding.decrementAndGet();
      if (count.incrementAndGet() == cancelAfter && cancelInOnNext) {
        cancel();
      }
    }

    @Override
    protected void hookOnComplete() {
      completed = true;
    }

    @Override
    protected void hookOnError(Throwable e) {
      unexpected.add(e);
    }

    @Override
    protected void hookFinally(reactor.core.publisher.SignalType type) {
      ended.countDown();
    }

    /** The requesting thread's loop. */
    void requestUntilDone(Random r) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (ended.getCount() > 0 && System.nanoTime() < deadline) {
        if (cancelAfter > 0 && !cancelInOnNext && count.get() >= cancelAfter) {
          cancel();
        } else if (outstanding.get() == 0) {
          int n = 1 + r.nextInt(16);
          outstanding.addAndGet(n);
          request(n);
        } else {
          Thread.onSpinWait();
        }
      }
    }
  }

  private static Thread start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @ParameterizedTest(name = "maxsize {0}")
  @ValueSource(ints = {1, 3, 64, 0})
  void oneProducerThreadAndOneConsumerThreadCarryEveryItemInOrder(int maxsize) throws Exception {
    int n = 30_000;
    Queue<Integer> q = new Queue<>(maxsize);
    Scheduler producerThread = Schedulers.newSingle("producer");
    try {
      CountDownLatch produced = new CountDownLatch(1);
      q.putAll(Flux.range(0, n).publishOn(producerThread, 1 + new Random(seed).nextInt(32)))
          .then(Mono.fromRunnable(q::shutdown))
          .subscribe(null, unexpected::add, produced::countDown);
      List<Integer> items = new ArrayList<>();
      Consumer c = new Consumer(0, false, items::add);
      q.asFlux().subscribe(c);
      Thread consumer = start("consumer", () -> c.requestUntilDone(new Random(seed + 1)));
      assertThat(produced.await(WAIT_SECONDS, TimeUnit.SECONDS))
          .as("produced, seed " + seed)
          .isTrue();
      assertThat(c.ended.await(WAIT_SECONDS, TimeUnit.SECONDS))
          .as("drained, seed " + seed)
          .isTrue();
      consumer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertThat(unexpected).isEmpty();
      assertThat(c.completed).isTrue();
      assertThat(items).hasSize(n);
      for (int i = 0; i < n; i++) {
        if (items.get(i) != i) {
          throw new AssertionError("item " + i + " was " + items.get(i) + ", seed " + seed);
        }
      }
      assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, maxsize, 0, 0, n, true));
    } finally {
      producerThread.dispose();
    }
  }

  @ParameterizedTest(name = "maxsize {0}")
  @ValueSource(ints = {1, 2, 3})
  void aSourceEmittingOnTwoThreadsWhileParkedPutsResumeOnAThirdKeepsEveryItemInOrder(int maxsize)
      throws Exception {
    // A unicast sink fed by a producer thread emits on that thread, and also on whichever thread
    // requests while items wait in it: the fill's own request (from the consumer's thread, where a
    // parked put resumes and its pump asks for more) then carries items too. So items of one
    // request arrive on two threads while a third may be pumping: the burst must stay one
    // thread's at a time.
    for (int round = 0; round < 10; round++) {
      int n = 5_000;
      Queue<Integer> q = new Queue<>(maxsize);
      reactor.core.publisher.Sinks.Many<Integer> sink =
          reactor.core.publisher.Sinks.many().unicast().onBackpressureBuffer();
      CountDownLatch produced = new CountDownLatch(1);
      q.putAll(sink.asFlux())
          .then(Mono.fromRunnable(q::shutdown))
          .subscribe(null, unexpected::add, produced::countDown);
      List<Integer> items = new ArrayList<>();
      Consumer c = new Consumer(0, false, items::add);
      q.asFlux().subscribe(c);
      Thread producer =
          start(
              "producer",
              () -> {
                for (int i = 0; i < n; i++) {
                  while (sink.tryEmitNext(i).isFailure()) {
                    Thread.onSpinWait(); // another thread is draining the sink: try again
                  }
                }
                while (sink.tryEmitComplete().isFailure()) {
                  Thread.onSpinWait();
                }
              });
      Thread consumer = start("consumer", () -> c.requestUntilDone(new Random(seed + 7)));
      assertThat(produced.await(WAIT_SECONDS, TimeUnit.SECONDS))
          .as("produced, round " + round + ", seed " + seed)
          .isTrue();
      assertThat(c.ended.await(WAIT_SECONDS, TimeUnit.SECONDS))
          .as("drained, round " + round + ", seed " + seed)
          .isTrue();
      producer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      consumer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertThat(unexpected).isEmpty();
      assertThat(items).as("round " + round + ", seed " + seed).hasSize(n);
      for (int i = 0; i < n; i++) {
        if (items.get(i) != i) {
          throw new AssertionError(
              "item " + i + " was " + items.get(i) + ", round " + round + ", seed " + seed);
        }
      }
    }
  }

  @ParameterizedTest(name = "maxsize {0}")
  @ValueSource(ints = {1, 16, 0})
  void manyProducersAndCancellingConsumersDeliverEveryItemExactlyOnce(int maxsize)
      throws Exception {
    // Several rounds: a round of this caught a fill that parked a second put while the pump of
    // the first was between two items (the item then went in twice) about one time in ten.
    for (int round = 0; round < 5; round++) {
      manyProducersAndCancellingConsumers(maxsize, round);
    }
  }

  private void manyProducersAndCancellingConsumers(int maxsize, int round) throws Exception {
    // Three sources emitting on their own threads fill one queue; three consumer threads each
    // subscribe asFlux again and again, cancelling every subscription after a random number of
    // items (half of them from inside onNext, half from the requesting thread), until one
    // completes. A cancel halfway through a batch gives the rest back; nothing may be lost or
    // received twice.
    long roundSeed = seed + 1000L * round;
    int producers = 3;
    int perProducer = 10_000;
    Queue<Integer> q = new Queue<>(maxsize);
    Map<Integer, Integer> received = new ConcurrentHashMap<>();
    List<Scheduler> threads = new ArrayList<>();
    try {
      CountDownLatch produced = new CountDownLatch(producers);
      for (int p = 0; p < producers; p++) {
        Scheduler s = Schedulers.newSingle("producer-" + p);
        threads.add(s);
        q.putAll(Flux.range(p * perProducer, perProducer).publishOn(s, 1 + p * 7))
            .subscribe(null, unexpected::add, produced::countDown);
      }
      AtomicInteger subscriptions = new AtomicInteger();
      List<Thread> consumers = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        Random r = new Random(roundSeed + c);
        consumers.add(
            start(
                "consumer-" + c,
                () -> {
                  boolean done = false;
                  while (!done && unexpected.isEmpty()) {
                    subscriptions.incrementAndGet();
                    Consumer sub =
                        new Consumer(
                            1 + r.nextInt(40),
                            r.nextBoolean(),
                            item -> received.merge(item, 1, Integer::sum));
                    q.asFlux().subscribe(sub);
                    sub.requestUntilDone(r);
                    done = sub.completed;
                    if (sub.ended.getCount() > 0) {
                      unexpected.add(new AssertionError("a subscription hung, seed " + roundSeed));
                    }
                  }
                }));
      }
      assertThat(produced.await(WAIT_SECONDS, TimeUnit.SECONDS))
          .as("produced, seed " + roundSeed)
          .isTrue();
      q.shutdown();
      for (Thread t : consumers) {
        t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(t.isAlive()).as("consumer hung, seed " + roundSeed).isFalse();
      }
      assertThat(unexpected).isEmpty();
      assertThat(received).hasSize(producers * perProducer);
      received.forEach(
          (item, times) -> {
            if (times != 1) {
              throw new AssertionError(item + " received " + times + " times, seed " + roundSeed);
            }
          });
      Queue.Statistics st = q.statistics();
      assertThat(st.items()).isZero();
      assertThat(st.getters()).isZero();
      assertThat(st.putters()).isZero();
      assertThat(subscriptions.get()).isGreaterThan(3);
    } finally {
      threads.forEach(Scheduler::dispose);
    }
  }
}
