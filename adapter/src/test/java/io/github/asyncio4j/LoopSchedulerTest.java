package io.github.asyncio4j;

import static io.github.asyncio4j.EventLoopOrderingTest.runOnce;
import static io.github.asyncio4j.EventLoopOrderingTest.runUntil;
import static java.util.concurrent.TimeUnit.HOURS;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;

/**
 * The loop as a Reactor {@link Scheduler} (DESIGN.md rule 9): the intent of reactor-core's {@code
 * AbstractSchedulerTest} (direct, delayed and periodic tasks on the scheduler and on workers;
 * disposables cancel; a disposed worker drops its work and rejects more; dispose and
 * disposeGracefully), plus what is particular to a loop: its clock is {@code now()}, and the loop's
 * ordering rules hold through {@code publishOn}, {@code Mono.delay} and workers. Timing on the
 * virtual-time loop; the real-thread variants only check threads and completion.
 */
class LoopSchedulerTest {

  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<Object> log = new ArrayList<>();

  // ---------------------------------------------------------------- direct tasks

  // AbstractSchedulerTest#directScheduleAndDispose
  @Test
  void aScheduledTaskRunsOnceAndItsDisposableIsDisposedOnlyWhenItIsDone() {
    Disposable[] d = new Disposable[1];
    d[0] =
        loop.schedule(
            () -> {
              log.add("ran");
              log.add(d[0].isDisposed());
            });
    assertThat(d[0].isDisposed()).isFalse();

    runOnce(loop);
    runOnce(loop);
    assertThat(log).containsExactly("ran", false);
    assertThat(d[0].isDisposed()).isTrue();
    d[0].dispose();
    d[0].dispose();
  }

  @Test
  void disposingAScheduledTaskBeforeItRunsCancelsIt() {
    Disposable now = loop.schedule(() -> log.add("now"));
    Disposable later = loop.schedule(() -> log.add("later"), 5, SECONDS);
    Disposable periodic = loop.schedulePeriodically(() -> log.add("periodic"), 1, 1, SECONDS);
    List.of(now, later, periodic).forEach(Disposable::dispose);

    assertThat(List.of(now, later, periodic)).allMatch(Disposable::isDisposed);
    runUntil(loop, 10);
    assertThat(log).isEmpty();
  }

  // AbstractSchedulerTest#directScheduleAndDisposeDelay
  @Test
  void aDelayedTaskRunsAfterItsDelayOnTheLoopsClock() {
    loop.schedule(() -> log.add(loop.time()), 5, SECONDS);
    loop.schedule(() -> log.add(loop.time()), 1500, MILLISECONDS);
    loop.schedule(() -> log.add("negative @" + loop.time()), -1, SECONDS);
    runUntil(loop, 10);

    assertThat(log).containsExactly("negative @0.0", 1.5, 5.0);
  }

  // AbstractSchedulerTest#directScheduleAndDisposePeriod
  @Test
  void aPeriodicTaskRunsAtAFixedRateUntilDisposed() {
    Disposable[] d = new Disposable[1];
    d[0] =
        loop.schedulePeriodically(
            () -> {
              log.add(loop.time());
              if (log.size() == 4) {
                d[0].dispose();
              }
            },
            1,
            2,
            SECONDS);
    assertThat(d[0].isDisposed()).isFalse();
    runUntil(loop, 100);

    assertThat(log).containsExactly(1.0, 3.0, 5.0, 7.0);
    assertThat(d[0].isDisposed()).isTrue();
  }

  @Test
  void aPeriodicTaskWithoutPeriodRunsOncePerIterationAndStarvesNothing() {
    Disposable d = loop.schedulePeriodically(() -> log.add("tick"), 0, 0, SECONDS);
    Runnable[] other = new Runnable[1];
    other[0] =
        () -> {
          log.add("other");
          loop.callSoon(other[0]);
        };
    loop.callSoon(other[0]);
    runOnce(loop);
    runOnce(loop);
    runOnce(loop);
    d.dispose();
    runOnce(loop);

    assertThat(log).containsExactly("other", "tick", "other", "tick", "other", "tick", "other");
  }

  // ---------------------------------------------------------------- workers

  @Test
  void workerTasksKeepTheLoopsOrderWithCallbacksAndTimers() {
    Scheduler.Worker w = loop.createWorker();
    loop.callSoon(
        () -> {
          loop.callSoon(() -> log.add("A"));
          w.schedule(() -> log.add("W1"));
          loop.callSoon(() -> log.add("B"));
          w.schedule(() -> log.add("W2"));
          loop.callLater(1, () -> log.add("T1"));
          w.schedule(() -> log.add("W3"), 1, SECONDS);
          loop.callLater(1, () -> log.add("T2"));
          w.schedulePeriodically(() -> log.add("P@" + loop.time()), 1, 1, SECONDS);
        });
    runUntil(loop, 2.5);

    assertThat(log).containsExactly("A", "W1", "B", "W2", "T1", "W3", "T2", "P@1.0", "P@2.0");
    w.dispose();
  }

