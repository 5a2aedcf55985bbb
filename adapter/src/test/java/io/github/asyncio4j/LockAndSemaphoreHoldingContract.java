package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

/**
 * The contract of {@code async with primitive:} ({@link Lock#withLock}, {@link
 * Semaphore#withPermit}, both {@link MonoWithHold}), run against a lock and a semaphore of one
 * permit: the permit is released exactly once, before the body's outcome is signalled, however the
 * holding ends, and a cancel at any moment (waiting, at the hand-off, in the body) loses nothing.
 *
 * <p>Each subclass supplies a primitive on which a stray second release would show: a {@link
 * BoundedSemaphore} fails it, a {@link Lock} fails it once free and otherwise steals the next
 * holder's lock, which the final state and the event log reveal.
 */
abstract class LockAndSemaphoreHoldingContract extends PrimitiveScript {
  /** Takes the primitive with a bare acquire. */
  abstract Mono<Void> acquire();

  /** Gives it back by hand. */
  abstract void release();

  /** {@code async with primitive: body}. */
  abstract <T> Mono<T> holding(Mono<T> body);

  /** Whether nobody holds it and nobody waits. */
  abstract boolean free();

  /** How many wait for it. */
  abstract int waiters();

  private Mono<Void> logFree(String when) {
    return step(() -> log.add(when + ", free: " + free()));
  }

  // ---------------------------------------------------------------- outcomes

  @Test
  void bodysValueIsSignalledAfterTheRelease() {
    String v = run(() -> holding(Mono.just("v")).doOnNext(x -> log.add("value, free: " + free())));
    assertThat(v).isEqualTo("v");
    assertThat(log).containsExactly("value, free: true");
  }

  @Test
  void emptyBodyCompletesAfterTheRelease() {
    run(() -> holding(note("body")).then(logFree("completed")));
    assertThat(log).containsExactly("body", "completed, free: true");
  }

  @Test
  void errorInTheBodyIsSignalledAfterTheRelease() {
    IllegalArgumentException boom = new IllegalArgumentException("boom");
    run(
        () ->
            holding(note("body").then(Mono.error(boom)))
                .onErrorResume(e -> logFree("error " + e.getMessage())));
    assertThat(log).containsExactly("body", "error boom, free: true");
  }

  @Test
  void cancelArrivingWithTheValueReleasesOnce() {
    // The subscriber cancels from onNext: the holding has ended (released) by then, so the cancel
    // must release nothing more.
    run(
        () ->
            step(() ->
                    holding(Mono.just(1))
                        .subscribe(
                            new BaseSubscriber<Integer>() {
                              @Override
                              protected void hookOnNext(Integer value) {
                                log.add("value " + value);
                                cancel();
                              }
                            }))
                .then(yield0())
                .then(logFree("after")));
    assertThat(log).containsExactly("value 1", "after, free: true");
  }

  @Test
  void cancelledInOnSubscribeNeverAcquires() {
    run(
        () ->
            step(() ->
                    holding(note("body"))
                        .subscribe(
                            new BaseSubscriber<Void>() {
                              @Override
                              protected void hookOnSubscribe(Subscription subscription) {
                                cancel();
                              }
                            }))
                .then(logFree("after")));
    assertThat(log).containsExactly("after, free: true");
  }

  @Test
  void subscriptionsOfOneHoldingTakeTurnsInFifoOrder() {
    // One Mono, many subscriptions: each holds on its own, in the order they queued, and each
    // yields while holding, so the next must wait for the release.
    List<String> inside = new ArrayList<>();
    Mono<Void> turn =
        Mono.defer(
            () -> {
              Task<?> me = EventLoop.running().currentTask();
              return step(() -> inside.add("in " + me.getName()))
                  .then(yield0())
                  .then(step(() -> inside.add("out " + me.getName())));
            });
    Mono<Void> section = holding(turn);
    run(
        () ->
            spawn("a", section)
                .then(spawn("b", section))
                .then(spawn("c", section))
                .then(join("a"))
                .then(join("b"))
                .then(join("c")));
    assertThat(inside).containsExactly("in a", "out a", "in b", "out b", "in c", "out c");
    assertThat(free()).isTrue();
  }

