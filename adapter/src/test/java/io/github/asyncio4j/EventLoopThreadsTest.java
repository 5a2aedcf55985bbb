package io.github.asyncio4j;

import static io.github.asyncio4j.EventLoopOrderingTest.runOnce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The loop and other threads: {@code callSoonThreadsafe} wakes an idle loop and keeps each thread's
 * order (DESIGN.md rule 5, asyncio's L5); timers from several threads keep scheduling order (rule
 * 3); the loop thread is a Reactor non-blocking thread (rule 8). Real threads, bounded by
 * {@code @Timeout}, with no timing assertion.
 */
@Timeout(10)
class EventLoopThreadsTest {

  private final List<EventLoop> started = new ArrayList<>();
  private final List<Object> log = new CopyOnWriteArrayList<>();

  private EventLoop threadLoop(String name) {
    EventLoop loop = EventLoop.newThreadEventLoop(name);
    started.add(loop);
    return loop;
  }

  @AfterEach
  void disposeLoops() {
    started.forEach(EventLoop::dispose);
  }

  // test_events.py::EventLoopTestsMixin::test_call_soon_threadsafe
  @Test
  void callSoonThreadsafeWakesALoopWaitingForWork() {
    EventLoop loop = threadLoop("idle-loop");
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    loop.callSoonThreadsafe(() -> ran.complete(Thread.currentThread()));

    assertThat(ran.join().getName()).isEqualTo("idle-loop");
    assertThat(EventLoop.isLoopThread(ran.join())).isTrue();
  }

  @Test
  void callSoonThreadsafeWakesALoopWaitingForAFarTimer() {
    EventLoop loop = threadLoop("timer-loop");
    CompletableFuture<Void> armed = new CompletableFuture<>();
    loop.callSoonThreadsafe(
        () -> {
          loop.callLater(3600, () -> log.add("an hour later"));
          armed.complete(null);
        });
    armed.join(); // the loop now waits for the timer, an hour away

    CompletableFuture<String> woken = new CompletableFuture<>();
    loop.callSoonThreadsafe(() -> woken.complete("woken"));
    assertThat(woken.join()).isEqualTo("woken");
    assertThat(log).isEmpty();
  }