  // AbstractSchedulerTest#workerScheduleAndDispose, #workerScheduleAndDisposeDelay,
  // #workerScheduleAndDisposePeriod
  @Test
  void disposingAWorkerCancelsItsPendingTasksAndRejectsNewOnes() {
    Scheduler.Worker w = loop.createWorker();
    Scheduler.Worker other = loop.createWorker();
    List<Disposable> tasks =
        List.of(
            w.schedule(() -> log.add("now")),
            w.schedule(() -> log.add("later"), 1, SECONDS),
            w.schedulePeriodically(() -> log.add("periodic"), 1, 1, SECONDS));
    other.schedule(() -> log.add("other worker"));
    assertThat(w.isDisposed()).isFalse();

    w.dispose();
    w.dispose();
    assertThat(w.isDisposed()).isTrue();
    assertThat(tasks).allMatch(Disposable::isDisposed);
    assertThatThrownBy(() -> w.schedule(() -> {})).isSameAs(Exceptions.failWithRejected());
    assertThatThrownBy(() -> w.schedule(() -> {}, 1, SECONDS))
        .isSameAs(Exceptions.failWithRejected());
    assertThatThrownBy(() -> w.schedulePeriodically(() -> {}, 1, 1, SECONDS))
        .isSameAs(Exceptions.failWithRejected());

    runUntil(loop, 10);
    assertThat(log).containsExactly("other worker");
    assertThat(((LoopWorker) w).pendingCount()).isZero();
    assertThat(other.isDisposed()).isFalse();
  }

  @Test
  void aWorkerTaskIsNotDisposedWhileItRuns() {
    Scheduler.Worker w = loop.createWorker();
    Disposable[] d = new Disposable[1];
    d[0] = w.schedule(() -> log.add(d[0].isDisposed()));
    runOnce(loop);

    assertThat(log).containsExactly(false);
    assertThat(d[0].isDisposed()).isTrue();
  }

  @Test
  void aWorkerForgetsItsTasksOnceTheyRunOrAreDisposed() {
    LoopWorker w = (LoopWorker) loop.createWorker();
    w.schedule(() -> log.add("ran"));
    Disposable delayed = w.schedule(() -> log.add("delayed"), 1, HOURS);
    Disposable periodic = w.schedulePeriodically(() -> log.add("periodic"), 1, 1, HOURS);
    assertThat(w.pendingCount()).isEqualTo(3);

    delayed.dispose();
    periodic.dispose();
    assertThat(w.pendingCount()).isEqualTo(1);
    runUntil(loop, 7200);
    assertThat(w.pendingCount()).isZero();
    assertThat(log).containsExactly("ran");
  }

  @Test
  @Timeout(10)
  void aWorkerForgetsTasksScheduledFromAnotherThread() {
    EventLoop threaded = EventLoop.newThreadEventLoop("worker-loop");
    try {
      LoopWorker w = (LoopWorker) threaded.createWorker();
      AtomicInteger ran = new AtomicInteger();
      CompletableFuture<Void> done = new CompletableFuture<>();
      int n = 50_000;
      for (int i = 0; i < n; i++) {
        w.schedule(ran::incrementAndGet);
      }
      w.schedule(() -> done.complete(null)); // the worker's tasks run in order
      done.join();

      assertThat(ran.get()).isEqualTo(n);
      assertThat(w.pendingCount()).isZero();
    } finally {
      threaded.dispose();
    }
  }

  // ---------------------------------------------------------------- clock and lifecycle

  @Test
  void nowIsTheLoopsClock() {
    assertThat(loop.now(NANOSECONDS)).isZero();
    runUntil(loop, 90.5);

    assertThat(loop.now(SECONDS)).isEqualTo(90);
    assertThat(loop.now(MILLISECONDS)).isEqualTo(90_500);
    assertThat(loop.now(NANOSECONDS)).isEqualTo(90_500_000_000L);
  }

  @Test
  @Timeout(10)
  void disposeGracefullyStopsAndClosesALoopRunningOnItsOwnThread() {
    EventLoop threaded = EventLoop.newThreadEventLoop("disposed-loop");
    Scheduler.Worker w = threaded.createWorker();
    threaded.submit(Mono.empty()).join();
    assertThat(threaded.isDisposed()).isFalse();

    StepVerifier.create(threaded.disposeGracefully()).verifyComplete();

    assertThat(threaded.isDisposed()).isTrue();
    assertThat(threaded.isClosed()).isTrue();
    assertThat(threaded.isRunning()).isFalse();
    assertThatThrownBy(() -> threaded.schedule(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> threaded.schedule(() -> {}, 1, SECONDS))
        .isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> threaded.schedulePeriodically(() -> {}, 1, 1, SECONDS))
        .isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> w.schedule(() -> {})).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> threaded.createWorker().schedule(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    threaded.dispose();
    StepVerifier.create(threaded.disposeGracefully()).verifyComplete();
  }

