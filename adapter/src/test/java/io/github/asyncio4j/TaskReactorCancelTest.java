package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where asyncio's cancellation meets Reactor's (DESIGN.md "Cancellation"): a downstream Reactor
 * {@code cancel()} of a task's awaiter is a {@code task.cancel()}; a foreign publisher awaited
 * without wrapping gets a plain Reactor cancel and cannot observe it; {@code loop.wrap} turns it
 * into an asyncio4j await that sees {@link CancelledError}.
 */
class TaskReactorCancelTest {
  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<String> log = new ArrayList<>();

  /**
   * Virtual-time watchdog: a task left waiting forever fails the test instead of hanging it. Tests
   * that wait for another thread cancel it: with a timer pending, the virtual clock jumps instead
   * of waiting for other threads.
   */
  private TimerHandle watchdog;

  @BeforeEach
  void startWatchdog() {
    watchdog = loop.callLater(1e7, loop::stop);
  }

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  private void runBriefly() {
    loop.runUntilComplete(Mono.empty());
  }

  private <T> Mono<T> cleanUpThenReraise(Mono<T> body, String who) {
    return body.onErrorResume(
        CancelledError.class,
        e ->
            loop.sleep(1)
                .then(Mono.fromRunnable(() -> log.add(who + " cleaned up: " + e.getMessage())))
                .then(Mono.error(e)));
  }

  // ---------------------------------------------------------------- downstream Reactor cancel

  @Test
  void disposingASubscriptionToATaskCancelsTheTask() {
    Task<String> t =
        loop.createTask(cleanUpThenReraise(loop.sleep(Duration.ofHours(1), "late"), "task"));
    runBriefly();
    Disposable subscription = t.subscribe();

    subscription.dispose();

    assertThat(t.cancelling()).isEqualTo(1);
    assertThat(t.cancelled()).isFalse();
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isExactlyInstanceOf(CancelledError.class);
    assertThat(t.cancelled()).isTrue();
    assertThat(log).containsExactly("task cleaned up: null");
  }

  @Test
  void reactorTimeoutOnAnAwaitedTaskCancelsTheTask() {
    // A WebFlux-style timeout downstream of a task: the Reactor cancel becomes task.cancel()
    Task<String> inner =
        loop.createTask(cleanUpThenReraise(loop.sleep(Duration.ofHours(1), "late"), "inner"));
    Mono<String> outer =
        Mono.defer(() -> inner)
            .timeout(Duration.ofSeconds(5), loop)
            .onErrorResume(TimeoutException.class, e -> Mono.just("timed out at " + loop.time()));

    assertThat(loop.runUntilComplete(outer)).isEqualTo("timed out at 5.0");
    assertThat(inner.cancelling()).isEqualTo(1);
    assertThatThrownBy(() -> loop.runUntilComplete(inner)).isInstanceOf(CancelledError.class);
    assertThat(inner.cancelled()).isTrue();
    assertThat(log).containsExactly("inner cleaned up: null");
    assertThat(loop.time()).isEqualTo(6.0);
  }

  @Test
  void reactorCancelOfAnAwaitedSleepInsideATaskIsSeenOnlyByThatBranch() {
    // Mono.firstWithValue cancels the slower branch: an owned awaitable (sleep) is cancelled, its
    // timer with it, and the task goes on with the winner: not a task.cancel().
    Task<String> t =
        loop.createTask(
            Mono.firstWithValue(
                loop.sleep(Duration.ofSeconds(1), "fast"),
                loop.sleep(Duration.ofSeconds(100), "slow")));
    assertThat(loop.runUntilComplete(t)).isEqualTo("fast");
    assertThat(t.cancelling()).isZero();
    assertThat(loop.scheduledTimerCount()).as("only the watchdog is left").isEqualTo(1);
  }

  // ---------------------------------------------------------------- foreign publishers

  @Test
  void aForeignPublisherGetsAPlainReactorCancelAndTheTaskEndsCancelled() {
    Task<String> t =
        loop.createTask(
            Mono.<String>never()
                .doOnCancel(() -> log.add("never: plain cancel"))
                .onErrorResume(CancelledError.class, e -> Mono.just("handler cannot run")));
    runBriefly();

    assertThat(t.cancel("bye")).isTrue();

    assertThat(log).containsExactly("never: plain cancel");
    assertThat(t.cancelled()).isFalse(); // it ends on the next iteration
    assertThatThrownBy(() -> loop.runUntilComplete(t))
        .isExactlyInstanceOf(CancelledError.class)
        .hasMessage("bye");
    assertThat(t.cancelled()).isTrue();
    assertThat(log).containsExactly("never: plain cancel");
  }

  @Test
  void selfCancelThenAwaitAForeignPublisherCancelsItPlainly() {
    // asyncio's __step delivers a cancel requested during the step at the next suspension,
    // whatever it is; on a foreign publisher that is Reactor's plain cancel (DESIGN.md).
    AtomicReference<Task<String>> self = new AtomicReference<>();
    Task<String> t =
        loop.createTask(
            Mono.defer(
                () -> {
                  self.get().cancel("self");
                  return Mono.<String>never().doOnCancel(() -> log.add("first step: plain cancel"));
                }));
    self.set(t);
    assertThatThrownBy(() -> loop.runUntilComplete(t))
        .isExactlyInstanceOf(CancelledError.class)
        .hasMessage("self");
    assertThat(log).containsExactly("first step: plain cancel");
  }

