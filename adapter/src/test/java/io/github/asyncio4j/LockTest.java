package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * {@link Lock}: rules S1 (FIFO, no barging, hand-off at release) and S2 (no lost wake-up), and
 * {@code withLock}, on the virtual-time loop.
 */
class LockTest extends PrimitiveScript {
  private final Lock lock = new Lock();

  /** asyncio's {@code await lock.acquire(); result.append(i); return True}. */
  private Mono<Boolean> acquireAndAppend(List<Integer> result, int i) {
    return lock.acquire().then(Mono.fromCallable(() -> result.add(i)));
  }

  // ---------------------------------------------------------------- S1: state, repr, misuse

  @Test
  void reprAndStatisticsShowStateAndWaiters() {
    // test_locks.py::LockTests::test_repr
    assertThat(lock).hasToString("<Lock [unlocked]>");
    assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(false, 0));
    run(
        () ->
            lock.acquire()
                .then(step(() -> assertThat(lock).hasToString("<Lock [locked]>")))
                .then(spawn("w1", lock.acquire()))
                .then(spawn("w2", lock.acquire()))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(lock).hasToString("<Lock [locked, waiters:2]>");
                          assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, 2));
                        })));
  }

  @Test
  void releasingAnUnlockedLockFailsAndTheLockStaysUsable() {
    // test_locks.py::LockTests::test_release_not_acquired
    assertThatThrownBy(lock::release)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("Lock is not acquired.");
    assertThat(lock.locked()).isFalse();
    assertThat(lock.tryAcquire()).isTrue();
    lock.release();
    assertThatThrownBy(lock::release).hasMessage("Lock is not acquired.");
    assertThat(run(() -> lock.withLock(Mono.just("usable")))).isEqualTo("usable");
    assertThat(lock).hasToString("<Lock [unlocked]>");
  }

  @Test
  void releaseWithoutWaitersUnlocks() {
    // test_locks.py::LockTests::test_release_no_waiters
    run(
        () ->
            lock.acquire()
                .then(step(() -> assertThat(lock.locked()).isTrue()))
                .then(step(lock::release))
                .then(step(() -> assertThat(lock.locked()).isFalse())));
  }

  @Test
  void uncontendedAcquireDoesNotSuspend() {
    // ASYNCIO-SEMANTICS T2: awaiting an uncontended Lock does not suspend.
    run(
        () ->
            step(() -> loop.callSoon(() -> log.add("callback queued before")))
                .then(lock.acquire())
                .then(note("acquired"))
                .then(yield0()));
    assertThat(log).containsExactly("acquired", "callback queued before");
  }

  @Test
  void tryAcquireSucceedsOnlyWhenFreeAndNobodyWaits() {
    assertThat(lock.tryAcquire()).isTrue();
    assertThat(lock.tryAcquire()).isFalse();
    run(
        () ->
            spawn("w", lock.acquire().then(note("w acquired")))
                .then(yield0())
                .then(step(lock::release)) // handed to w: still locked
                .then(step(() -> assertThat(lock.tryAcquire()).isFalse()))
                .then(yield0())
                .then(step(lock::release))
                .then(step(() -> assertThat(lock.tryAcquire()).isTrue())));
    assertThat(log).containsExactly("w acquired");
    assertThat(lock.locked()).isTrue();
  }

  // ---------------------------------------------------------------- S1: FIFO, no barging

  @Test
  void waitersAcquireInFifoOrder() {
    // test_locks.py::LockTests::test_acquire
    List<Integer> result = new ArrayList<>();
    run(
        () ->
            lock.acquire()
                .then(spawn("t1", acquireAndAppend(result, 1)))
                .then(spawn("t2", acquireAndAppend(result, 2)))
                .then(yield0())
                .then(step(() -> assertThat(result).isEmpty()))
                .then(step(lock::release))
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(1)))
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(1)))
                .then(spawn("t3", acquireAndAppend(result, 3)))
                .then(step(lock::release))
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(1, 2)))
                .then(step(lock::release))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(result).containsExactly(1, 2, 3);
                          for (String t : List.of("t1", "t2", "t3")) {
                            assertThat(task(t).done()).isTrue();
                            assertThat(task(t).result()).isEqualTo(true);
                          }
                        })));
  }

  @Test
  void releaserReacquiringAtOnceQueuesBehindTheWaiter() {
    // ASYNCIO-SEMANTICS S1, exp order "B, A-reacquire, C-late": release() hands the lock to the
    // oldest waiter, so neither the releaser re-acquiring in the same step nor a later arrival
    // barges in. locked() stays true through the hand-off (asyncio reports false, gh-138121).
    Mono<Void> a =
        lock.acquire()
            .then(note("A"))
            .then(yield0())
            .then(step(lock::release))
            .then(
                step(
                    () -> {
                      log.add("locked after release: " + lock.locked());
                      log.add("tryAcquire after release: " + lock.tryAcquire());
                    }))
            .then(lock.acquire())
            .then(note("A-reacquire"))
            .then(step(lock::release));
    Mono<Void> b = lock.acquire().then(note("B")).then(step(lock::release));
    Mono<Void> c =
        yield0().then(yield0()).then(lock.acquire()).then(note("C-late")).then(step(lock::release));
    run(
        () ->
            spawn("a", a)
                .then(spawn("b", b))
                .then(spawn("c", c))
                .then(join("a"))
                .then(join("b"))
                .then(join("c")));
    assertThat(log)
        .containsExactly(
            "A",
            "locked after release: true",
            "tryAcquire after release: false",
            "B",
            "A-reacquire",
            "C-late");
    assertThat(lock.locked()).isFalse();
  }

  // ---------------------------------------------------------------- S2: cancellation

  @Test
  void cancelledAcquireLeavesTheQueue() {
    // test_locks.py::LockTests::test_acquire_cancel
    run(
        () ->
            lock.acquire()
                .then(spawn("task", lock.acquire()))
                .then(step(() -> loop.callSoon(task("task")::cancel)))
                .then(join("task"))
                .then(
                    step(
                        () ->
                            assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, 0))))
                .then(step(lock::release)));
    assertThat(log).containsExactly("task cancelled");
    assertThat(lock.locked()).isFalse();
  }

  @Test
  void cancelledHeadIsSkippedWhenReleasedInTheSameStep() {
    // test_locks.py::LockTests::test_cancel_race
    // Scenario: A holds the lock, B and C wait. In one step B is cancelled and A's blocker
    // completes, so A releases on its next step: the lock must go to C, neither to B's cancelled
    // waiter nor be lost.
    Future<Void> fa = loop.createFuture();
    run(
        () ->
            spawn("A", lock.withLock(fa))
                .then(yield0())
                .then(step(() -> assertThat(lock.locked()).isTrue()))
                .then(spawn("B", lock.withLock(note("B holds the lock"))))
                .then(yield0())
                .then(step(() -> assertThat(lock.statistics().waiters()).isOne()))
                .then(spawn("C", lock.withLock(note("C holds the lock"))))
                .then(yield0())
                .then(step(() -> assertThat(lock.statistics().waiters()).isEqualTo(2)))
                .then(
                    step(
                        () -> {
                          fa.setResult(null);
                          task("B").cancel();
                          // asyncio keeps B's cancelled future queued; ours leaves at once.
                          assertThat(lock.statistics().waiters()).isOne();
                        }))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          // Handed to C, which has not resumed yet: still locked (gh-138121).
                          assertThat(lock.locked()).isTrue();
                          assertThat(task("A").done()).isTrue();
                          assertThat(task("B").cancelled()).isTrue();
                        }))
                .then(join("C")));
    assertThat(log).containsExactly("C holds the lock");
    assertThat(lock.locked()).isFalse();
  }

  @Test
  void cancelAndReleaseInOneCallbackLetExactlyOneWaiterIn() {
    // test_locks.py::LockTests::test_cancel_release_race (bpo-32734)
    // Scenario: main holds the lock; t1, t2, t3 wait. One callback cancels t1 and releases: only
    // t2 may acquire; t3 stays blocked.
    AtomicInteger lockCount = new AtomicInteger();
    AtomicInteger callCount = new AtomicInteger();
    Mono<Void> lockit =
        step(callCount::incrementAndGet)
            .then(lock.acquire())
            .then(step(lockCount::incrementAndGet));
    run(
        () ->
            lock.acquire()
                .then(spawn("t1", lockit))
                .then(spawn("t2", lockit))
                .then(spawn("t3", lockit))
                .then(yield0())
                .then(
                    step(
                        () ->
                            loop.callSoon(
                                () -> {
                                  task("t1").cancel();
                                  lock.release();
                                })))
                .then(join("t1"))
                .then(
                    step(
                        () -> {
                          assertThat(lockCount).hasValue(1);
                          assertThat(callCount).hasValue(3);
                          assertThat(task("t1").cancelled()).isTrue();
                          assertThat(task("t2").done()).isTrue();
                          assertThat(task("t3").done()).isFalse();
                        }))
                .then(cancel("t3"))
                .then(yield0())
                .then(step(() -> assertThat(task("t3").cancelled()).isTrue())));
    assertThat(log).containsExactly("t1 cancelled");
    assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, 0)); // t2 holds it
  }

  @Test
  void waiterCancelledWhileAnotherIsStartingDoesNotBlockIt() {
    // test_locks.py::LockTests::test_finished_waiter_cancelled
    run(
        () ->
            lock.acquire()
                .then(spawn("tb", lock.acquire()))
                .then(yield0())
                .then(step(() -> assertThat(lock.statistics().waiters()).isOne()))
                .then(spawn("tc", lock.acquire()))
                .then(cancel("tb"))
                .then(step(lock::release))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(lock.locked()).isTrue();
                          assertThat(task("tb").cancelled()).isTrue();
                        }))
                .then(join("tc")));
    assertThat(task("tc").done()).isTrue();
    assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, 0)); // tc holds it
  }

  @Test
  void waiterCancelledAfterTheHandOffPassesTheLockOn() {
    // ASYNCIO-SEMANTICS S2: "A waiter cancelled after being woken wakes the next waiter".
    // Scenario: B and C wait; release hands the lock to B; B's task is cancelled before it
    // resumes. B must not keep it: C gets it, and B sees CancelledError.
    run(
        () ->
            lock.acquire()
                .then(spawn("B", seeingCancel("B", lock.withLock(note("B ran")))))
                .then(spawn("C", lock.withLock(note("C ran"))))
                .then(yield0())
                .then(step(lock::release)) // handed to B
                .then(step(() -> assertThat(task("B").cancel()).isTrue())) // before B resumes
                .then(join("B"))
                .then(join("C")));
    assertThat(log).containsExactly("B sees CancelledError", "C ran", "B cancelled");
    assertThat(lock.locked()).isFalse();
  }

  @Test
  void reactorCancelOfAWaiterAfterTheHandOffPassesTheLockOn() {
    // The same with a Reactor cancel (a WebFlux client going away): the dispose comes after the
    // lock was handed to the subscription but before it resumed.
    AtomicReference<Disposable> b = new AtomicReference<>();
    run(
        () ->
            lock.acquire()
                .then(step(() -> b.set(lock.withLock(note("B ran")).subscribe())))
                .then(spawn("C", lock.withLock(note("C ran"))))
                .then(yield0())
                .then(step(lock::release)) // handed to B
                .then(step(() -> b.get().dispose()))
                .then(join("C")));
    assertThat(log).containsExactly("C ran");
    assertThat(lock.locked()).isFalse();
  }

  @Test
  void reactorCancelOfAWaitingAcquireLeavesTheQueue() {
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            lock.acquire()
                .then(step(() -> d.set(lock.acquire().subscribe(v -> {}, e -> {}, () -> {}))))
                .then(spawn("C", lock.acquire().then(note("C acquired"))))
                .then(yield0())
                .then(step(() -> assertThat(lock).hasToString("<Lock [locked, waiters:2]>")))
                .then(step(() -> d.get().dispose()))
                .then(step(() -> assertThat(lock).hasToString("<Lock [locked, waiters:1]>")))
                .then(step(lock::release))
                .then(join("C")));
    assertThat(log).containsExactly("C acquired");
    assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, 0)); // C holds it
  }

  // ---------------------------------------------------------------- withLock

  @Test
  void withLockHoldsTheLockAroundTheBody() {
    // test_locks.py::LockTests::test_context_manager
    run(
        () ->
            step(() -> log.add("before, locked: " + lock.locked()))
                .then(lock.withLock(step(() -> log.add("inside, locked: " + lock.locked()))))
                .then(step(() -> log.add("after, locked: " + lock.locked()))));
    assertThat(log)
        .containsExactly("before, locked: false", "inside, locked: true", "after, locked: false");
  }

  @Test
  void withLockReturnsTheBodysResult() {
    assertThat(run(() -> lock.withLock(Mono.just(42)))).isEqualTo(42);
    assertThat(lock.locked()).isFalse();
  }

  @Test
  void withLockReleasesWhenTheBodyFails() {
    IllegalArgumentException boom = new IllegalArgumentException("boom");
    assertThatThrownBy(() -> run(() -> lock.withLock(Mono.error(boom)))).isSameAs(boom);
    assertThat(lock.locked()).isFalse();
  }

  @Test
  void withLockReleasesWhenTheTaskIsCancelledInTheBody() {
    run(
        () ->
            spawn("t", lock.withLock(note("body").then(loop.sleep(3600)).then(note("late"))))
                .then(loop.sleep(1))
                .then(step(() -> assertThat(lock.locked()).isTrue()))
                .then(cancel("t"))
                .then(join("t")));
    assertThat(log).containsExactly("body", "t cancelled");
    assertThat(lock.locked()).isFalse();
  }

  @Test
  void withLockReleasesOnAReactorCancelOfTheBody() {
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            step(() -> d.set(lock.withLock(loop.sleep(3600).then(note("late"))).subscribe()))
                .then(loop.sleep(1))
                .then(step(() -> assertThat(lock.locked()).isTrue()))
                .then(step(() -> d.get().dispose()))
                .then(step(() -> log.add("after dispose, locked: " + lock.locked()))));
    assertThat(log).containsExactly("after dispose, locked: false");
  }

  @Test
  void withLockWhoseAcquisitionIsCancelledReleasesNothing() {
    // Main holds the lock; a withLock cancelled while queued (task cancel, Reactor cancel) must
    // not release main's lock, nor run its body.
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            lock.acquire()
                .then(spawn("t", lock.withLock(note("body"))))
                .then(step(() -> d.set(lock.withLock(note("reactor body")).subscribe())))
                .then(yield0())
                .then(cancel("t"))
                .then(step(() -> d.get().dispose()))
                .then(join("t"))
                .then(
                    step(
                        () ->
                            assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, 0))))
                .then(step(lock::release)));
    assertThat(log).containsExactly("t cancelled");
    assertThat(lock.locked()).isFalse();
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void withLockRejectsANullBodyAndTheLockStaysUsable() {
    assertThatThrownBy(() -> lock.withLock(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("body");
    assertThat(run(() -> lock.withLock(Mono.just("ok")))).isEqualTo("ok");
    assertThat(lock.locked()).isFalse();
  }
}