  @Test
  void disposingAnIdleLoopClosesItAtOnceAndDropsItsWork() {
    loop.schedule(() -> log.add("dropped"));
    loop.schedule(() -> log.add("dropped timer"), 1, SECONDS);
    loop.dispose();

    assertThat(loop.isClosed()).isTrue();
    StepVerifier.create(loop.disposeGracefully()).verifyComplete();
    assertThatThrownBy(loop::runForever).hasMessage("Event loop is closed");
    assertThat(log).isEmpty();
  }

  @Test
  void disposingALoopFromItsCallbackClosesItWhenTheRunReturns() {
    loop.callSoon(
        () -> {
          loop.dispose();
          log.add(loop.isClosed());
        });
    loop.callSoon(() -> log.add("same iteration"));
    loop.callLater(1, () -> log.add("dropped"));
    loop.runForever(); // dispose() stopped it

    assertThat(log).containsExactly(false, "same iteration");
    assertThat(loop.isClosed()).isTrue();
  }

  // AbstractSchedulerTest#restartSupport (a loop does not restart)
  @Test
  @SuppressWarnings("deprecation") // Scheduler.start() is part of the contract under test
  void aDisposedLoopCannotBeInitializedAgain() {
    loop.init();
    loop.start();
    assertThat(loop.isDisposed()).isFalse();
    loop.dispose();

    assertThatThrownBy(loop::init)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Initializing a disposed scheduler is not permitted");
    loop.start();
    assertThat(loop.isDisposed()).isTrue();
  }

  // ---------------------------------------------------------------- Reactor operators

  @Test
  void monoDelayAndFluxIntervalRunOnTheVirtualClock() {
    Double delayed =
        loop.runUntilComplete(Mono.delay(Duration.ofHours(2), loop).map(v -> loop.time()));
    assertThat(delayed).isEqualTo(7200.0);

    List<String> ticks =
        loop.runUntilComplete(
            Flux.interval(Duration.ofSeconds(1), loop)
                .map(i -> i + "@" + loop.time())
                .take(3)
                .collectList());
    assertThat(ticks).containsExactly("0@7201.0", "1@7202.0", "2@7203.0");

    runOnce(loop); // take(3) cancelled the interval: its cancelled timer leaves the heap
    assertThat(loop.scheduledTimerCount()).isZero();
  }

  @Test
  void publishOnAndDelayKeepTheLoopsOrder() {
    loop.callSoon(
        () -> {
          loop.callSoon(() -> log.add("A"));
          Flux.just("P1", "P2").hide().publishOn(loop).subscribe(log::add);
          loop.callSoon(() -> log.add("B"));
          Mono.just("M").publishOn(loop).subscribe(log::add);
          loop.callLater(1, () -> log.add("T1"));
          Mono.delay(Duration.ofSeconds(1), loop).subscribe(v -> log.add("D"));
          loop.callLater(1, () -> log.add("T2"));
        });
    runUntil(loop, 2);

    assertThat(log).containsExactly("A", "P1", "P2", "B", "M", "T1", "D", "T2");
  }

  @Test
  @Timeout(10)
  void reactorOperatorsRunOnALoopsOwnThread() {
    EventLoop threaded = EventLoop.newThreadEventLoop("reactor-loop");
    try {
      StepVerifier.create(
              Flux.range(1, 1000)
                  .publishOn(threaded)
                  .map(i -> Thread.currentThread().getName() + " " + i))
          .expectNextSequence(
              IntStream.rangeClosed(1, 1000).mapToObj(i -> "reactor-loop " + i).toList())
          .verifyComplete();
      StepVerifier.create(
              Mono.fromCallable(() -> Thread.currentThread().getName()).subscribeOn(threaded))
          .expectNext("reactor-loop")
          .verifyComplete();
      StepVerifier.create(
              Mono.delay(Duration.ofMillis(5), threaded).map(v -> Thread.currentThread().getName()))
          .expectNext("reactor-loop")
          .verifyComplete();
      StepVerifier.create(Flux.interval(Duration.ofMillis(1), threaded).take(5))
          .expectNext(0L, 1L, 2L, 3L, 4L)
          .verifyComplete();
    } finally {
      threaded.dispose();
    }
  }
}
