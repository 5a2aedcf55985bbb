package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Awaiting a bare yield, {@code sleep(0)} (asyncio's {@code __sleep0}): one await per subscription,
 * resumed by the loop on its next iteration, and cancellable there as asyncio's bare yield is: a
 * cancel of the task during the yield is remembered ({@code _must_cancel}) and raised when it
 * resumes.
 */
class AwaitYieldTest extends PrimitiveScript {

  @Test
  void yieldResumesAfterEveryCallbackAlreadyQueued() {
    run(
        () ->
            step(() -> loop.callSoon(() -> log.add("queued before")))
                .then(loop.sleep(Duration.ZERO, "yielded"))
                .doOnNext(v -> log.add(v))
                .then());
    assertThat(log).containsExactly("queued before", "yielded");
  }

  @Test
  void eachSubscriptionOfOneYieldYieldsOnItsOwn() {
    Mono<Void> y = loop.sleep(0);
    run(
        () ->
            spawn("a", y.then(note("a resumed")).then(y).then(note("a resumed again")))
                .then(spawn("b", y.then(note("b resumed"))))
                .then(join("a"))
                .then(join("b")));
    assertThat(log).containsExactly("a resumed", "b resumed", "a resumed again");
  }

  @Test
  void taskCancelledDuringAYieldSeesCancelledErrorWithItsMessageWhenItResumes() {
    // test_tasks.py::BaseTaskTests::test_cancel_yield, with a message
    run(
        () ->
            spawn(
                    "t",
                    loop.sleep(0)
                        .then(note("t resumed"))
                        .onErrorResume(
                            CancelledError.class,
                            e -> note("t sees " + e.getMessage()).then(Mono.error(e))))
                .then(yield0()) // t is now at its yield
                .then(step(() -> assertThat(task("t").cancel("stop")).isTrue()))
                .then(step(() -> log.add("t cancelled yet: " + task("t").cancelled())))
                .then(join("t")));
    assertThat(log).containsExactly("t cancelled yet: false", "t sees stop", "t cancelled");
  }

  @Test
  void cancelThenUncancelDuringAYieldLetsTheTaskCarryOn() {
    // asyncio: cancel() during a bare yield only sets _must_cancel, and uncancel() back to zero
    // clears it, so the task resumes as if nothing happened.
    run(
        () ->
            spawn("t", loop.sleep(0).then(note("t resumed")))
                .then(yield0())
                .then(
                    step(
                        () -> {
                          task("t").cancel();
                          assertThat(task("t").uncancel()).isZero();
                        }))
                .then(join("t")));
    assertThat(log).containsExactly("t resumed");
    assertThat(task("t").cancelled()).isFalse();
  }

  @Test
  void taskThatCancelsItselfSeesCancelledErrorAtItsNextYield() {
    // test_tasks.py::BaseTaskTests::test_cancel_current_task, with a bare yield
    run(
        () ->
            spawn(
                    "t",
                    seeingCancel(
                        "t",
                        step(() -> task("t").cancel())
                            .then(note("t still runs"))
                            .then(loop.sleep(0))
                            .then(note("t after the yield"))))
                .then(join("t")));
    assertThat(log).containsExactly("t still runs", "t sees CancelledError", "t cancelled");
  }

  @Test
  void reactorCancelDuringAYieldNeverResumesTheSubscriber() {
    AtomicReference<Disposable> d = new AtomicReference<>();
    run(
        () ->
            step(() ->
                    d.set(
                        loop.sleep(0)
                            .subscribe(
                                v -> log.add("value"),
                                e -> log.add("error " + e),
                                () -> log.add("resumed"))))
                .then(step(() -> d.get().dispose()))
                .then(yield0())
                .then(yield0())
                .then(note("main done")));
    assertThat(log).containsExactly("main done");
  }

  @Test
  void yieldOfAnotherLoopFailsInsideATask() {
    VirtualTimeEventLoop other = VirtualTimeEventLoop.create();
    try {
      Mono<Void> foreign = other.sleep(0);
      assertThatThrownBy(() -> run(() -> foreign))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("attached to a different loop");
    } finally {
      other.close();
    }
  }
}
