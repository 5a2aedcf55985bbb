package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * {@link Barrier}: rule S8, on the virtual-time loop. asyncio's {@code wait()} is {@code await()}.
 */
class BarrierTest extends PrimitiveScript {
  private static final int N = 5;

  /** asyncio's {@code gather_tasks(n, coro)}: n tasks "t0".."t(n-1)", then await them all. */
  private Mono<Void> gatherTasks(int n, IntFunction<Mono<?>> coro) {
    return spawnTasks(n, coro).then(joinTasks(n));
  }

  /** asyncio's {@code make_tasks(n, coro)}. */
  private Mono<Void> spawnTasks(int n, IntFunction<Mono<?>> coro) {
    Mono<Void> script = Mono.empty();
    for (int i = 0; i < n; i++) {
      int k = i;
      script = script.then(Mono.defer(() -> spawn("t" + k, coro.apply(k))));
    }
    return script;
  }

  private Mono<Void> joinTasks(int n) {
    Mono<Void> script = Mono.empty();
    for (int i = 0; i < n; i++) {
      script = script.then(join("t" + i));
    }
    return script;
  }

  private static <T> Mono<T> catchBroken(Mono<T> body, Runnable onBroken) {
    return body.onErrorResume(
        BrokenBarrierError.class, e -> Mono.<T>empty().doOnTerminate(onBroken));
  }

  // ---------------------------------------------------------------- construction, repr

  @Test
  void partiesMustBePositive() {
    // test_locks.py::BarrierTests::test_barrier_parties
    assertThatThrownBy(() -> new Barrier(0))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("parties must be > 0");
    assertThatThrownBy(() -> new Barrier(-4))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("parties must be > 0");
    assertThat(new Barrier(N).parties()).isEqualTo(N);
  }

