package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * {@link Semaphore} and {@link BoundedSemaphore}: rules S6 (FIFO, hand-off at release, no permit
 * lost to a cancellation) and S7, and {@code withPermit}, on the virtual-time loop.
 */
class SemaphoreTest extends PrimitiveScript {

  /** asyncio's {@code await sem.acquire(); result.append(i); return True}. */
  private static Mono<Boolean> acquireAndAppend(Semaphore sem, List<Integer> result, int i) {
    return sem.acquire().then(Mono.fromCallable(() -> result.add(i)));
  }

  // ---------------------------------------------------------------- construction, repr

  @Test
  void negativeInitialValueIsRejected() {
    // test_locks.py::SemaphoreTests::test_semaphore_value
    assertThatThrownBy(() -> new Semaphore(-1))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Semaphore initial value must be >= 0")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> new BoundedSemaphore(-1))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Semaphore initial value must be >= 0");
  }

  @Test
  void semaphoreOfZeroIsLocked() {
    // test_locks.py::SemaphoreTests::test_initial_value_zero
    Semaphore sem = new Semaphore(0);
    assertThat(sem.locked()).isTrue();
    assertThat(sem.tryAcquire()).isFalse();
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 0));
  }

  @Test
  void defaultSemaphoreHasOnePermit() {
    // test_locks.py::SemaphoreTests::test_semaphore
    Semaphore sem = new Semaphore();
    assertThat(sem.locked()).isFalse();
    assertThat(sem.statistics().permits()).isOne();
    assertThat(new BoundedSemaphore().statistics().permits()).isOne();
  }

  @Test
  void reprAndStatisticsShowValueAndWaiters() {
    // test_locks.py::SemaphoreTests::test_repr
    Semaphore sem = new Semaphore();
    assertThat(sem).hasToString("<Semaphore [unlocked, value:1]>");
    run(
        () ->
            sem.acquire()
                .then(step(() -> assertThat(sem).hasToString("<Semaphore [locked]>")))
                .then(spawn("w1", sem.acquire()))
                .then(yield0())
                .then(step(() -> assertThat(sem).hasToString("<Semaphore [locked, waiters:1]>")))
                .then(spawn("w2", sem.acquire()))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(sem).hasToString("<Semaphore [locked, waiters:2]>");
                          assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 2));
                        })));
    assertThat(new BoundedSemaphore(3)).hasToString("<BoundedSemaphore [unlocked, value:3]>");
  }

  // ---------------------------------------------------------------- S6: acquire, release, FIFO

  @Test
  void acquireTakesFreePermitsAndReleaseHandsThemToWaiters() {
    // test_locks.py::SemaphoreTests::test_acquire
    Semaphore sem = new Semaphore(3);
    List<Integer> result = new ArrayList<>();
    run(
        () ->
            sem.acquire()
                .then(sem.acquire())
                .then(step(() -> assertThat(sem.locked()).isFalse()))
                .then(spawn("t1", acquireAndAppend(sem, result, 1)))
                .then(spawn("t2", acquireAndAppend(sem, result, 2)))
                .then(spawn("t3", acquireAndAppend(sem, result, 3)))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(result).containsExactly(1);
                          assertThat(sem.locked()).isTrue();
                          assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 2));
                        }))
                .then(spawn("t4", acquireAndAppend(sem, result, 4)))
                .then(step(sem::release))
                .then(step(sem::release))
                .then(step(() -> assertThat(sem.statistics().permits()).isZero()))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(result).containsExactly(1, 2, 3);
                          assertThat(sem.locked()).isTrue();
                          assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 1));
                          assertThat(task("t4").done()).isFalse();
                        }))
                .then(step(sem::release))
                .then(join("t2"))
                .then(join("t3"))
                .then(join("t4")));
    assertThat(result).containsExactly(1, 2, 3, 4);
  }

  @Test
  void releaseWithoutWaitersUnlocks() {
    // test_locks.py::SemaphoreTests::test_release_no_waiters
    Semaphore sem = new Semaphore();
    run(
        () ->
            sem.acquire()
                .then(step(() -> assertThat(sem.locked()).isTrue()))
                .then(step(sem::release))
                .then(step(() -> assertThat(sem.locked()).isFalse())));
  }

  @Test
  void releaseAboveTheInitialValueIsAllowedForAPlainSemaphore() {
    Semaphore sem = new Semaphore(1);
    sem.release();
    assertThat(sem).hasToString("<Semaphore [unlocked, value:2]>");
  }

  @Test
  void eachTaskReacquiresBehindTheOthers() {
    // test_locks.py::SemaphoreTests::test_acquire_fifo_order
    Semaphore sem = new Semaphore(1);
    List<String> result = new ArrayList<>();
    Function<String, Mono<Void>> coro =
        tag ->
            sem.acquire()
                .then(step(() -> result.add(tag + "_1")))
                .then(loop.sleep(0.01))
                .then(step(sem::release))
                .then(sem.acquire())
                .then(step(() -> result.add(tag + "_2")))
                .then(loop.sleep(0.01))
                .then(step(sem::release));
    run(
        () ->
            spawn("c1", coro.apply("c1"))
                .then(spawn("c2", coro.apply("c2")))
                .then(spawn("c3", coro.apply("c3")))
                .then(join("c1"))
                .then(join("c2"))
                .then(join("c3")));
    assertThat(result).containsExactly("c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2");
  }

  @Test
  void releaserReacquiringQueuesBehindAWaiterThatHasNotResumedYet() {
    // test_locks.py::SemaphoreTests::test_acquire_fifo_order_2
    // t3 was handed a permit but has not resumed when t2 releases and re-acquires: t2 must queue
    // behind it (gh-97028: newcomers never overtake, even with a permit free).
    Semaphore sem = new Semaphore(1);
    List<Integer> result = new ArrayList<>();
    Mono<Boolean> c2 =
        sem.acquire()
            .then(step(() -> result.add(2)))
            .then(step(sem::release))
            .then(sem.acquire())
            .then(Mono.fromCallable(() -> result.add(4)));
    run(
        () ->
            spawn("t1", acquireAndAppend(sem, result, 1))
                .then(spawn("t2", c2))
                .then(spawn("t3", acquireAndAppend(sem, result, 3)))
                .then(yield0())
                .then(step(sem::release))
                .then(step(sem::release))
                .then(join("t1"))
                .then(join("t2"))
                .then(join("t3")));
    assertThat(result).containsExactly(1, 2, 3, 4);
  }

  @Test
  void cancelledWaiterIsSkipped() {
    // test_locks.py::SemaphoreTests::test_acquire_fifo_order_3
    Semaphore sem = new Semaphore(0);
    List<Integer> result = new ArrayList<>();
    run(
        () ->
            spawn("t1", acquireAndAppend(sem, result, 1))
                .then(spawn("t2", acquireAndAppend(sem, result, 2)))
                .then(spawn("t3", acquireAndAppend(sem, result, 3)))
                .then(yield0())
                .then(cancel("t1"))
                .then(yield0())
                .then(step(sem::release))
                .then(step(sem::release))
                .then(join("t1"))
                .then(join("t2"))
                .then(join("t3")));
    assertThat(result).containsExactly(2, 3);
    assertThat(log).containsExactly("t1 cancelled");
  }

  @Test
  void permitsFreedWhileAWaiterIsOnItsWayWakeTheQueueInOrder() {
    // test_locks.py::SemaphoreTests::test_acquire_fifo_order_4 (asyncio 3.13)
    // c1 waits; c2 releases three times (one permit handed to c1, two left free) and acquires:
    // c1 has not resumed yet, so c2 and then c3 queue behind it; when c1 resumes, the free permits
    // go to c2 and c3 in one go, and a task c1 creates runs after them.
    Semaphore sem = new Semaphore(0);
    List<Integer> result = new ArrayList<>();
    Mono<Boolean> c4 = Mono.fromCallable(() -> result.add(4));
    Mono<Boolean> c1 =
        step(() -> assertThat(sem.statistics().permits()).isZero())
            .then(sem.acquire())
            .then(step(() -> assertThat(sem.statistics().permits()).isZero()))
            .then(spawn("t4", c4))
            .then(Mono.fromCallable(() -> result.add(1)));
    Mono<Boolean> c2 =
        step(() -> {
              sem.release();
              sem.release();
              sem.release();
              assertThat(sem.statistics().permits()).isEqualTo(2);
              assertThat(sem.locked()).isTrue(); // c1 has not woken up yet
            })
            .then(sem.acquire())
            .then(Mono.fromCallable(() -> result.add(2)));
    Mono<Boolean> c3 =
        sem.acquire()
            .then(step(() -> assertThat(sem.locked()).isTrue()))
            .then(Mono.fromCallable(() -> result.add(3)));
    run(
        () ->
            spawn("t1", c1)
                .then(spawn("t2", c2))
                .then(spawn("t3", c3))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          // asyncio also counts c1's woken future among its _waiters (3).
                          assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(2, 2));
                          assertThat(sem.locked()).isTrue();
                        }))
                .then(yield0())
                .then(join("t1"))
                .then(join("t2"))
                .then(join("t3"))
                .then(join("t4")));
    assertThat(result).containsExactly(1, 2, 3, 4);
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 0));
  }

  @Test
  void releaseOfSeveralPermitsWakesSeveralWaitersInOneIteration() {
    Semaphore sem = new Semaphore(0);
    run(
        () ->
            spawn("a", sem.acquire().then(note("a")))
                .then(spawn("b", sem.acquire().then(note("b"))))
                .then(spawn("c", sem.acquire().then(note("c"))))
                .then(spawn("d", sem.acquire().then(note("d"))))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          sem.release();
                          sem.release();
                          sem.release();
                        }))
                .then(note("released 3"))
                .then(yield0())
                .then(note("main resumed"))
                .then(
                    step(
                        () ->
                            assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 1))))
                .then(step(sem::release))
                .then(join("d")));
    assertThat(log).containsExactly("released 3", "a", "b", "c", "main resumed", "d");
  }

  // ---------------------------------------------------------------- S6: cancellation

  @Test
  void cancelledAcquireLeavesTheQueue() {
    // test_locks.py::SemaphoreTests::test_acquire_cancel
    Semaphore sem = new Semaphore();
    run(
        () ->
            sem.acquire()
                .then(spawn("acquire", sem.acquire()))
                .then(step(() -> loop.callSoon(task("acquire")::cancel)))
                .then(join("acquire"))
                .then(
                    step(
                        () ->
                            assertThat(sem.statistics())
                                .isEqualTo(new Semaphore.Statistics(0, 0)))));
    assertThat(log).containsExactly("acquire cancelled");
  }

  @Test
  void cancelledBeforeAwokenTheNextWaiterGetsThePermit() {
    // test_locks.py::SemaphoreTests::test_acquire_cancel_before_awoken
    Semaphore sem = new Semaphore(0);
    run(
        () ->
            spawn("t1", sem.acquire())
                .then(spawn("t2", sem.acquire()))
                .then(spawn("t3", sem.acquire()))
                .then(spawn("t4", sem.acquire()))
                .then(yield0())
                .then(cancel("t1"))
                .then(cancel("t2"))
                .then(step(sem::release))
                .then(yield0())
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(task("t3").done()).isTrue();
                          assertThat(task("t4").done()).isFalse();
                        }))
                .then(cancel("t3")) // done already: nothing happens
                .then(cancel("t4"))
                .then(yield0()));
    assertThat(task("t3").cancelled()).isFalse();
    assertThat(task("t4").cancelled()).isTrue();
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 0)); // t3 holds it
  }

  @Test
  void cancelledHeadDoesNotHangTheNextWaiter() {
    // test_locks.py::SemaphoreTests::test_acquire_hang
    Semaphore sem = new Semaphore(0);
    run(
        () ->
            spawn("t1", sem.acquire())
                .then(spawn("t2", sem.acquire()))
                .then(yield0())
                .then(cancel("t1"))
                .then(step(sem::release))
                .then(yield0())
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(sem.locked()).isTrue();
                          assertThat(task("t2").done()).isTrue();
                        })));
  }

  @Test
  void waiterCancelledAfterTheHandOffGivesThePermitBack() {
    // test_locks.py::SemaphoreTests::test_acquire_no_hang
    // c1 releases (handing the permit to c2), then cancels c2 before c2 resumes: the permit must
    // come back, so a later acquire does not hang.
    Semaphore sem = new Semaphore(1);
    run(
        () ->
            spawn("t1", sem.withPermit(yield0()).then(Mono.defer(() -> cancel("t2"))))
                .then(spawn("t2", sem.withPermit(note("t2 body must not run"))))
                .then(join("t1"))
                .then(join("t2"))
                .then(sem.acquire())
                .then(note("main acquired")));
    assertThat(log).containsExactly("t2 cancelled", "main acquired");
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 0));
  }

  @Test
  void reactorCancelAfterTheHandOffPassesThePermitOn() {
    Semaphore sem = new Semaphore(0);
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            step(() -> d.set(sem.acquire().subscribe(v -> {}, e -> {}, () -> log.add("d"))))
                .then(spawn("w", sem.acquire().then(note("w acquired"))))
                .then(yield0())
                .then(step(sem::release)) // handed to d's subscription
                .then(step(() -> d.get().dispose())) // before it resumed
                .then(join("w")));
    assertThat(log).containsExactly("w acquired");
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 0));
  }

  // ---------------------------------------------------------------- withPermit

  @Test
  void withPermitHoldsAPermitAroundTheBody() {
    Semaphore sem = new Semaphore(2);
    assertThat(run(() -> sem.withPermit(Mono.fromCallable(() -> sem.statistics().permits()))))
        .isOne();
    assertThat(sem.statistics().permits()).isEqualTo(2);
  }

  @Test
  void withPermitReleasesWhenTheBodyFails() {
    Semaphore sem = new Semaphore(1);
    IllegalArgumentException boom = new IllegalArgumentException("boom");
    assertThatThrownBy(() -> run(() -> sem.withPermit(Mono.error(boom)))).isSameAs(boom);
    assertThat(sem.statistics().permits()).isOne();
  }

  @Test
  void withPermitReleasesWhenTheTaskIsCancelledInTheBody() {
    Semaphore sem = new Semaphore(1);
    run(
        () ->
            spawn("t", sem.withPermit(loop.sleep(3600)))
                .then(loop.sleep(1))
                .then(step(() -> assertThat(sem.statistics().permits()).isZero()))
                .then(cancel("t"))
                .then(join("t")));
    assertThat(log).containsExactly("t cancelled");
    assertThat(sem.statistics().permits()).isOne();
  }

  @Test
  void withPermitReleasesOnAReactorCancelOfTheBody() {
    Semaphore sem = new Semaphore(1);
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            step(() -> d.set(sem.withPermit(loop.sleep(3600)).subscribe()))
                .then(loop.sleep(1))
                .then(step(() -> assertThat(sem.statistics().permits()).isZero()))
                .then(step(() -> d.get().dispose())));
    assertThat(sem.statistics().permits()).isOne();
  }

  @Test
  void withPermitWhoseAcquisitionIsCancelledReleasesNothing() {
    Semaphore sem = new BoundedSemaphore(1); // a stray release would fail loudly
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            sem.acquire()
                .then(spawn("t", sem.withPermit(note("body"))))
                .then(step(() -> d.set(sem.withPermit(note("reactor body")).subscribe())))
                .then(yield0())
                .then(cancel("t"))
                .then(step(() -> d.get().dispose()))
                .then(join("t"))
                .then(
                    step(
                        () ->
                            assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 0))))
                .then(step(sem::release)));
    assertThat(log).containsExactly("t cancelled");
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(1, 0));
  }

  @Test
  void withPermitBoundsConcurrency() {
    Semaphore sem = new Semaphore(3);
    int[] inside = new int[2]; // now, most
    Mono<Void> work =
        step(() -> inside[1] = Math.max(inside[1], ++inside[0]))
            .then(loop.sleep(1))
            .then(step(() -> inside[0]--));
    run(
        () -> {
          Mono<Void> script = Mono.empty();
          for (int i = 0; i < 10; i++) {
            script = script.then(spawn("w" + i, sem.withPermit(work)));
          }
          for (int i = 0; i < 10; i++) {
            script = script.then(join("w" + i));
          }
          return script;
        });
    assertThat(inside[1]).isEqualTo(3);
    assertThat(loop.time()).isEqualTo(4.0); // ceil(10 / 3) rounds of 1 s
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(3, 0));
  }

  // ---------------------------------------------------------------- S7: BoundedSemaphore

  @Test
  void boundedSemaphoreReleasedTooManyTimesFailsAndStaysUsable() {
    // test_locks.py::SemaphoreTests::test_release_not_acquired
    BoundedSemaphore sem = new BoundedSemaphore();
    assertThatThrownBy(sem::release)
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("BoundedSemaphore released too many times");
    assertThat(sem).hasToString("<BoundedSemaphore [unlocked, value:1]>");
    assertThat(sem.tryAcquire()).isTrue();
    sem.release();
    assertThatThrownBy(sem::release).hasMessage("BoundedSemaphore released too many times");
    assertThat(run(() -> sem.withPermit(Mono.just("usable")))).isEqualTo("usable");
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(1, 0));
  }

  @Test
  void boundedSemaphoreHandsReleasesToWaiters() {
    BoundedSemaphore sem = new BoundedSemaphore(2);
    run(
        () ->
            sem.acquire()
                .then(sem.acquire())
                .then(spawn("w", sem.acquire().then(note("w acquired"))))
                .then(yield0())
                .then(step(sem::release)) // to w
                .then(step(sem::release)) // free: 1 of 2
                .then(join("w"))
                .then(step(sem::release)) // 2 of 2
                .then(
                    step(
                        () ->
                            assertThatThrownBy(sem::release)
                                .hasMessage("BoundedSemaphore released too many times"))));
    assertThat(log).containsExactly("w acquired");
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(2, 0));
  }

  @Test
  void boundedSemaphoreCountsAPermitOnItsWayToAWaiter() {
    // A permit handed to a waiter that has not resumed yet is not free: releasing it again is
    // one release too many only once it is back.
    BoundedSemaphore sem = new BoundedSemaphore(1);
    run(
        () ->
            sem.acquire()
                .then(spawn("w", sem.acquire().then(note("w acquired")).then(step(sem::release))))
                .then(yield0())
                .then(step(sem::release)) // handed to w
                .then(
                    step(
                        () ->
                            assertThatThrownBy(sem::release)
                                .hasMessage("BoundedSemaphore released too many times")))
                .then(join("w")));
    assertThat(log).containsExactly("w acquired");
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(1, 0));
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void withPermitRejectsANullBodyAndTheSemaphoreStaysUsable() {
    Semaphore sem = new Semaphore(1);
    assertThatThrownBy(() -> sem.withPermit(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("body");
    assertThat(run(() -> sem.withPermit(Mono.just("ok")))).isEqualTo("ok");
    assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(1, 0));
  }
}