  // test_events.py::EventLoopTestsMixin::test_call_soon_threadsafe_same_thread
  @Test
  void callSoonThreadsafeOnTheLoopThreadIsFifoWithCallSoon() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    loop.callSoon(
        () -> {
          loop.callSoon(() -> log.add("A"));
          loop.callSoonThreadsafe(() -> log.add("B"));
          loop.callSoon(() -> log.add("C"));
          loop.schedule(() -> log.add("D")); // the Reactor Scheduler view is the same queue
        });
    runOnce(loop);
    runOnce(loop);
    assertThat(log).containsExactly("A", "B", "C", "D");
  }

  @Test
  void eachThreadsOrderIsKept() throws InterruptedException {
    EventLoop loop = threadLoop("order-loop");
    int perThread = 20_000;
    int threads = 3;
    int[][] seen = new int[threads][perThread]; // written on the loop thread only
    int[] counts = new int[threads];
    CompletableFuture<Void> done = new CompletableFuture<>();
    int[] total = {0};
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < threads; p++) {
      int producer = p;
      producers.add(
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  int n = i;
                  loop.callSoonThreadsafe(
                      () -> {
                        seen[producer][counts[producer]++] = n;
                        if (++total[0] == threads * perThread) {
                          done.complete(null);
                        }
                      });
                }
              }));
    }
    producers.forEach(Thread::start);
    for (Thread t : producers) {
      t.join();
    }
    done.join(); // happens-after every write of the loop thread above

    for (int p = 0; p < threads; p++) {
      assertThat(counts[p]).isEqualTo(perThread);
      for (int i = 0; i < perThread; i++) {
        if (seen[p][i] != i) {
          assertThat(seen[p][i]).as("producer %d, element %d", p, i).isEqualTo(i);
        }
      }
    }
  }

  @Test
  void callbacksFromAnotherThreadWaitForTheLoopToRun() throws InterruptedException {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    Thread producer =
        new Thread(
            () -> {
              loop.callSoonThreadsafe(() -> log.add(1));
              loop.callSoonThreadsafe(() -> log.add(2));
              loop.callLater(0, () -> log.add("timer"));
              loop.callSoonThreadsafe(() -> log.add(3));
            });
    producer.start();
    producer.join();
    assertThat(log).isEmpty();

    runOnce(loop);
    assertThat(log).containsExactly(1, 2, 3, "timer");
  }

  // Rule 3: equal deadlines run in scheduling order, across threads too.
  @Test
  void equalDeadlinesFromSeveralThreadsRunInSchedulingOrder() throws InterruptedException {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    for (String name : List.of("t1", "t2", "t3")) {
      Thread t =
          new Thread(
              () -> {
                loop.callAt(5, () -> log.add(name + "-a"));
                loop.callAt(5, () -> log.add(name + "-b"));
              });
      t.start();
      t.join();
    }
    loop.callAt(5, () -> log.add("main"));
    EventLoopOrderingTest.runUntil(loop, 5);

    assertThat(log).containsExactly("t1-a", "t1-b", "t2-a", "t2-b", "t3-a", "t3-b", "main");
  }

  @Test
  void aLoopRunsItsCallbacksOnItsOwnThread() {
    EventLoop loop = threadLoop("own-loop");
    List<String> names = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.callSoonThreadsafe(() -> names.add(Thread.currentThread().getName()));
    loop.schedule(() -> names.add(Thread.currentThread().getName()));
    loop.submit(
            Mono.fromRunnable(() -> names.add(Thread.currentThread().getName()))
                .then(loop.sleep(0.001))
                .then(Mono.fromRunnable(() -> names.add(Thread.currentThread().getName()))))
        .thenRun(() -> done.complete(null));
    done.join();

    assertThat(names).hasSize(4).containsOnly("own-loop");
  }

  // ---------------------------------------------------------------- a loop on its own thread

  @Test
  void aLoopOnItsOwnThreadCountsAsRunningFromTheStart() {
    for (int i = 0; i < 50; i++) {
      EventLoop loop = threadLoop("starting-loop-" + i);
      // Right after creation its thread may not have entered runForever yet: still its loop.
      assertThatThrownBy(loop::close)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Cannot close a running event loop");
      assertThatThrownBy(loop::runForever)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("This event loop is already running");
      assertThatThrownBy(() -> loop.runUntilComplete(Mono.just(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("This event loop is already running");
      assertThat(loop.submit(Mono.just(i)).join()).isEqualTo(i);
    }
  }

  @Test
  void disposingALoopAsItStartsClosesItOnItsOwnThread() {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler saved = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    try {
      for (int i = 0; i < 50; i++) {
        EventLoop loop = EventLoop.newThreadEventLoop("short-lived-loop-" + i);
        loop.dispose();
        assertThat(loop.isDisposed()).isTrue();
        loop.disposeGracefully().block();
        assertThat(loop.isClosed()).isTrue();
      }
      // Each thread closes its own loop: none may find it closed under its feet.
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().startsWith("short-lived-loop-")) {
          t.join();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(saved);
    }
    assertThat(uncaught).isEmpty();
  }

  @Test
  void aLoopOnItsOwnThreadKeepsRunningWhenStopped() {
    EventLoop loop = threadLoop("restarting-loop");
    loop.submit(Mono.empty()).join();
    loop.stop(); // its thread runs it again: only dispose() ends it
    assertThat(loop.submit(Mono.just("still serving")).join()).isEqualTo("still serving");
    assertThat(loop.isClosed()).isFalse();
  }

  // ---------------------------------------------------------------- rule 8: non-blocking

  @Test
  void blockIsRefusedOnTheThreadRunningALoop() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    loop.callSoon(
        () -> {
          log.add(Schedulers.isInNonBlockingThread());
          log.add(EventLoopLifecycleTest.thrown(() -> Mono.just(1).hide().block()));
        });
    runOnce(loop);

    String thread = Thread.currentThread().getName();
    assertThat(log)
        .containsExactly(
            true,
            "IllegalStateException: block()/blockFirst()/blockLast() are blocking, which is not"
                + " supported in thread "
                + thread);
    // The same thread may block again once the loop stops.
    assertThat(Schedulers.isInNonBlockingThread()).isFalse();
    assertThat(EventLoop.isLoopThread(Thread.currentThread())).isFalse();
    assertThat(Mono.just(2).hide().block()).isEqualTo(2);
  }

  @Test
  void blockIsRefusedOnALoopsOwnThread() {
    EventLoop loop = threadLoop("nonblocking-loop");
    CompletableFuture<String> refused = new CompletableFuture<>();
    loop.callSoonThreadsafe(
        () -> refused.complete(EventLoopLifecycleTest.thrown(() -> Mono.just(1).hide().block())));

    assertThat(refused.join())
        .isEqualTo(
            "IllegalStateException: block()/blockFirst()/blockLast() are blocking, which is not"
                + " supported in thread nonblocking-loop");
  }

  @Test
  void runningAndIsLoopThreadAnswerPerThread() {
    EventLoop loop = threadLoop("answer-loop");
    CompletableFuture<EventLoop> inside = new CompletableFuture<>();
    loop.callSoonThreadsafe(() -> inside.complete(EventLoop.running()));

    assertThat(inside.join()).isSameAs(loop);
    assertThat(EventLoop.runningOrNull()).isNull();
    assertThat(EventLoop.isLoopThread(Thread.currentThread())).isFalse();
    assertThatThrownBy(EventLoop::running).hasMessage("no running event loop");
  }
}
