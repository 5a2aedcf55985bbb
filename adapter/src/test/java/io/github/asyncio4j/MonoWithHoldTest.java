package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * {@link MonoWithHold} against a primitive of one permit written for the test, whose waiter reports
 * what happens to it: the races with a Reactor cancel that the real primitives cannot stage
 * deterministically, and a release that fails. Everything runs on the test thread: an off-loop
 * waiter resumes on the thread that hands it the permit, and the one on-loop waiter waits on a loop
 * that is not running until the test runs it. The contract with the real primitives is {@link
 * LockAndSemaphoreHoldingContract}.
 */
class MonoWithHoldTest {
  private final List<String> log = new ArrayList<>();
  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final OnePermit permit = new OnePermit();

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  /** One permit; its waiter resumes on {@code waiterLoop}, or on the handing thread if null. */
  private final class OnePermit implements MonoWithHold.Holdable, Waiter.Owner {
    boolean held;
    @Nullable EventLoop waiterLoop;
    @Nullable Waiter<Void> waiter;
    Runnable onResumed = () -> {};
    @Nullable RuntimeException releaseFailure;

    @Override
    public @Nullable Waiter<Void> acquireOrQueue(@Nullable EventLoop ignored) {
      if (!held) {
        held = true;
        log.add("taken");
        return null;
      }
      waiter = new Waiter<>(waiterLoop, this, null);
      log.add("queued");
      return waiter;
    }

    @Override
    public void release() {
      log.add("released");
      RuntimeException e = releaseFailure;
      if (e != null) {
        throw e;
      }
      held = false;
    }

    /** Hands the permit to the waiter: it stays held, now on the waiter's behalf. */
    void handOver() {
      assertThat(waiter).isNotNull();
      assertThat(waiter.resolve(null)).isTrue();
    }

    @Override
    public void waiterCancelled(Waiter<?> w) {
      log.add("withdrawn");
    }

    @Override
    public void waiterDropped(Waiter<?> w) {
      log.add("dropped");
      held = false;
    }

    @Override
    public void waiterResumed(Waiter<?> w) {
      onResumed.run();
    }
  }

  private <T> Mono<T> holding(Mono<T> body) {
    return new MonoWithHold<>(permit, body, "withOnePermit");
  }

  private Mono<Void> note(String event) {
    return Mono.fromRunnable(() -> log.add(event));
  }

  @Test
  void freePermitRunsTheBodyAndReleasesOnce() {
    StepVerifier.create(holding(note("body").thenReturn(1))).expectNext(1).verifyComplete();
    assertThat(log).containsExactly("taken", "body", "released");
    assertThat(permit.held).isFalse();
  }

  @Test
  void waiterRunsTheBodyOnceHandedThePermit() {
    permit.held = true;
    StepVerifier.create(holding(note("body")))
        .expectSubscription()
        .then(permit::handOver)
        .verifyComplete();
    assertThat(log).containsExactly("queued", "body", "released");
    assertThat(permit.held).isFalse();
  }

  @Test
  void reactorCancelWhileWaitingWithdrawsTheWaiter() {
    permit.held = true;
    StepVerifier.create(holding(note("body")))
        .expectSubscription()
        .then(() -> assertThat(log).containsExactly("queued"))
        .thenCancel()
        .verify();
    assertThat(log).containsExactly("queued", "withdrawn");
    assertThat(permit.held).isTrue(); // still the first holder's
  }

  @Test
  void grantDeliveredAfterAReactorCancelIsReleasedAndTheBodyNeverRuns() {
    // Scenario: the waiter's await has claimed the hand-off (it is resuming) when a Reactor cancel
    // arrives, as from another thread at that moment; the grant then reaches a cancelled holding,
    // which must give the permit back itself.
    permit.held = true;
    Disposable d = holding(note("body")).subscribe();
    permit.onResumed = d::dispose;
    permit.handOver();
    assertThat(log).containsExactly("queued", "released");
    assertThat(permit.held).isFalse();
  }

  @Test
  void grantNotYetDeliveredWhenAReactorCancelArrivesGoesBackThroughTheWaiter() {
    // Scenario: the permit is handed to a waiter on a loop, whose await is scheduled but has not
    // run when the cancel arrives: the waiter drops the permit back to the primitive, and the
    // await, when it runs, does nothing.
    permit.held = true;
    permit.waiterLoop = loop;
    Disposable d = holding(note("body")).subscribe();
    permit.handOver();
    d.dispose();
    loop.runUntilComplete(loop.sleep(0));
    assertThat(log).containsExactly("queued", "dropped");
    assertThat(permit.held).isFalse();
  }

  @Test
  void releaseFailureAfterTheBodyBecomesItsError() {
    IllegalStateException failure = new IllegalStateException("released too often");
    permit.releaseFailure = failure;
    StepVerifier.create(holding(Mono.just(1)))
        .expectErrorMatches(e -> e == failure)
        .verifyThenAssertThat()
        .hasDiscarded(1);
  }

  @Test
  void releaseFailureAfterAFailedBodyIsSuppressedIntoItsError() {
    IllegalStateException failure = new IllegalStateException("released too often");
    IllegalArgumentException boom = new IllegalArgumentException("boom");
    permit.releaseFailure = failure;
    StepVerifier.create(holding(Mono.error(boom)))
        .expectErrorSatisfies(e -> assertThat(e).isSameAs(boom).hasSuppressedException(failure))
        .verify();
  }

  @Test
  void releaseFailureOnAReactorCancelIsReportedAsDropped() {
    IllegalStateException failure = new IllegalStateException("released too often");
    permit.releaseFailure = failure;
    StepVerifier.create(holding(Mono.never()))
        .expectSubscription()
        .then(() -> assertThat(log).containsExactly("taken"))
        .thenCancel()
        .verifyThenAssertThat()
        .hasDroppedErrorsSatisfying(errors -> assertThat(errors).containsExactly(failure));
    assertThat(log).containsExactly("taken", "released");
  }
}
