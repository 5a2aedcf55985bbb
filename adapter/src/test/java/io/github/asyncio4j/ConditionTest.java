package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * {@link Condition}: rules S4 (wait/notify, FIFO, re-acquisition through the lock) and S5 (the lock
 * is re-acquired on every exit path; a wake-up is never lost to a cancellation), on the
 * virtual-time loop. asyncio's {@code wait/notify/notify_all} are {@code await/signal/signalAll}.
 */
class ConditionTest extends PrimitiveScript {
  private final Condition cond = new Condition();

  /** asyncio's {@code await cond.acquire(); if await cond.wait(): result.append(i)}. */
  private Mono<Boolean> acquireWaitAppend(List<Integer> result, int i) {
    return cond.acquire().then(cond.await()).map(woken -> woken && result.add(i));
  }

  /** The same, releasing the lock after appending. */
  private Mono<Boolean> acquireWaitAppendRelease(List<Integer> result, int i) {
    return acquireWaitAppend(result, i).doOnNext(x -> cond.release());
  }

  // ---------------------------------------------------------------- S4

  @Test
  void waitReleasesTheLockAndReturnsHoldingItAfterTheNotifierReleases() {
    // test_locks.py::ConditionTests::test_wait
    List<Integer> result = new ArrayList<>();
    run(
        () ->
            spawn("t1", acquireWaitAppend(result, 1))
                .then(spawn("t2", acquireWaitAppend(result, 2)))
                .then(spawn("t3", acquireWaitAppend(result, 3)))
                .then(yield0())
                .then(step(() -> assertThat(result).isEmpty()))
                .then(step(() -> assertThat(cond.locked()).isFalse()))
                .then(cond.acquire())
                .then(step(cond::signal))
                .then(yield0())
                .then(step(() -> assertThat(result).isEmpty()))
                .then(step(() -> assertThat(cond.locked()).isTrue()))
                .then(step(cond::release))
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(1)))
                .then(step(() -> assertThat(cond.locked()).isTrue()))
                .then(step(() -> cond.signal(2)))
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(1)))
                .then(step(() -> assertThat(cond.locked()).isTrue()))
                .then(step(cond::release))
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(1, 2)))
                .then(step(() -> assertThat(cond.locked()).isTrue()))
                .then(step(cond::release))
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(1, 2, 3)))
                .then(step(() -> assertThat(cond.locked()).isTrue()))
                .then(
                    step(
                        () -> {
                          for (String t : List.of("t1", "t2", "t3")) {
                            assertThat(task(t).done()).isTrue();
                            assertThat(task(t).result()).isEqualTo(true);
                          }
                        })));
  }

  @Test
  void wokenWaiterReturnsOnlyAfterTheNotifierReleases() {
    // ASYNCIO-SEMANTICS S4: a notified waiter re-acquires through the Lock's FIFO.
    run(
        () ->
            spawn("w", cond.withLock(cond.await().then(note("w returned"))))
                .then(yield0())
                .then(
                    cond.withLock(
                        step(cond::signal)
                            .then(note("signalled"))
                            .then(yield0())
                            .then(yield0())
                            .then(note("notifier releases"))))
                .then(join("w")));
    assertThat(log).containsExactly("signalled", "notifier releases", "w returned");
  }

  @Test
  void awaitWithoutTheLockFails() {
    // test_locks.py::ConditionTests::test_wait_unacquired
    assertThatThrownBy(() -> run(cond::await))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("cannot wait on un-acquired lock");
    assertThat(cond.statistics()).isEqualTo(new Condition.Statistics(false, 0));
  }

  @Test
  void signalWithoutTheLockFails() {
    // test_locks.py::ConditionTests::test_notify_unacquired, test_notify_all_unacquired
    assertThatThrownBy(cond::signal)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("cannot notify on un-acquired lock");
    assertThatThrownBy(() -> cond.signal(3))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("cannot notify on un-acquired lock");
    assertThatThrownBy(cond::signalAll)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("cannot notify on un-acquired lock");
  }

  @Test
  void waitForReturnsOnceThePredicateHolds() {
    // test_locks.py::ConditionTests::test_wait_for
    AtomicBoolean presult = new AtomicBoolean();
    AtomicInteger checks = new AtomicInteger();
    List<Integer> result = new ArrayList<>();
    Mono<Boolean> c1 =
        cond.acquire()
            .then(
                cond.waitFor(
                    () -> {
                      checks.incrementAndGet();
                      return presult.get();
                    }))
            .map(
                ok -> {
                  result.add(1);
                  cond.release();
                  return ok;
                });
    run(
        () ->
            spawn("t", c1)
                .then(yield0())
                .then(step(() -> assertThat(result).isEmpty()))
                .then(cond.acquire())
                .then(step(cond::signal))
                .then(step(cond::release))
                .then(yield0())
                .then(step(() -> assertThat(result).isEmpty()))
                .then(step(() -> presult.set(true)))
                .then(cond.acquire())
                .then(step(cond::signal))
                .then(step(cond::release))
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(1))));
    assertThat(task("t").result()).isEqualTo(true);
    assertThat(checks).hasValue(3); // at once, then after each wake-up
  }

  @Test
  void waitForWithATruePredicateNeedsNoLock() {
    // test_locks.py::ConditionTests::test_wait_for_unacquired
    assertThat(run(() -> cond.waitFor(() -> true))).isTrue();
    assertThatThrownBy(() -> run(() -> cond.waitFor(() -> false)))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("cannot wait on un-acquired lock");
  }

  @Test
  void waitForSurvivesManySpuriousWakeUps() {
    // A waitFor woken many times before its predicate holds: each round must not deepen the
    // chain, or completing it at last overflows the stack.
    int rounds = 20_000;
    AtomicInteger counter = new AtomicInteger();
    Mono<Void> producer =
        Mono.defer(() -> cond.withLock(step(counter::incrementAndGet).then(step(cond::signal))))
            .then(yield0())
            .repeat(rounds - 1)
            .then();
    run(
        () ->
            spawn("waiter", cond.withLock(cond.waitFor(() -> counter.get() >= rounds)))
                .then(spawn("producer", producer))
                .then(join("waiter"))
                .then(join("producer")));
    assertThat(counter).hasValue(rounds);
    assertThat(task("waiter").result()).isEqualTo(true);
  }

  @Test
  void signalWakesTheOldestWaitersFirst() {
    // test_locks.py::ConditionTests::test_notify: notify(1) -> [1]; notify(1)+notify(2048) ->
    // [1, 2, 3]
    List<Integer> result = new ArrayList<>();
    run(
        () ->
            spawn("t1", acquireWaitAppendRelease(result, 1))
                .then(spawn("t2", acquireWaitAppendRelease(result, 2)))
                .then(spawn("t3", acquireWaitAppendRelease(result, 3)))
                .then(yield0())
                .then(step(() -> assertThat(result).isEmpty()))
                .then(cond.acquire())
                .then(step(() -> cond.signal(1)))
                .then(step(cond::release))
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(1)))
                .then(cond.acquire())
                .then(step(() -> cond.signal(1)))
                .then(step(() -> cond.signal(2048)))
                .then(step(cond::release))
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(1, 2, 3))));
    for (String t : List.of("t1", "t2", "t3")) {
      assertThat(task(t).result()).isEqualTo(true);
    }
  }

  @Test
  void signalTwoOfFourWakesTheFirstTwo() {
    // ASYNCIO-SEMANTICS S4, exp: notify(2) of 4 waiters wakes [0, 1].
    List<Integer> result = new ArrayList<>();
    run(
        () ->
            spawn("w0", acquireWaitAppendRelease(result, 0))
                .then(spawn("w1", acquireWaitAppendRelease(result, 1)))
                .then(spawn("w2", acquireWaitAppendRelease(result, 2)))
                .then(spawn("w3", acquireWaitAppendRelease(result, 3)))
                .then(yield0())
                .then(cond.withLock(step(() -> cond.signal(2))))
                .then(yield0())
                .then(yield0())
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(0, 1)))
                .then(step(() -> assertThat(cond.statistics().waiters()).isEqualTo(2)))
                .then(cond.withLock(step(cond::signalAll)))
                .then(join("w2"))
                .then(join("w3")));
    assertThat(result).containsExactly(0, 1, 2, 3);
  }

  @Test
  void signalOfZeroOrLessWakesNobody() {
    run(
        () ->
            spawn("w", acquireWaitAppendRelease(new ArrayList<>(), 0))
                .then(yield0())
                .then(cond.withLock(step(() -> cond.signal(0)).then(step(() -> cond.signal(-1)))))
                .then(yield0())
                .then(yield0())
                .then(step(() -> assertThat(task("w").done()).isFalse()))
                .then(step(() -> assertThat(cond.statistics().waiters()).isOne()))
                .then(cond.withLock(step(cond::signal)))
                .then(join("w")));
    assertThat(task("w").result()).isEqualTo(true);
  }

  @Test
  void signalAllWakesEveryWaiter() {
    // test_locks.py::ConditionTests::test_notify_all
    List<Integer> result = new ArrayList<>();
    run(
        () ->
            spawn("t1", acquireWaitAppendRelease(result, 1))
                .then(spawn("t2", acquireWaitAppendRelease(result, 2)))
                .then(yield0())
                .then(step(() -> assertThat(result).isEmpty()))
                .then(cond.acquire())
                .then(step(cond::signalAll))
                .then(step(cond::release))
                .then(yield0())
                .then(step(() -> assertThat(result).containsExactly(1, 2))));
    assertThat(task("t1").result()).isEqualTo(true);
    assertThat(task("t2").result()).isEqualTo(true);
  }

  @Test
  void reprAndStatisticsShowTheLockAndWaiters() {
    // test_locks.py::ConditionTests::test_repr
    assertThat(cond).hasToString("<Condition [unlocked]>");
    run(
        () ->
            spawn("w1", cond.withLock(cond.await()))
                .then(spawn("w2", cond.withLock(cond.await())))
                .then(yield0())
                .then(step(() -> assertThat(cond).hasToString("<Condition [unlocked, waiters:2]>")))
                .then(
                    cond.withLock(
                        step(
                            () -> {
                              assertThat(cond).hasToString("<Condition [locked, waiters:2]>");
                              assertThat(cond.statistics())
                                  .isEqualTo(new Condition.Statistics(true, 2));
                              cond.signalAll();
                              assertThat(cond).hasToString("<Condition [locked]>");
                            })))
                .then(join("w1"))
                .then(join("w2")));
    assertThat(cond.statistics()).isEqualTo(new Condition.Statistics(false, 0));
  }

  @Test
  void withLockHoldsTheUnderlyingLock() {
    // test_locks.py::ConditionTests::test_context_manager
    run(
        () ->
            step(() -> log.add("before: " + cond.locked()))
                .then(cond.withLock(step(() -> log.add("inside: " + cond.locked()))))
                .then(step(() -> log.add("after: " + cond.locked()))));
    assertThat(log).containsExactly("before: false", "inside: true", "after: false");
  }

  @Test
  void conditionOnAGivenLockSharesIt() {
    // test_locks.py::ConditionTests::test_explicit_lock
    Lock lock = new Lock();
    Condition shared = new Condition(lock);
    run(
        () ->
            shared
                .withLock(step(() -> log.add("cond.withLock: " + lock.locked() + shared.locked())))
                .then(step(() -> log.add("after: " + lock.locked() + shared.locked())))
                .then(lock.withLock(step(() -> log.add("lock.withLock: " + shared.locked()))))
                .then(lock.acquire())
                .then(step(shared::release))
                .then(step(() -> log.add("cond.release released the lock: " + !lock.locked()))));
    assertThat(log)
        .containsExactly(
            "cond.withLock: truetrue",
            "after: falsefalse",
            "lock.withLock: true",
            "cond.release released the lock: true");
  }

  // ---------------------------------------------------------------- S5: cancellation

  @Test
  void cancelledWaitReacquiresTheLockBeforeRaising() {
    // test_locks.py::ConditionTests::test_wait_cancel
    run(
        () ->
            cond.acquire()
                .then(spawn("wait", cond.await()))
                .then(step(() -> loop.callSoon(task("wait")::cancel)))
                .then(join("wait"))
                .then(step(() -> assertThat(cond.statistics().waiters()).isZero()))
                .then(step(() -> assertThat(cond.locked()).isTrue())));
    assertThat(log).containsExactly("wait cancelled");
  }

  @Test
  void cancelledWaitHoldsTheLockInItsHandler() {
    // ASYNCIO-SEMANTICS S5, exp: locked() is True in the handler.
    run(
        () ->
            spawn(
                    "t",
                    cond.withLock(
                        cond.await()
                            .onErrorResume(
                                CancelledError.class,
                                e -> {
                                  log.add("handler, locked: " + cond.locked());
                                  return Mono.error(e);
                                })))
                .then(yield0())
                .then(step(() -> assertThat(cond.locked()).isFalse()))
                .then(cancel("t"))
                .then(join("t")));
    assertThat(log).containsExactly("handler, locked: true", "t cancelled");
    assertThat(cond.locked()).isFalse();
  }

  @Test
  void cancelledWaitStaysBlockedWhileAnotherTaskHoldsTheLock() {
    // ASYNCIO-SEMANTICS S5, exp: a cancelled wait stays blocked while another task holds the
    // lock; test_locks.py::ConditionTests::test_wait_cancel_contested
    run(
        () ->
            spawn(
                    "t",
                    cond.withLock(
                        cond.await()
                            .onErrorResume(
                                CancelledError.class,
                                e ->
                                    step(() -> log.add("t handler, locked: " + cond.locked()))
                                        .then(Mono.error(e)))))
                .then(yield0())
                .then(cond.acquire())
                .then(cancel("t"))
                .then(yield0())
                .then(yield0())
                .then(yield0())
                .then(step(() -> log.add("t done while main holds the lock: " + task("t").done())))
                .then(note("main releases"))
                .then(step(cond::release))
                .then(join("t")));
    assertThat(log)
        .containsExactly(
            "t done while main holds the lock: false",
            "main releases",
            "t handler, locked: true",
            "t cancelled");
    assertThat(cond.locked()).isFalse();
  }

  @Test
  void waitCancelledWhileReacquiringContestedLockEndsHoldingIt() {
    // test_locks.py::ConditionTests::test_wait_cancel_contested
    run(
        () ->
            cond.acquire()
                .then(step(() -> assertThat(cond.locked()).isTrue()))
                .then(spawn("wait", cond.await()))
                .then(yield0())
                .then(step(() -> assertThat(cond.locked()).isFalse()))
                .then(cond.acquire())
                .then(step(() -> assertThat(cond.locked()).isTrue()))
                .then(step(cond::signal))
                .then(step(() -> loop.callSoon(task("wait")::cancel)))
                .then(step(() -> loop.callSoon(cond::release)))
                .then(join("wait"))
                .then(step(() -> assertThat(cond.locked()).isTrue())));
  }

  @Test
  void waitCancelledAfterNotifyEndsCancelled() {
    // test_locks.py::ConditionTests::test_wait_cancel_after_notify (bpo-32841)
    AtomicBoolean waited = new AtomicBoolean();
    run(
        () ->
            spawn("waiter", cond.withLock(step(() -> waited.set(true)).then(cond.await())))
                .then(yield0())
                .then(cond.acquire())
                .then(step(cond::signal))
                .then(yield0()) // the waiter gets to re-acquiring
                .then(cancel("waiter"))
                .then(yield0()) // the cancellation is delivered
                .then(step(cond::release))
                .then(yield0()) // the waiter ends
                .then(
                    step(
                        () -> {
                          assertThat(task("waiter").cancelled()).isTrue();
                          assertThat(waited).isTrue();
                        })));
    assertThat(cond.locked()).isFalse();
  }

  @Test
  void cancelWhileWaitingReraisesTheSameCancelledError() {
    // test_locks.py::ConditionTests::test_cancelled_error_wakeup (gh-111693)
    AtomicReference<CancelledError> raised = new AtomicReference<>();
    AtomicReference<CancelledError> seen = new AtomicReference<>();
    run(
        () ->
            spawn(
                    "task",
                    cond.withLock(
                        cond.waitFor(() -> false).doOnError(CancelledError.class, raised::set)))
                .then(yield0())
                .then(step(() -> task("task").cancel("foo")))
                .then(
                    Mono.defer(() -> task("task"))
                        .then()
                        .onErrorResume(CancelledError.class, e -> step(() -> seen.set(e)))));
    assertThat(seen.get()).hasMessage("foo").isSameAs(raised.get());
    assertThat(cond.locked()).isFalse();
  }

  @Test
  void cancelWhileReacquiringReraisesTheSameCancelledError() {
    // test_locks.py::ConditionTests::test_cancelled_error_re_aquire (gh-111693)
    AtomicBoolean wake = new AtomicBoolean();
    AtomicReference<CancelledError> raised = new AtomicReference<>();
    AtomicReference<CancelledError> seen = new AtomicReference<>();
    run(
        () ->
            spawn(
                    "task",
                    cond.withLock(
                        cond.waitFor(wake::get).doOnError(CancelledError.class, raised::set)))
                .then(yield0())
                .then(cond.acquire())
                .then(step(() -> wake.set(true)))
                .then(step(cond::signal))
                .then(yield0()) // the task is now re-acquiring the lock
                .then(step(() -> task("task").cancel("foo")))
                .then(step(cond::release))
                .then(
                    Mono.defer(() -> task("task"))
                        .then()
                        .onErrorResume(CancelledError.class, e -> step(() -> seen.set(e)))));
    assertThat(seen.get()).hasMessage("foo").isSameAs(raised.get());
    assertThat(cond.locked()).isFalse();
  }

  /** test_locks.py's consumer: under the lock, consume each item until state goes negative. */
  private Mono<Void> consumer(AtomicInteger state) {
    return cond.withLock(consumeLoop(state));
  }

  private Mono<Void> consumeLoop(AtomicInteger state) {
    return cond.waitFor(() -> state.get() != 0)
        .then(
            Mono.defer(
                () -> {
                  if (state.get() < 0) {
                    return Mono.empty();
                  }
                  state.decrementAndGet();
                  return consumeLoop(state);
                }));
  }

  @Test
  void signalledWaiterCancelledBeforeItResumesPassesTheWakeUpOn() {
    // test_locks.py::ConditionTests::test_cancelled_wakeup (gh-112202)
    // Scenario: two consumers wait; one item is produced and notify(1) wakes c0, which is then
    // cancelled before it runs. The wake-up must reach c1, or the item is never consumed. (asyncio
    // waits with a 0.01 s timeout; here the notifier releases and the virtual clock moves on.)
    AtomicInteger state = new AtomicInteger();
    run(
        () ->
            spawn("c0", consumer(state))
                .then(spawn("c1", consumer(state)))
                .then(yield0())
                .then(
                    cond.withLock(
                        step(state::incrementAndGet)
                            .then(step(() -> cond.signal(1)))
                            .then(cancel("c0"))))
                .then(loop.sleep(0.01))
                .then(step(() -> assertThat(state).hasValue(0)))
                .then(cond.withLock(step(() -> state.set(-1)).then(step(cond::signalAll))))
                .then(join("c1"))
                .then(join("c0")));
    assertThat(log).containsExactly("c0 cancelled");
    assertThat(task("c1").done()).isTrue();
  }

  @Test
  void signalledWaiterCancelledWhileReacquiringPassesTheWakeUpOn() {
    // test_locks.py::ConditionTests::test_cancelled_wakeup_relock (gh-112202)
    // Scenario: as above, but c0 is cancelled after it resumed, while re-acquiring the lock the
    // notifier still holds.
    AtomicInteger state = new AtomicInteger();
    run(
        () ->
            spawn("c0", consumer(state))
                .then(spawn("c1", consumer(state)))
                .then(yield0())
                .then(
                    cond.withLock(
                        step(state::incrementAndGet)
                            .then(step(() -> cond.signal(1)))
                            .then(yield0()) // c0 wakes and queues for the lock
                            .then(cancel("c0"))))
                .then(loop.sleep(0.01))
                .then(step(() -> assertThat(state).hasValue(0)))
                .then(cond.withLock(step(() -> state.set(-1)).then(step(cond::signalAll))))
                .then(join("c1"))
                .then(join("c0")));
    assertThat(log).containsExactly("c0 cancelled");
    assertThat(task("c1").done()).isTrue();
  }

  @Test
  void reactorCancelOfASignalledWaiterPassesTheWakeUpOn() {
    // A WebFlux client goes away after its waiter was signalled, while it re-acquires the lock.
    AtomicInteger state = new AtomicInteger();
    AtomicReference<Disposable> c0 = new AtomicReference<>();
    run(
        () ->
            step(() -> c0.set(consumer(state).subscribe()))
                .then(spawn("c1", consumer(state)))
                .then(yield0())
                .then(
                    cond.withLock(
                        step(state::incrementAndGet)
                            .then(step(() -> cond.signal(1)))
                            .then(yield0()) // c0 wakes and queues for the lock
                            .then(step(() -> c0.get().dispose()))))
                .then(loop.sleep(0.01))
                .then(step(() -> assertThat(state).hasValue(0)))
                .then(cond.withLock(step(() -> state.set(-1)).then(step(cond::signalAll))))
                .then(join("c1")));
    assertThat(cond.locked()).isFalse();
  }

  @Test
  void reactorCancelOfAWaitInsideWithLockDoesNotReleaseAnotherHoldersLock() {
    // Scenario: a subscription waits in cond.withLock(cond.await()), so the lock is free; main
    // takes the lock; the subscriber goes away (Reactor cancel). Main must still hold the lock:
    // the cancelled withLock gave it up in await() and must not release it a second time.
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            step(() -> d.set(cond.withLock(cond.await()).subscribe()))
                .then(cond.acquire()) // free: the waiter released it
                .then(spawn("other", cond.withLock(note("other holds the lock"))))
                .then(yield0()) // other queues for the lock
                .then(step(() -> d.get().dispose()))
                .then(step(() -> log.add("main still holds the lock: " + cond.locked())))
                .then(yield0())
                .then(yield0())
                .then(note("main releases"))
                .then(step(cond::release))
                .then(join("other")));
    assertThat(log)
        .containsExactly(
            "main still holds the lock: true", "main releases", "other holds the lock");
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void nullArgumentsAreRejectedAndTheConditionStaysUsable() {
    assertThatThrownBy(() -> new Condition(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("lock");
    assertThatThrownBy(() -> cond.waitFor(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("predicate");
    assertThatThrownBy(() -> cond.withLock(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("body");
    assertThat(run(() -> cond.withLock(cond.waitFor(() -> true)))).isTrue();
    assertThat(cond.statistics()).isEqualTo(new Condition.Statistics(false, 0));
  }
}
