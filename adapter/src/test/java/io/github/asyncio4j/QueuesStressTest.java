package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Randomized stress on real threads: producers and consumers on plain threads and in tasks of two
 * event loops, with random cancellations (a Reactor cancel of a get, a put or an {@code asFlux}
 * subscription, at random moments; {@code task.cancel()} of loop tasks from other threads). Then
 * the queue is shut down and drained.
 *
 * <p>What must hold, whatever the interleaving: an item is in the queue exactly when its put
 * completed (a put signals {@code onComplete} if and only if its item went in), and every such item
 * is received exactly once (an {@code onNext} of a get, of an {@code asFlux}, or a final {@code
 * getNowait}); no other item is ever received; the queue ends empty with no waiter left, every live
 * subscription terminated, and {@code join()} released. No timing is asserted; waits are bounded
 * only to turn a lost wake-up into a failure instead of a hang.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueuesStressTest {
  private static final int PLAIN_PRODUCERS = 2;
  private static final int ITEMS_PER_PRODUCER = 6_000;
  private static final int LOOP_PRODUCER_TASKS = 300;
  private static final int ITEMS_PER_LOOP_TASK = 10;
  private static final int BRIDGE_ITEMS = 3_000;
  private static final long WAIT_SECONDS = 20; // a hang guard, not a timing

  private final long seed = System.nanoTime();
  private final AtomicInteger threadSeeds = new AtomicInteger();

  private final Map<Integer, Boolean> admitted = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> received = new ConcurrentHashMap<>();
  private final List<Throwable> unexpected = new CopyOnWriteArrayList<>();
  private final AtomicInteger liveSubscriptions = new AtomicInteger();
  private final AtomicInteger nextLoopItem = new AtomicInteger(10_000_000);

  private Queue<Integer> q;

  private Random random() {
    return new Random(seed + threadSeeds.incrementAndGet());
  }

  private void receive(Integer item) {
    received.merge(item, 1, Integer::sum);
    q.taskDone();
  }

  private static void spin(Random r) {
    for (int i = r.nextInt(64); i > 0; i--) {
      Thread.onSpinWait();
    }
  }

  /**
   * One get or put by a plain thread: records what it signals, even after its own cancel (a signal
   * racing the cancel is still an outcome), and gives its permit back exactly once, on its terminal
   * signal or on its cancel.
   */
  private final class Probe<T> implements CoreSubscriber<T> {
    private final Semaphore permits;
    private final int item; // for a put: its item
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean terminated = new AtomicBoolean();
    private final AtomicReference<Subscription> subscription = new AtomicReference<>();
    private volatile boolean cancelled;

    Probe(Semaphore permits, int item) {
      this.permits = permits;
      this.item = item;
      liveSubscriptions.incrementAndGet();
    }

    private void release() {
      if (released.compareAndSet(false, true)) {
        permits.release();
      }
    }

    private void end() {
      if (terminated.compareAndSet(false, true) && !cancelled) {
        liveSubscriptions.decrementAndGet();
      }
      release();
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription.set(s);
      s.request(1);
    }

    @Override
    public void onNext(T value) {
      receive((Integer) value);
    }

    @Override
    public void onError(Throwable e) {
      if (!(e instanceof QueueShutDown)) {
        unexpected.add(e);
      }
      end();
    }

    @Override
    public void onComplete() {
      if (item >= 0) {
        admitted.put(item, true); // a put completes exactly when its item went in
      }
      end();
    }

    void cancel() {
      if (terminated.compareAndSet(false, true)) {
        cancelled = true;
        liveSubscriptions.decrementAndGet();
      }
      subscription.get().cancel();
      release();
    }
  }

  private Thread plainProducer(int index) {
    return new Thread(
        () -> {
          Random r = random();
          Semaphore permits = new Semaphore(4);
          int base = index * ITEMS_PER_PRODUCER;
          try {
            for (int i = 0; i < ITEMS_PER_PRODUCER; i++) {
              int item = base + i;
              if (r.nextInt(10) == 0) {
                try {
                  q.putNowait(item);
                  admitted.put(item, true);
                } catch (QueueFull full) {
                  // not put: never to be received
                }
                continue;
              }
              if (!permits.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("puts of producer " + index + " stopped completing");
              }
              Probe<Void> put = new Probe<>(permits, item);
              q.put(item).subscribe(put);
              if (r.nextInt(5) == 0) {
                spin(r);
                put.cancel();
              }
            }
            if (!permits.tryAcquire(4, WAIT_SECONDS, TimeUnit.SECONDS)) {
              throw new AssertionError("puts of producer " + index + " stopped completing");
            }
          } catch (Throwable e) {
            unexpected.add(e);
          }
        },
        "producer-" + index);
  }

  private Thread plainConsumer(int index, AtomicBoolean shutDown) {
    return new Thread(
        () -> {
          Random r = random();
          Semaphore permits = new Semaphore(4);
          try {
            while (!shutDown.get() || !q.empty()) {
              switch (r.nextInt(4)) {
                case 0 -> {
                  try {
                    receive(q.getNowait());
                  } catch (QueueEmpty | QueueShutDown none) {
                    Thread.onSpinWait();
                  }
                }
                case 1 -> drainSomeWithAsFlux(r);
                default -> {
                  if (!permits.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    continue; // all four gets wait: look at the shutdown flag again
                  }
                  Probe<Integer> get = new Probe<>(permits, -1);
                  q.get().subscribe(get);
                  if (r.nextInt(4) == 0) {
                    spin(r);
                    get.cancel();
                  }
                }
              }
            }
            if (!permits.tryAcquire(4, WAIT_SECONDS, TimeUnit.SECONDS)) {
              throw new AssertionError("gets of consumer " + index + " never ended");
            }
          } catch (Throwable e) {
            unexpected.add(e);
          }
        },
        "consumer-" + index);
  }

  /** Subscribes to asFlux with a random demand, and cancels it after a few items or at once. */
  private void drainSomeWithAsFlux(Random r) {
    int wanted = 1 + r.nextInt(8);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    AtomicInteger got = new AtomicInteger();
    AtomicReference<Subscription> subscription = new AtomicReference<>();
    q.asFlux()
        .subscribe(
            new CoreSubscriber<Integer>() {
              @Override
              public void onSubscribe(Subscription s) {
                subscription.set(s);
                s.request(wanted);
              }

              @Override
              public void onNext(Integer item) {
                receive(item);
                if (got.incrementAndGet() == wanted) {
                  subscription.get().cancel();
                  ended.complete(null);
                }
              }

              @Override
              public void onError(Throwable e) {
                unexpected.add(e);
                ended.complete(null);
              }

              @Override
              public void onComplete() {
                ended.complete(null);
              }
            });
    if (r.nextBoolean() || !ended.isDone()) {
      spin(r);
      subscription.get().cancel(); // whatever was handed to its pending get goes back
    }
  }

  /** A task putting a few fresh items, each recorded only once its put completed. */
  private Mono<Void> loopProducer() {
    return Flux.range(0, ITEMS_PER_LOOP_TASK)
        .concatMap(
            i -> {
              int item = nextLoopItem.getAndIncrement();
              return q.put(item).then(Mono.fromRunnable(() -> admitted.put(item, true)));
            })
        .then();
  }

  /** A task getting until the queue is shut down and empty, yielding after each item. */
  private Mono<Void> loopConsumer(EventLoop loop) {
    return Mono.defer(() -> q.get().doOnNext(this::receive).then(loop.sleep(0)))
        .repeat()
        .onErrorResume(QueueShutDown.class, e -> Mono.empty())
        .then();
  }

  /** For a failure message: the queue, and where {@code stuck} is. */
  private String state(Thread stuck) {
    StringBuilder sb = new StringBuilder(String.valueOf(q)).append(' ').append(q.statistics());
    for (StackTraceElement e : stuck.getStackTrace()) {
      sb.append("\n  at ").append(e);
    }
    return sb.append("\nseed ").append(seed).toString();
  }

  /** Creates the task on its loop and hands it to the calling thread. */
  private static Task<Void> spawn(EventLoop loop, Mono<Void> body) throws Exception {
    CompletableFuture<Task<Void>> created = new CompletableFuture<>();
    loop.callSoonThreadsafe(() -> created.complete(loop.createTask(body)));
    return created.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static void awaitDone(Task<?> task) throws Exception {
    try {
      task.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.CancellationException
        | java.util.concurrent.ExecutionException expected) {
      // cancelled or failed: only that it ended matters here (failures are checked elsewhere)
    }
  }

  @ParameterizedTest(name = "maxsize {0}")
  @ValueSource(ints = {1, 8, 0})
  void everyItemPutIsReceivedExactlyOnceWhateverIsCancelled(int maxsize) throws Exception {
    q = new Queue<>(maxsize);
    EventLoop[] loops = {
      EventLoop.newThreadEventLoop("stress-loop-1"), EventLoop.newThreadEventLoop("stress-loop-2")
    };
    AtomicBoolean shutDown = new AtomicBoolean();
    try {
      List<Thread> producers = new ArrayList<>();
      for (int p = 0; p < PLAIN_PRODUCERS; p++) {
        producers.add(plainProducer(p));
      }
      List<Thread> consumers = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        consumers.add(plainConsumer(c, shutDown));
      }
      List<Task<Void>> loopConsumers = new ArrayList<>();
      for (EventLoop loop : loops) {
        for (int i = 0; i < 2; i++) {
          loopConsumers.add(spawn(loop, loopConsumer(loop)));
        }
      }
      List<Task<Void>> allLoopConsumers = new ArrayList<>(loopConsumers);
      // A bridge: putAll from a range, never cancelled, so all of it must arrive.
      CompletableFuture<Void> bridged = new CompletableFuture<>();
      q.putAll(Flux.range(20_000_000, BRIDGE_ITEMS).doOnNext(item -> admitted.put(item, true)))
          .subscribe(null, bridged::completeExceptionally, () -> bridged.complete(null));
      producers.forEach(Thread::start);
      consumers.forEach(Thread::start);

      // Loop producers, and loop consumers that are cancelled and replaced, from this thread.
      Random r = random();
      List<Task<Void>> loopProducers = new ArrayList<>();
      for (int i = 0; i < LOOP_PRODUCER_TASKS; i++) {
        Task<Void> producer = spawn(loops[i % 2], loopProducer());
        loopProducers.add(producer);
        if (r.nextInt(3) == 0) {
          spin(r);
          producer.cancel(); // its pending put is withdrawn or, if promised, passes its slot on
        }
        if (r.nextInt(10) == 0) {
          int victim = r.nextInt(loopConsumers.size());
          loopConsumers.get(victim).cancel(); // a handed item goes back to the queue
          EventLoop loop = loops[victim % 2];
          loopConsumers.set(victim, spawn(loop, loopConsumer(loop)));
          allLoopConsumers.add(loopConsumers.get(victim));
        }
      }

      for (Thread p : producers) {
        p.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(p.isAlive()).as("%s finished; %s", p.getName(), state(p)).isFalse();
      }
      for (Task<Void> producer : loopProducers) {
        awaitDone(producer);
      }
      bridged.get(WAIT_SECONDS, TimeUnit.SECONDS);

      q.shutdown(); // the consumers drain what is left, then their gets fail and they stop
      shutDown.set(true);
      for (Thread c : consumers) {
        c.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(c.isAlive()).as("%s finished; %s", c.getName(), state(c)).isFalse();
      }
      for (Task<Void> consumer : allLoopConsumers) {
        awaitDone(consumer); // a cancelled one gives back what it was handed before it ends
      }
      while (true) { // a get cancelled late may have given an item back after the others left
        try {
          receive(q.getNowait());
        } catch (QueueShutDown end) {
          break;
        }
      }
    } finally {
      for (EventLoop loop : loops) {
        loop.dispose();
      }
    }

    assertThat(unexpected).as("seed %d", seed).isEmpty();
    assertThat(received.entrySet())
        .as("items received more than once, seed %d", seed)
        .filteredOn(e -> e.getValue() != 1)
        .isEmpty();
    assertThat(received.keySet())
        .as("received exactly the items put, seed %d", seed)
        .containsExactlyInAnyOrderElementsOf(admitted.keySet());
    assertThat(admitted).hasSizeGreaterThan(BRIDGE_ITEMS); // the run did put things
    assertThat(liveSubscriptions).as("gets and puts never ended").hasValue(0);
    assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, maxsize, 0, 0, 0, true));
    assertThat(q.join().toFuture()).isDone(); // every item done: join returns at once
  }
}
