package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/** {@link Event}: rule S3, on the virtual-time loop. */
class EventTest extends PrimitiveScript {
  private final Event ev = new Event();

  /** asyncio's {@code if await ev.wait(): result.append(i); return True}. */
  private Mono<Boolean> waitAndAppend(List<Integer> result, int i) {
    return ev.await().map(set -> set && result.add(i));
  }

  @Test
  void reprAndStatisticsShowTheFlagAndWaiters() {
    // test_locks.py::EventTests::test_repr
    assertThat(ev).hasToString("<Event [unset]>");
    assertThat(ev.statistics()).isEqualTo(new Event.Statistics(false, 0));
    run(
        () ->
            spawn("w", ev.await())
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(ev).hasToString("<Event [unset, waiters:1]>");
                          assertThat(ev.statistics()).isEqualTo(new Event.Statistics(false, 1));
                        }))
                .then(step(ev::set))
                .then(step(() -> assertThat(ev).hasToString("<Event [set]>")))
                .then(join("w")));
    assertThat(ev.statistics()).isEqualTo(new Event.Statistics(true, 0));
  }

  @Test
  void setWakesEveryWaiterInFifoOrderAndATaskStartingLaterPassesAtOnce() {
    // test_locks.py::EventTests::test_wait
    // t3 starts after set(): it does not wait, so it runs before the woken t1 and t2.
    List<Integer> result = new ArrayList<>();
    run(
        () ->
            step(() -> assertThat(ev.isSet()).isFalse())
                .then(spawn("t1", waitAndAppend(result, 1)))
                .then(spawn("t2", waitAndAppend(result, 2)))
                .then(yield0())
                .then(step(() -> assertThat(result).isEmpty()))
                .then(spawn("t3", waitAndAppend(result, 3)))
                .then(step(ev::set))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(result).containsExactly(3, 1, 2);
                          for (String t : List.of("t1", "t2", "t3")) {
                            assertThat(task(t).done()).isTrue();
                            assertThat(task(t).result()).isEqualTo(true);
                          }
                        })));
  }

  @Test
  void setWakesManyWaitersInArrivalOrderInOneIteration() {
    // ASYNCIO-SEMANTICS S3: set() resolves every waiter, FIFO.
    List<Integer> result = new ArrayList<>();
    run(
        () -> {
          Mono<Void> script = Mono.empty();
          for (int i = 0; i < 10; i++) {
            script = script.then(spawn("t" + i, waitAndAppend(result, i)));
          }
          return script
              .then(yield0())
              .then(step(() -> assertThat(ev.statistics().waiters()).isEqualTo(10)))
              .then(step(ev::set))
              .then(
                  step(
                      () ->
                          loop.callSoon(
                              () -> log.add("callback after set, woken: " + result.size()))))
              .then(yield0())
              .then(step(() -> assertThat(result).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)))
              .then(step(() -> log.add("main resumed")));
        });
    // All ten resumed in the iteration right after set(), ahead of what was queued after it.
    assertThat(log).containsExactly("callback after set, woken: 10", "main resumed");
  }

  @Test
  void awaitOnASetEventReturnsTrueWithoutSuspending() {
    // test_locks.py::EventTests::test_wait_on_set; ASYNCIO-SEMANTICS T2
    ev.set();
    Boolean res =
        run(
            () ->
                step(() -> loop.callSoon(() -> log.add("callback queued before")))
                    .then(ev.await())
                    .doOnNext(set -> log.add("returned " + set)));
    assertThat(res).isTrue();
    assertThat(log).containsExactly("returned true", "callback queued before");
  }

  @Test
  void cancelledWaiterLeaves() {
    // test_locks.py::EventTests::test_wait_cancel
    run(
        () ->
            spawn("wait", ev.await())
                .then(step(() -> loop.callSoon(task("wait")::cancel)))
                .then(join("wait"))
                .then(step(() -> assertThat(ev.statistics().waiters()).isZero())));
    assertThat(log).containsExactly("wait cancelled");
  }

  @Test
  void cancelledWaiterDoesNotKeepTheOthersFromWaking() {
    run(
        () ->
            spawn("a", ev.await().then(note("a woke")))
                .then(spawn("b", ev.await().then(note("b woke"))))
                .then(spawn("c", ev.await().then(note("c woke"))))
                .then(yield0())
                .then(cancel("b"))
                .then(step(ev::set))
                .then(join("a"))
                .then(join("b"))
                .then(join("c")));
    assertThat(log).containsExactly("a woke", "c woke", "b cancelled");
  }

  @Test
  void waiterCancelledAfterSetStillSeesCancelledError() {
    // Woken, then cancelled before it resumed: the task is cancelled (nothing to pass on).
    run(
        () ->
            spawn("a", seeingCancel("a", ev.await().then(note("a woke"))))
                .then(spawn("b", ev.await().then(note("b woke"))))
                .then(yield0())
                .then(step(ev::set))
                .then(cancel("a"))
                .then(join("a"))
                .then(join("b")));
    assertThat(log).containsExactly("a sees CancelledError", "b woke", "a cancelled");
  }

  @Test
  void reactorCancelOfAWaiterLeaves() {
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            step(() -> d.set(ev.await().subscribe(v -> log.add("disposed waiter woke"))))
                .then(spawn("w", ev.await().then(note("w woke"))))
                .then(yield0())
                .then(step(() -> assertThat(ev.statistics().waiters()).isEqualTo(2)))
                .then(step(() -> d.get().dispose()))
                .then(step(() -> assertThat(ev.statistics().waiters()).isOne()))
                .then(step(ev::set))
                .then(join("w")));
    assertThat(log).containsExactly("w woke");
  }

  @Test
  void clearResetsTheFlag() {
    // test_locks.py::EventTests::test_clear
    assertThat(ev.isSet()).isFalse();
    ev.set();
    assertThat(ev.isSet()).isTrue();
    ev.clear();
    assertThat(ev.isSet()).isFalse();
  }

  @Test
  void clearRightAfterSetDoesNotUnwakeTheWaiters() {
    // test_locks.py::EventTests::test_clear_with_waiters
    // (asyncio's waiters leave its deque only when they resume; ours at set().)
    List<Integer> result = new ArrayList<>();
    run(
        () ->
            spawn("t", waitAndAppend(result, 1))
                .then(yield0())
                .then(step(() -> assertThat(result).isEmpty()))
                .then(step(ev::set))
                .then(step(ev::clear))
                .then(step(() -> assertThat(ev.isSet()).isFalse()))
                .then(step(ev::set))
                .then(step(ev::set))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          assertThat(result).containsExactly(1);
                          assertThat(ev.statistics().waiters()).isZero();
                          assertThat(task("t").done()).isTrue();
                          assertThat(task("t").result()).isEqualTo(true);
                        })));
  }

  @Test
  void awaitAfterClearWaitsForTheNextSet() {
    run(
        () ->
            step(ev::set)
                .then(step(ev::clear))
                .then(spawn("w", ev.await().then(note("w woke"))))
                .then(yield0())
                .then(yield0())
                .then(note("setting"))
                .then(step(ev::set))
                .then(join("w")));
    assertThat(log).containsExactly("setting", "w woke");
  }
}
