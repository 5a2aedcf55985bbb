package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * DESIGN.md "With or without a loop": used from plain threads, the queue never blocks a thread and
 * a waiter resumes on the thread whose call served it; a waiter on a loop resumes on the loop's
 * thread whoever served it.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueuesOffLoopTest {
  private static final long WAIT_SECONDS = 10; // a hang guard, not a timing

  /** Runs {@code r} on a new thread named {@code name} and waits for it. */
  private static void onThread(String name, Runnable r) throws InterruptedException {
    Thread thread = new Thread(r, name);
    thread.start();
    thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertThat(thread.isAlive()).as("%s finished", name).isFalse();
  }

  @Test
  void aWaitingGetterResumesOnThePuttingThread() throws InterruptedException {
    Queue<Integer> q = new Queue<>();
    AtomicReference<String> where = new AtomicReference<>();
    q.get().subscribe(v -> where.set(v + " on " + Thread.currentThread().getName()));
    assertThat(where.get()).isNull(); // subscribe returned: nothing blocked
    assertThat(q.statistics().getters()).isEqualTo(1);
    onThread("putter", () -> q.putNowait(1));
    assertThat(where.get()).isEqualTo("1 on putter");
  }

  @Test
  void aWaitingPutterResumesOnTheGettingThread() throws InterruptedException {
    Queue<Integer> q = new Queue<>(1);
    q.putNowait(1);
    AtomicReference<String> where = new AtomicReference<>();
    q.put(2).subscribe(null, null, () -> where.set("put on " + Thread.currentThread().getName()));
    assertThat(where.get()).isNull();
    onThread("getter", q::getNowait);
    assertThat(where.get()).isEqualTo("put on getter");
    assertThat(q.getNowait()).isEqualTo(2);
  }

  @Test
  void joinResumesOnTheThreadOfTheLastTaskDone() throws InterruptedException {
    Queue<Integer> q = new Queue<>();
    q.putNowait(1);
    AtomicReference<String> where = new AtomicReference<>();
    q.join().subscribe(null, null, () -> where.set(Thread.currentThread().getName()));
    q.getNowait();
    onThread("worker", q::taskDone);
    assertThat(where.get()).isEqualTo("worker");
  }

  @Test
  void shutdownFailsWaitersOnTheShuttingDownThread() throws InterruptedException {
    Queue<Integer> q = new Queue<>();
    AtomicReference<String> where = new AtomicReference<>();
    q.get()
        .subscribe(
            null,
            e ->
                where.set(
                    e.getClass().getSimpleName() + " on " + Thread.currentThread().getName()));
    onThread("closer", q::shutdown);
    assertThat(where.get()).isEqualTo("QueueShutDown on closer");
  }

  @Test
  void aGetterOnALoopResumesOnTheLoopThreadWhenAPlainThreadPuts() throws Exception {
    EventLoop loop = EventLoop.newThreadEventLoop("queue-loop");
    try {
      Queue<Integer> q = new Queue<>();
      CountDownLatch waiting = new CountDownLatch(1);
      CompletableFuture<String> got =
          loop.submit(
              q.get()
                  .doOnSubscribe(s -> waiting.countDown()) // the getter is queued by now
                  .map(v -> v + " on " + Thread.currentThread().getName()));
      assertThat(waiting.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      q.putNowait(42); // from the test thread
      assertThat(got.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("42 on queue-loop");
    } finally {
      loop.dispose();
    }
  }

  @Test
  void theBridgesCarryItemsBetweenPlainThreadsInOrder() throws Exception {
    // A producer thread pipes 10,000 items through a queue of 16 to the consumer on this thread;
    // each side resumes the other as it makes room or brings an item.
    Queue<Integer> q = new Queue<>(16);
    int n = 10_000;
    CompletableFuture<Void> produced = new CompletableFuture<>();
    Thread producer =
        new Thread(
            () ->
                q.putAll(Flux.range(0, n))
                    .then(Mono.fromRunnable(q::shutdown))
                    .subscribe(
                        null, produced::completeExceptionally, () -> produced.complete(null)),
            "producer");
    producer.start();
    List<Integer> items = q.asFlux().collectList().block(Duration.ofSeconds(WAIT_SECONDS));
    produced.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(items).containsExactlyElementsOf(IntStream.range(0, n).boxed().toList());
    assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, 16, 0, 0, n, true));
  }

  @Test
  void getsAndPutsFromManyThreadsLoseAndDuplicateNothing() throws Exception {
    // Four threads put 2,500 items each with put().subscribe(); four take with getNowait and
    // get().subscribe(); nothing ever blocks, and every item arrives exactly once.
    Queue<Integer> q = new Queue<>(8);
    int perThread = 2_500;
    List<Integer> got = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch allGot = new CountDownLatch(4 * perThread);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      int base = p * perThread;
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  q.put(base + i).subscribe();
                }
              },
              "putter-" + p));
    }
    for (int c = 0; c < 4; c++) {
      int consumer = c;
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  if (consumer % 2 == 0) {
                    q.get()
                        .subscribe(
                            v -> {
                              got.add(v);
                              allGot.countDown();
                            });
                  } else {
                    try {
                      got.add(q.getNowait());
                      allGot.countDown();
                    } catch (QueueEmpty e) {
                      i--; // try again: this consumer owes its share
                      Thread.onSpinWait();
                    }
                  }
                }
              },
              "getter-" + c));
    }
    threads.forEach(Thread::start);
    for (Thread th : threads) {
      th.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    }
    assertThat(allGot.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(got).hasSize(4 * perThread).doesNotHaveDuplicates();
    assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, 8, 0, 0, 4 * perThread, false));
  }
}
