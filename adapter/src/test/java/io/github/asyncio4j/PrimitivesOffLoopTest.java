package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The design's "With or without a loop": used with no {@link EventLoop} at all (plain threads, a
 * Reactor {@code parallel()} pipeline), the primitives are thread-safe, never block a thread, and
 * resume a waiter on the thread that releases, sets, signals or completes the barrier for it,
 * synchronously, before that call returns. That last point makes these tests deterministic: each
 * step runs on its own named thread, joined before the next.
 */
@Timeout(30)
class PrimitivesOffLoopTest {
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());

  /** Runs {@code body} on a new thread named {@code name}, and waits for it to end. */
  private static void onThread(String name, Runnable body) throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            name);
    t.start();
    t.join();
    if (failure.get() != null) {
      throw new AssertionError("failed on " + name, failure.get());
    }
  }

  /** Logs {@code what} with the name of the thread it happens on. */
  private void logHere(String what) {
    log.add(what + " on " + Thread.currentThread().getName());
  }

  /** Subscribes to {@code m}, logging its completion with the thread; no blocking. */
  private Disposable subscribeLogging(String who, Mono<?> m) {
    return m.subscribe(
        v -> logHere(who + " got " + v),
        e -> logHere(who + " failed with " + e.getClass().getSimpleName() + " " + e.getMessage()),
        () -> logHere(who + " done"));
  }

  // ---------------------------------------------------------------- Lock

  @Test
  void lockWaitersResumeInFifoOrderOnTheReleasingThread() throws Exception {
    Lock lock = new Lock();
    onThread("owner", () -> subscribeLogging("owner", lock.acquire()));
    onThread("a", () -> subscribeLogging("a", lock.acquire()));
    onThread("b", () -> subscribeLogging("b", lock.acquire()));
    log.add("a and b returned without blocking");
    assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, 2));
    onThread("releaser-1", lock::release);
    onThread("releaser-2", lock::release);
    assertThat(lock.locked()).isTrue(); // b holds it
    onThread("releaser-3", lock::release);
    assertThat(log)
        .containsExactly(
            "owner done on owner",
            "a and b returned without blocking",
            "a done on releaser-1",
            "b done on releaser-2");
    assertThat(lock.locked()).isFalse();
  }

  @Test
  void disposedLockWaiterLeavesAndTheNextGetsTheLock() throws Exception {
    Lock lock = new Lock();
    assertThat(lock.tryAcquire()).isTrue();
    AtomicReference<Disposable> a = new AtomicReference<>();
    onThread("a", () -> a.set(subscribeLogging("a", lock.acquire())));
    onThread("b", () -> subscribeLogging("b", lock.acquire()));
    onThread("client-gone", () -> a.get().dispose());
    assertThat(lock).hasToString("<Lock [locked, waiters:1]>");
    onThread("releaser", lock::release);
    assertThat(log).containsExactly("b done on releaser");
    lock.release();
    assertThat(lock.locked()).isFalse();
  }

  @Test
  void aContendedAcquireDoesNotBlockANonBlockingThread() throws Exception {
    Lock lock = new Lock();
    assertThat(lock.tryAcquire()).isTrue();
    CountDownLatch subscribed = new CountDownLatch(1);
    AtomicBoolean nonBlockingThread = new AtomicBoolean();
    CompletableFuture<String> resumedOn = new CompletableFuture<>();
    Schedulers.parallel()
        .schedule(
            () -> {
              nonBlockingThread.set(Schedulers.isInNonBlockingThread());
              lock.acquire()
                  .subscribe(
                      null,
                      resumedOn::completeExceptionally,
                      () -> resumedOn.complete(Thread.currentThread().getName()));
              subscribed.countDown(); // reached while the lock is still held
            });
    assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(nonBlockingThread).isTrue();
    assertThat(resumedOn).isNotDone();
    lock.release(); // from the test's thread: the waiter resumes here
    assertThat(resumedOn).isCompletedWithValue(Thread.currentThread().getName());
    lock.release();
  }

  @Test
  void withLockOnTheParallelSchedulerIsMutuallyExclusive() {
    Lock lock = new Lock();
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    int n = 400;
    // The body holds the lock across a thread hop, so holders overlap unless the lock excludes.
    Long count =
        Flux.range(0, n)
            .parallel(4)
            .runOn(Schedulers.parallel())
            .flatMap(
                i ->
                    lock.withLock(
                        Mono.fromCallable(
                                () ->
                                    maxHolders.accumulateAndGet(
                                        holders.incrementAndGet(), Math::max))
                            .publishOn(Schedulers.parallel())
                            .doOnNext(x -> holders.decrementAndGet())))
            .sequential()
            .count()
            .block(Duration.ofSeconds(20));
    assertThat(count).isEqualTo(n);
    assertThat(maxHolders).hasValue(1);
    assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(false, 0));
  }

  // ---------------------------------------------------------------- Semaphore

  @Test
  void semaphoreWaitersResumeInFifoOrderOnTheReleasingThread() throws Exception {
    Semaphore sem = new Semaphore(1);
    onThread("owner", () -> subscribeLogging("owner", sem.acquire()));
    onThread("a", () -> subscribeLogging("a", sem.acquire()));
    onThread("b", () -> subscribeLogging("b", sem.acquire()));
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 2));
    onThread("releaser-1", sem::release);
    // a resumed before release() returned: no hand-off is left on its way.
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 1));
    onThread("releaser-2", sem::release);
    onThread("releaser-3", sem::release);
    assertThat(log)
        .containsExactly("owner done on owner", "a done on releaser-1", "b done on releaser-2");
    assertThat(sem.locked()).isFalse();
    assertThat(sem.tryAcquire()).isTrue();
  }

  @Test
  void withPermitOnTheParallelSchedulerBoundsConcurrency() {
    Semaphore sem = new BoundedSemaphore(3);
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    int n = 400;
    Long count =
        Flux.range(0, n)
            .parallel(4)
            .runOn(Schedulers.parallel())
            .flatMap(
                i ->
                    sem.withPermit(
                        Mono.fromCallable(
                                () ->
                                    maxHolders.accumulateAndGet(
                                        holders.incrementAndGet(), Math::max))
                            .publishOn(Schedulers.parallel())
                            .doOnNext(x -> holders.decrementAndGet())))
            .sequential()
            .count()
            .block(Duration.ofSeconds(20));
    assertThat(count).isEqualTo(n);
    assertThat(maxHolders.get()).isBetween(1, 3);
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(3, 0));
  }

  // ---------------------------------------------------------------- Event

  @Test
  void eventWaitersResumeInFifoOrderOnTheSettingThread() throws Exception {
    Event ev = new Event();
    onThread("w1", () -> subscribeLogging("w1", ev.await()));
    onThread("w2", () -> subscribeLogging("w2", ev.await()));
    onThread("w3", () -> subscribeLogging("w3", ev.await()));
    log.add("nobody blocked");
    onThread("setter", ev::set);
    onThread("late", () -> subscribeLogging("late", ev.await()));
    assertThat(log)
        .containsExactly(
            "nobody blocked",
            "w1 got true on setter",
            "w1 done on setter",
            "w2 got true on setter",
            "w2 done on setter",
            "w3 got true on setter",
            "w3 done on setter",
            "late got true on late",
            "late done on late");
    assertThat(ev.statistics()).isEqualTo(new Event.Statistics(true, 0));
  }

  // ---------------------------------------------------------------- Condition

  @Test
  void conditionWaiterResumesOnTheThreadThatReleasesTheLockAfterSignalling() throws Exception {
    Condition cond = new Condition();
    AtomicBoolean ready = new AtomicBoolean();
    onThread("waiter", () -> subscribeLogging("waiter", cond.withLock(cond.waitFor(ready::get))));
    assertThat(cond.statistics()).isEqualTo(new Condition.Statistics(false, 1)); // lock given up
    onThread(
        "signaller",
        () ->
            cond.withLock(
                    Mono.fromRunnable(
                        () -> {
                          ready.set(true);
                          cond.signal();
                          logHere("signalled, waiter queued for the lock");
                        }))
                .subscribe());
    assertThat(log)
        .containsExactly(
            "signalled, waiter queued for the lock on signaller",
            "waiter got true on signaller",
            "waiter done on signaller");
    assertThat(cond.statistics()).isEqualTo(new Condition.Statistics(false, 0));
  }

  // ---------------------------------------------------------------- Barrier

  @Test
  void barrierPartiesResumeOnTheLastArrivalsThread() throws Exception {
    Barrier barrier = new Barrier(3);
    onThread("p0", () -> subscribeLogging("p0", barrier.await()));
    onThread("p1", () -> subscribeLogging("p1", barrier.await()));
    assertThat(barrier.nWaiting()).isEqualTo(2);
    onThread("p2", () -> subscribeLogging("p2", barrier.await()));
    assertThat(log)
        .containsExactly(
            "p0 got 0 on p2",
            "p0 done on p2",
            "p1 got 1 on p2",
            "p1 done on p2",
            "p2 got 2 on p2",
            "p2 done on p2");
    assertThat(barrier.nWaiting()).isZero();
  }

  @Test
  void barrierAbortAndResetFailTheWaitersOnTheirThread() throws Exception {
    Barrier barrier = new Barrier(3);
    onThread("p0", () -> subscribeLogging("p0", barrier.await()));
    onThread("aborter", barrier::abort);
    onThread("late", () -> subscribeLogging("late", barrier.await()));
    onThread("resetter", barrier::reset);
    onThread("p1", () -> subscribeLogging("p1", barrier.await()));
    onThread("resetter-2", barrier::reset);
    assertThat(log)
        .containsExactly(
            "p0 failed with BrokenBarrierError Abort or reset of barrier on aborter",
            "late failed with BrokenBarrierError Barrier aborted on late",
            "p1 failed with BrokenBarrierError Abort or reset of barrier on resetter-2");
    assertThat(barrier.statistics()).isEqualTo(new Barrier.Statistics(3, 0, false));
  }

  // ---------------------------------------------------------------- with a loop, released off it

  @Test
  void aWaiterInsideALoopResumesOnTheLoopEvenWhenReleasedFromAnotherThread() throws Exception {
    EventLoop loop = EventLoop.newThreadEventLoop("the-loop");
    try {
      Lock lock = new Lock();
      assertThat(lock.tryAcquire()).isTrue();
      CompletableFuture<Void> queued = new CompletableFuture<>();
      CompletableFuture<String> resumedOn =
          loop.submit(
              lock.acquire()
                  .doOnSubscribe(s -> queued.complete(null))
                  .then(Mono.fromCallable(() -> Thread.currentThread().getName()))
                  .doFinally(signal -> lock.release()));
      queued.get(10, TimeUnit.SECONDS);
      assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, 1));
      lock.release(); // from the test's thread
      assertThat(resumedOn.get(10, TimeUnit.SECONDS)).isEqualTo("the-loop");
      assertThat(lock.locked()).isFalse();
    } finally {
      loop.dispose();
    }
  }

  // ---------------------------------------------------------------- long chains of hand-offs

  /** More waiters than a thread's stack holds frames for, if each hand-off nested the next. */
  private static final int DEEP = 50_000;

  @Test
  void aLongQueueOfSynchronousHoldersIsServedInOrderWithoutOverflowingTheStack() {
    Semaphore semaphore = new Semaphore(1);
    assertThat(semaphore.tryAcquire()).isTrue();
    List<Integer> ran = new ArrayList<>();
    AtomicInteger completed = new AtomicInteger();
    for (int i = 0; i < DEEP; i++) {
      int id = i;
      semaphore
          .withPermit(Mono.fromRunnable(() -> ran.add(id)))
          .subscribe(null, e -> {}, completed::incrementAndGet);
    }

    // Each body completes at once and releases to the next waiter from inside its own resumption.
    semaphore.release();

    assertThat(completed).hasValue(DEEP);
    assertThat(ran).hasSize(DEEP).isSorted();
    assertThat(semaphore.statistics()).isEqualTo(new Semaphore.Statistics(1, 0));
  }

  @Test
  void aLongQueueOfSynchronousLockHoldersIsServedBeforeTheReleaseReturns() {
    Lock lock = new Lock();
    assertThat(lock.tryAcquire()).isTrue();
    AtomicInteger completed = new AtomicInteger();
    for (int i = 0; i < DEEP; i++) {
      lock.withLock(Mono.fromRunnable(() -> {}))
          .subscribe(null, e -> {}, completed::incrementAndGet);
    }

    lock.release();

    assertThat(completed).hasValue(DEEP);
    assertThat(lock.locked()).isFalse();
  }
}