  // ---------------------------------------------------------------- cancel while waiting

  @Test
  void taskCancelWhileWaitingWithdrawsAndReleasesNothing() {
    run(
        () ->
            acquire()
                .then(spawn("t", seeingCancel("t", holding(note("t body")))))
                .then(yield0())
                .then(step(() -> assertThat(waiters()).isOne()))
                .then(cancel("t"))
                .then(join("t"))
                .then(step(() -> log.add("waiters: " + waiters() + ", free: " + free())))
                .then(step(this::release)));
    assertThat(log)
        .containsExactly("t sees CancelledError", "t cancelled", "waiters: 0, free: false");
    assertThat(free()).isTrue();
  }

  @Test
  void reactorCancelWhileWaitingWithdrawsAndReleasesNothing() {
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            acquire()
                .then(step(() -> d.set(holding(note("d body")).subscribe())))
                .then(step(() -> assertThat(waiters()).isOne()))
                .then(step(() -> d.get().dispose()))
                .then(step(() -> log.add("waiters: " + waiters() + ", free: " + free())))
                .then(step(this::release))
                .then(yield0())
                .then(logFree("released")));
    assertThat(log).containsExactly("waiters: 0, free: false", "released, free: true");
  }

  // ---------------------------------------------------------------- cancel at the hand-off

  @Test
  void taskCancelAtTheHandOffPassesItOnAndTheBodyNeverRuns() {
    // Scenario: t and u wait; the release hands the permit to t; t's task is cancelled before it
    // resumes. t sees CancelledError without running its body, and u gets the permit.
    run(
        () ->
            acquire()
                .then(spawn("t", seeingCancel("t", holding(note("t body")))))
                .then(spawn("u", holding(note("u body"))))
                .then(yield0())
                .then(step(this::release)) // handed to t
                .then(cancel("t")) // before t resumed
                .then(join("t"))
                .then(join("u")));
    assertThat(log).containsExactly("t sees CancelledError", "u body", "t cancelled");
    assertThat(free()).isTrue();
  }

  @Test
  void reactorCancelAtTheHandOffPassesItOnAndTheBodyNeverRuns() {
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            acquire()
                .then(step(() -> d.set(holding(note("d body")).subscribe())))
                .then(spawn("u", holding(note("u body"))))
                .then(yield0())
                .then(step(this::release)) // handed to d
                .then(step(() -> d.get().dispose())) // before d resumed
                .then(join("u")));
    assertThat(log).containsExactly("u body");
    assertThat(free()).isTrue();
  }

  // ---------------------------------------------------------------- cancel in the body

  @Test
  void taskCancelInTheBodyReleasesOnlyAfterItsCleanUp() {
    // asyncio's `async with` exits after the except/finally blocks inside it: u must not enter
    // before t's asynchronous clean-up is over.
    Mono<Void> tBody =
        note("t body")
            .then(loop.sleep(3600))
            .onErrorResume(
                CancelledError.class,
                e ->
                    note("t cleans up")
                        .then(loop.sleep(1))
                        .then(logFree("t cleaned up"))
                        .then(Mono.error(e)));
    run(
        () ->
            spawn("t", holding(tBody))
                .then(spawn("u", holding(note("u body"))))
                .then(loop.sleep(1))
                .then(cancel("t"))
                .then(join("t"))
                .then(join("u")));
    assertThat(log)
        .containsExactly(
            "t body", "t cleans up", "t cleaned up, free: false", "u body", "t cancelled");
    assertThat(free()).isTrue();
  }

  @Test
  void reactorCancelInTheBodyStopsItThenReleasesAtOnce() {
    AtomicReference<Disposable> d = new AtomicReference<>();
    Mono<Void> body =
        note("d body")
            .then(loop.sleep(3600))
            .doOnCancel(() -> log.add("d body cancelled, free: " + free()));
    run(
        () ->
            step(() -> d.set(holding(body).subscribe()))
                .then(spawn("u", holding(note("u body"))))
                .then(loop.sleep(1))
                .then(step(() -> d.get().dispose()))
                .then(join("u")));
    assertThat(log).containsExactly("d body", "d body cancelled, free: false", "u body");
    assertThat(free()).isTrue();
  }
}