  @Test
  void reprAndStatisticsShowTheFillingAndBrokenStates() {
    // test_locks.py::BarrierTests::test_repr, test_barrier
    Barrier barrier = new Barrier(N);
    assertThat(barrier).hasToString("<Barrier [filling, waiters:0/5]>");
    run(
        () ->
            spawnTasks(2, i -> barrier.await())
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(barrier).hasToString("<Barrier [filling, waiters:2/5]>");
                          assertThat(barrier.statistics())
                              .isEqualTo(new Barrier.Statistics(N, 2, false));
                        }))
                .then(step(barrier::abort))
                .then(
                    step(
                        () -> {
                          assertThat(barrier).hasToString("<Barrier [broken]>");
                          assertThat(barrier.broken()).isTrue();
                          assertThat(barrier.statistics())
                              .isEqualTo(new Barrier.Statistics(N, 0, true));
                        }))
                .then(catchBroken(joinTasks(2), () -> {})));
  }

  // ---------------------------------------------------------------- filling and releasing

  @Test
  void everyPartyGetsAnIndexInArrivalOrder() {
    // test_locks.py::BarrierTests::test_context_manager, test_filling_tasks_check_return_value
    Barrier barrier = new Barrier(N);
    List<String> results = new ArrayList<>();
    run(() -> gatherTasks(N, i -> barrier.await().doOnNext(k -> results.add("t" + i + ":" + k))));
    // The last arrival does not suspend: it returns first; the others resume in arrival order.
    assertThat(results).containsExactly("t4:4", "t0:0", "t1:1", "t2:2", "t3:3");
    assertThat(barrier.nWaiting()).isZero();
    assertThat(barrier.broken()).isFalse();
  }

  @Test
  void aBarrierOfOneNeverWaits() {
    // test_locks.py::BarrierTests::test_filling_one_task, test_filling_one_task_twice
    Barrier barrier = new Barrier(1);
    run(
        () ->
            step(() -> loop.callSoon(() -> log.add("callback queued before")))
                .then(barrier.await())
                .doOnNext(i -> log.add("index " + i))
                .then(barrier.await())
                .doOnNext(i -> log.add("again " + i)));
    assertThat(log).containsExactly("index 0", "again 0", "callback queued before");
    assertThat(barrier.nWaiting()).isZero();
    assertThat(barrier.broken()).isFalse();
  }

  @Test
  void nWaitingCountsTheArrivals() {
    // test_locks.py::BarrierTests::test_filling_task_by_task
    Barrier barrier = new Barrier(3);
    run(
        () ->
            spawn("t1", barrier.await())
                .then(yield0())
                .then(step(() -> assertThat(barrier.nWaiting()).isOne()))
                .then(spawn("t2", barrier.await()))
                .then(yield0())
                .then(step(() -> assertThat(barrier.nWaiting()).isEqualTo(2)))
                .then(spawn("t3", barrier.await()))
                .then(yield0())
                .then(join("t1"))
                .then(join("t2"))
                .then(join("t3")));
    assertThat(List.of(task("t1").result(), task("t2").result(), task("t3").result()))
        .containsExactly(0, 1, 2);
    assertThat(barrier.nWaiting()).isZero();
    assertThat(barrier.broken()).isFalse();
  }

  @Test
  void theBarrierIsReusedCycleAfterCycle() {
    // test_locks.py::BarrierTests::test_filling_tasks_wait_twice,
    // test_filling_tasks_check_return_value
    Barrier barrier = new Barrier(N);
    List<String> results = new ArrayList<>();
    run(
        () ->
            gatherTasks(
                N,
                i ->
                    barrier
                        .await()
                        .doOnNext(k -> results.add("first"))
                        .then(barrier.await())
                        .doOnNext(k -> results.add("second " + k))
                        .then(barrier.await())
                        .doOnNext(k -> results.add("third"))));
    assertThat(results).hasSize(3 * N);
    assertThat(results.subList(0, N)).containsOnly("first");
    assertThat(results.subList(N, 2 * N))
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, N).mapToObj(k -> "second " + k).toList());
    assertThat(results.subList(2 * N, 3 * N)).containsOnly("third");
    assertThat(barrier.nWaiting()).isZero();
    assertThat(barrier.broken()).isFalse();
  }

  @Test
  void tasksWaitingAgainRightAfterTheReleaseBelongToTheNextCycle() {
    // test_locks.py::BarrierTests::test_blocking_tasks_while_draining
    Barrier barrier = new Barrier(N);
    int rewait = 2;
    Barrier barrierNowaiting = new Barrier(N - rewait);
    AtomicInteger rewaitN = new AtomicInteger(rewait);
    run(
        () ->
            gatherTasks(
                N,
                i ->
                    barrier
                        .await()
                        .then(
                            Mono.defer(
                                () ->
                                    rewaitN.getAndDecrement() > 0
                                        ? barrier.await()
                                        : barrierNowaiting.await().then(barrier.await())))));
    assertThat(barrier.nWaiting()).isZero();
    assertThat(barrierNowaiting.nWaiting()).isZero();
  }

  // ---------------------------------------------------------------- cancellation

  @Test
  void waiterCancelledWhileFillingLeavesTheBarrier() {
    // test_locks.py::BarrierTests::test_filling_tasks_cancel_one
    Barrier barrier = new Barrier(3);
    List<String> results = new ArrayList<>();
    IntFunction<Mono<Integer>> coro = i -> barrier.await().doOnNext(k -> results.add(i + ":" + k));
    run(
        () ->
            spawn("t1", coro.apply(1))
                .then(yield0())
                .then(step(() -> assertThat(barrier.nWaiting()).isOne()))
                .then(spawn("t2", coro.apply(2)))
                .then(yield0())
                .then(step(() -> assertThat(barrier.nWaiting()).isEqualTo(2)))
                .then(cancel("t1"))
                .then(yield0())
                .then(step(() -> assertThat(barrier.nWaiting()).isOne()))
                .then(join("t1"))
                .then(step(() -> assertThat(task("t1").cancelled()).isTrue()))
                .then(spawn("t3", coro.apply(3)))
                .then(yield0())
                .then(step(() -> assertThat(barrier.nWaiting()).isEqualTo(2)))
                .then(spawn("t4", coro.apply(4)))
                .then(join("t2"))
                .then(join("t3"))
                .then(join("t4")));
    // asyncio would give t2 and t3 both index 1 here; ours close the gap.
    assertThat(results).containsExactly("4:2", "2:0", "3:1");
    assertThat(barrier.nWaiting()).isZero();
    assertThat(barrier.broken()).isFalse();
  }

  @Test
  void reactorCancelWhileFillingLeavesTheBarrier() {
    Barrier barrier = new Barrier(2);
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            step(() -> d.set(barrier.await().subscribe(i -> log.add("disposed one passed"))))
                .then(step(() -> assertThat(barrier.nWaiting()).isOne()))
                .then(step(() -> d.get().dispose()))
                .then(step(() -> assertThat(barrier.nWaiting()).isZero()))
                .then(spawn("a", barrier.await().doOnNext(i -> log.add("a:" + i))))
                .then(spawn("b", barrier.await().doOnNext(i -> log.add("b:" + i))))
                .then(join("a"))
                .then(join("b")));
    assertThat(log).containsExactly("b:1", "a:0");
  }

  @Test
  void waiterCancelledAfterTheReleaseDoesNotHoldTheOthersBack() {
    // Released with its index, then cancelled before it resumed: it sees CancelledError, the
    // others pass, and the next cycle starts empty.
    Barrier barrier = new Barrier(3);
    run(
        () ->
            spawn("a", seeingCancel("a", barrier.await()))
                .then(spawn("b", barrier.await().doOnNext(i -> log.add("b:" + i))))
                .then(yield0())
                .then(barrier.await())
                .doOnNext(i -> log.add("main:" + i))
                .then(cancel("a"))
                .then(join("a"))
                .then(join("b"))
                .then(step(() -> assertThat(barrier.nWaiting()).isZero())));
    assertThat(log).containsExactly("main:2", "a sees CancelledError", "b:1", "a cancelled");
  }

  // ---------------------------------------------------------------- reset and abort

  @Test
  void resetOfAnEmptyBarrierChangesNothing() {
    // test_locks.py::BarrierTests::test_reset_barrier
    Barrier barrier = new Barrier(1);
    barrier.reset();
    assertThat(barrier.nWaiting()).isZero();
    assertThat(barrier.broken()).isFalse();
    assertThat(run(barrier::await)).isZero();
  }

  @Test
  void resetBreaksTheCurrentWaitersAndLeavesTheBarrierUsable() {
    // test_locks.py::BarrierTests::test_reset_barrier_while_tasks_waiting
    Barrier barrier = new Barrier(N);
    List<String> results = Collections.synchronizedList(new ArrayList<>());
    run(
        () ->
            spawnTasks(
                    N - 1,
                    i ->
                        barrier
                            .await()
                            .onErrorResume(
                                BrokenBarrierError.class,
                                e -> step(() -> results.add(e.getMessage())).then(Mono.empty())))
                .then(yield0())
                .then(spawn("reset", step(barrier::reset)))
                .then(joinTasks(N - 1)));
    assertThat(results).hasSize(N - 1).containsOnly("Abort or reset of barrier");
    assertThat(barrier.nWaiting()).isZero();
    assertThat(barrier).hasToString("<Barrier [filling, waiters:0/5]>");
    assertThat(barrier.broken()).isFalse();
  }

  @Test
  void tasksBrokenByAResetCanWaitAgain() {
    // test_locks.py::BarrierTests::test_reset_barrier_while_tasks_waiting_and_waiting_again
    Barrier barrier = new Barrier(N);
    List<String> results1 = new ArrayList<>();
    List<String> results2 = new ArrayList<>();
    run(
        () ->
            spawnTasks(
                    N - 1,
                    i ->
                        catchBroken(barrier.await(), () -> results1.add("broken"))
                            .then(barrier.await())
                            .doOnNext(k -> results2.add("passed")))
                .then(spawn("reset", step(barrier::reset)))
                .then(yield0())
                .then(spawn("coro2", barrier.await().doOnNext(k -> results2.add("passed"))))
                .then(joinTasks(N - 1)));
    assertThat(barrier.broken()).isFalse();
    assertThat(results1).hasSize(N - 1);
    assertThat(results2).hasSize(N);
    assertThat(barrier.nWaiting()).isZero();
  }

  @Test
  void abortBreaksTheBarrierForCurrentAndLaterWaitersUntilReset() {
    // test_locks.py::BarrierTests::test_abort_barrier
    Barrier barrier = new Barrier(3);
    run(
        () ->
            spawn("w", barrier.await())
                .then(yield0())
                .then(spawn("abort", step(barrier::abort)))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(barrier.nWaiting()).isZero();
                          assertThat(barrier.broken()).isTrue();
                        }))
                .then(
                    Mono.defer(() -> task("w"))
                        .onErrorResume(
                            BrokenBarrierError.class,
                            e ->
                                step(() -> log.add("current: " + e.getMessage()))
                                    .then(Mono.empty())))
                .then(
                    barrier
                        .await()
                        .onErrorResume(
                            BrokenBarrierError.class,
                            e ->
                                step(() -> log.add("later: " + e.getMessage())).then(Mono.empty())))
                .then(
                    step(
                        () ->
                            assertThat(barrier.statistics())
                                .isEqualTo(new Barrier.Statistics(3, 0, true))))
                .then(step(barrier::reset))
                .then(step(() -> assertThat(barrier.broken()).isFalse()))
                .then(spawnTasks(3, i -> barrier.await()))
                .then(joinTasks(3)));
    assertThat(log).containsExactly("current: Abort or reset of barrier", "later: Barrier aborted");
    assertThat(List.of(task("t0").result(), task("t1").result(), task("t2").result()))
        .containsExactly(0, 1, 2);
  }

  @Test
  void anAbortingPartyBreaksEveryoneElse() {
    // test_locks.py::BarrierTests::test_abort_barrier_when_exception
    Barrier barrier = new Barrier(N);
    List<String> results1 = new ArrayList<>();
    List<String> results2 = new ArrayList<>();
    IntFunction<Mono<?>> coro =
        i ->
            barrier
                .await()
                .flatMap(
                    k ->
                        k == N / 2
                            ? Mono.<Integer>error(new IllegalStateException("party " + k))
                            : Mono.just(k))
                .then(barrier.await())
                .doOnNext(k -> results1.add("passed"))
                .onErrorResume(
                    BrokenBarrierError.class,
                    e -> step(() -> results2.add("broken")).then(Mono.empty()))
                .onErrorResume(
                    IllegalStateException.class, e -> step(barrier::abort).then(Mono.empty()));
    run(() -> gatherTasks(N, coro));
    assertThat(barrier.broken()).isTrue();
    assertThat(results1).isEmpty();
    assertThat(results2).hasSize(N - 1);
    assertThat(barrier.nWaiting()).isZero();
  }

  @Test
  void anAbortedBarrierIsResetAndPassedAgain() {
    // test_locks.py::BarrierTests::test_abort_barrier_when_exception_then_resetting
    Barrier barrier1 = new Barrier(N);
    Barrier barrier2 = new Barrier(N);
    List<String> results1 = new ArrayList<>();
    List<String> results2 = new ArrayList<>();
    List<String> results3 = new ArrayList<>();
    IntFunction<Mono<?>> coro =
        i ->
            barrier1
                .await()
                .flatMap(
                    k ->
                        k == N / 2
                            ? Mono.<Integer>error(new IllegalStateException("party " + k))
                            : Mono.just(k))
                .then(barrier1.await())
                .doOnNext(k -> results1.add("passed"))
                .then()
                .onErrorResume(BrokenBarrierError.class, e -> step(() -> results2.add("broken")))
                .onErrorResume(IllegalStateException.class, e -> step(barrier1::abort))
                // Synchronize and reset barrier1; synchronize again, so that everyone has left it
                // before the reset and nobody enters it before.
                .then(barrier2.await())
                .flatMap(k -> k == N / 2 ? step(barrier1::reset) : Mono.empty())
                .then(barrier2.await())
                .then(barrier1.await())
                .doOnNext(k -> results3.add("passed"));
    run(() -> gatherTasks(N, coro));
    assertThat(barrier1.broken()).isFalse();
    assertThat(results1).isEmpty();
    assertThat(results2).hasSize(N - 1);
    assertThat(results3).hasSize(N);
    assertThat(barrier1.nWaiting()).isZero();
  }
}