  @Test
  void selfCancelAfterAResumptionThenAwaitAForeignPublisherCancelsItPlainly() {
    AtomicReference<Task<String>> self = new AtomicReference<>();
    Task<String> t =
        loop.createTask(
            loop.sleep(0)
                .then(
                    Mono.defer(
                        () -> {
                          self.get().cancel("later");
                          return Mono.<String>never()
                              .doOnCancel(() -> log.add("later step: plain cancel"));
                        })));
    self.set(t);
    assertThatThrownBy(() -> loop.runUntilComplete(t)).hasMessage("later");
    assertThat(log).containsExactly("later step: plain cancel");
    assertThat(loop.time()).isZero();
  }

  @Test
  void anUnwrappedSinkIsUnsubscribedAndALaterValueIsIgnored() {
    Sinks.One<String> sink = Sinks.one();
    Task<String> t = loop.createTask(sink.asMono());
    runBriefly();
    assertThat(sink.currentSubscriberCount()).isEqualTo(1);

    t.cancel();

    assertThat(sink.currentSubscriberCount()).isZero();
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    sink.tryEmitValue("too late");
    runBriefly();
    assertThat(t.cancelled()).isTrue();
  }

  @Test
  void aCancelOfAForeignAwaitCannotBeUncancelled() {
    // Reactor's cancel cannot be taken back: cancel(); uncancel() still ends the task cancelled,
    // rather than "finished" with a result its chain never produced.
    Task<String> t = loop.createTask(Mono.never());
    runBriefly();
    t.cancel("gone");
    assertThat(t.uncancel()).isZero();
    assertThatThrownBy(() -> loop.runUntilComplete(t))
        .isExactlyInstanceOf(CancelledError.class)
        .hasMessage("gone");
    assertThat(t.cancelled()).isTrue();
  }

  @Test
  void twoCancelsOfAForeignAwaitKeepTheFirstMessage() {
    Task<String> t = loop.createTask(Mono.never());
    runBriefly();
    t.cancel("one");
    t.cancel("two");
    assertThatThrownBy(() -> loop.runUntilComplete(t)).hasMessage("one");
  }

  @Test
  void aForeignPublisherCompletingOnAnotherThreadCompletesTheTaskOnTheLoop() {
    watchdog.cancel();
    Scheduler elsewhere = Schedulers.newSingle("elsewhere");
    try {
      AtomicReference<String> producedOn = new AtomicReference<>();
      AtomicReference<Thread> callbackOn = new AtomicReference<>();
      Task<String> t =
          loop.createTask(
              Mono.fromCallable(
                      () -> {
                        producedOn.set(Thread.currentThread().getName());
                        return "value";
                      })
                  .subscribeOn(elsewhere));
      t.addDoneCallback(f -> callbackOn.set(Thread.currentThread()));
      assertThat(loop.runUntilComplete(t)).isEqualTo("value");
      assertThat(producedOn.get()).startsWith("elsewhere");
      assertThat(callbackOn).hasValue(Thread.currentThread()); // the loop ran on this thread
    } finally {
      elsewhere.dispose();
    }
  }

  // ---------------------------------------------------------------- loop.wrap

  @Test
  void aWrappedPublisherSeesCancelledErrorAndItsUpstreamIsCancelled() {
    Task<String> t =
        loop.createTask(
            cleanUpThenReraise(
                loop.wrap(Mono.<String>never().doOnCancel(() -> log.add("upstream cancelled"))),
                "chain"));
    runBriefly();

    assertThat(t.cancel("bye")).isTrue();
    assertThat(t.cancelled()).isFalse();

    assertThatThrownBy(() -> loop.runUntilComplete(t))
        .isExactlyInstanceOf(CancelledError.class)
        .hasMessage("bye");
    assertThat(log).containsExactlyInAnyOrder("upstream cancelled", "chain cleaned up: bye");
    assertThat(log.get(log.size() - 1)).isEqualTo("chain cleaned up: bye");
  }

  @Test
  void aWrappedPublisherResumesTheTaskOnTheLoopWithItsFirstElement() {
    watchdog.cancel();
    Scheduler elsewhere = Schedulers.newSingle("elsewhere");
    try {
      AtomicReference<Thread> resumedOn = new AtomicReference<>();
      Task<String> t =
          loop.createTask(
              loop.wrap(reactor.core.publisher.Flux.just("first", "second").publishOn(elsewhere))
                  .doOnNext(v -> resumedOn.set(Thread.currentThread())));
      assertThat(loop.runUntilComplete(t)).isEqualTo("first");
      assertThat(resumedOn).hasValue(Thread.currentThread());
    } finally {
      elsewhere.dispose();
    }
  }

  @Test
  void aWrappedPublisherPassesEmptinessAndErrorsThrough() {
    IllegalStateException boom = new IllegalStateException("boom");
    assertThat(loop.runUntilComplete(loop.wrap(Mono.<String>empty()))).isNull();
    assertThatThrownBy(() -> loop.runUntilComplete(loop.wrap(Mono.<String>error(boom))))
        .isSameAs(boom);
    assertThatThrownBy(() -> loop.wrap(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("source");
  }
}
