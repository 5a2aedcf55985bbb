package io.github.asyncio4j.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The token bucket's contract (DESIGN.md, "Rate limiting"): the window bound, FIFO, cancellation
 * giving back, tryAcquire, the Flux transformer's demand, and both clocks. Deterministic: the
 * virtual-time loop, or reactor-test's virtual-time scheduler.
 */
class RateLimiterTest {

  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<String> log = new ArrayList<>();

  /** Logs {@code what@<virtual ms>} when subscribed. */
  private Mono<Void> record(String what) {
    return Mono.fromRunnable(() -> log.add(what + "@" + loop.now(TimeUnit.MILLISECONDS)));
  }

  // ------------------------------------------------------------------ the bucket

  @Test
  void aFullBucketLetsTheBurstPassAtOnceThenOnePermitPerInterval() {
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 3);
    loop.runUntilComplete(
        Flux.range(1, 6).concatMap(i -> limiter.acquire().then(record("#" + i))).then());
    assertThat(log).containsExactly("#1@0", "#2@0", "#3@0", "#4@100", "#5@200", "#6@300");
  }

  @Test
  void anIdleBucketRefillsAtTheRateUpToTheBurst() {
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 3);
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              assertThat(limiter.tryAcquire(3)).isTrue();
              return loop.sleep(Duration.ofMillis(150));
            }));
    assertThat(limiter.statistics().permits())
        .isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-9));
    loop.advanceTimeBy(Duration.ofSeconds(60));
    assertThat(limiter.statistics().permits()).isEqualTo(3.0); // never more than the burst
    assertThat(limiter.tryAcquire(3)).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
  }

  @Test
  void theEssaysWorkedExample() {
    // RateLimiter's class comment: rate 2/s, burst 3; five acquire at 0, D cancelled at 0.2.
    RateLimiter limiter = RateLimiter.of(2, Duration.ofSeconds(1), 3);
    List<Object> seen = new ArrayList<>();
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              List<Task<Void>> tasks = new ArrayList<>();
              for (String name : List.of("A", "B", "C", "D", "E")) {
                tasks.add(loop.createTask(limiter.acquire().then(record(name))));
              }
              loop.callLater(0.2, () -> tasks.get(3).cancel());
              loop.callLater(
                  0.3,
                  () -> {
                    seen.add(limiter.tryAcquire());
                    seen.add(limiter.retryAfter());
                    seen.add(limiter.statistics());
                  });
              return Flux.fromIterable(tasks)
                  .flatMap(t -> t.onErrorResume(e -> Mono.empty()))
                  .then();
            }));
    assertThat(log).containsExactly("A@0", "B@0", "C@0", "E@500");
    assertThat(seen.get(0)).isEqualTo(false);
    assertThat(seen.get(1)).isEqualTo(Duration.ofMillis(700));
    RateLimiter.Statistics s = (RateLimiter.Statistics) seen.get(2);
    assertThat(s.waiters()).isEqualTo(1);
    assertThat(s.permits()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
  }

  // ------------------------------------------------------------------ FIFO

  @Test
  void waitersAreGrantedInFifoOrderEvenWhenALaterOneAsksForFewerPermits() {
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 5);
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              assertThat(limiter.tryAcquire(5)).isTrue();
              Task<Void> big = loop.createTask(limiter.acquire(3).then(record("big")));
              Task<Void> small = loop.createTask(limiter.acquire(1).then(record("small")));
              // At 0.15 the bucket holds 1.5 permits: enough for 'small', which still waits.
              loop.callLater(0.15, () -> log.add("try:" + limiter.tryAcquire()));
              return Mono.when(big, small);
            }));
    assertThat(log).containsExactly("try:false", "big@300", "small@400");
  }

  @Test
  void manyWaitersResumeInTheOrderTheyAsked() {
    RateLimiter limiter = RateLimiter.of(100, Duration.ofSeconds(1), 1);
    List<Integer> order = new ArrayList<>();
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              List<Task<Void>> tasks = new ArrayList<>();
              for (int i = 0; i < 50; i++) {
                int n = i;
                tasks.add(
                    loop.createTask(
                        limiter.acquire(1).then(Mono.fromRunnable(() -> order.add(n)))));
              }
              return Mono.when(tasks);
            }));
    assertThat(order).isSorted().hasSize(50);
    assertThat(loop.now(TimeUnit.MILLISECONDS)).isEqualTo(490);
  }

  // ------------------------------------------------------------------ tryAcquire

  @Test
  void tryAcquireTakesWhatTheBucketHoldsAndFailsWhileAnyoneWaits() {
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 2);
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              log.add("try:" + limiter.tryAcquire());
              log.add("try:" + limiter.tryAcquire());
              log.add("try:" + limiter.tryAcquire());
              Task<Void> waiter = loop.createTask(limiter.acquire(2).then(record("waiter")));
              loop.callLater(0.15, () -> log.add("try:" + limiter.tryAcquire()));
              loop.callLater(0.3, () -> log.add("try:" + limiter.tryAcquire()));
              return waiter.then(loop.sleep(Duration.ofMillis(200)));
            }));
    assertThat(log)
        .containsExactly(
            "try:true", "try:true", "try:false", "try:false", "waiter@200", "try:true");
  }

  @Test
  void retryAfterCountsTheWholeLine() {
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 4);
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              assertThat(limiter.retryAfter()).isEqualTo(Duration.ZERO);
              assertThat(limiter.tryAcquire(3)).isTrue();
              assertThat(limiter.retryAfter(1)).isEqualTo(Duration.ZERO);
              assertThat(limiter.retryAfter(2)).isEqualTo(Duration.ofMillis(100));
              Task<Void> waiter = loop.createTask(limiter.acquire(4));
              return loop.sleep(0)
                  .then(
                      Mono.fromRunnable(
                          () -> {
                            // The waiter needs 3 more permits (300 ms), then ours: 400 ms.
                            assertThat(limiter.retryAfter(1)).isEqualTo(Duration.ofMillis(400));
                            assertThat(limiter.statistics().waiters()).isEqualTo(1);
                          }))
                  .then(waiter);
            }));
    assertThat(loop.now(TimeUnit.MILLISECONDS)).isEqualTo(300);
  }

  @Test
  void tryAcquireAndAnAcquireThatNeedNotWaitAllocateNothing() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    if (!(bean instanceof com.sun.management.ThreadMXBean mx)
        || !mx.isThreadAllocatedMemorySupported()) {
      return;
    }
    mx.setThreadAllocatedMemoryEnabled(true);
    EventLoop clock = EventLoop.newEventLoop(); // its clock, not running: System.nanoTime
    RateLimiter limiter = RateLimiter.of(1e12, Duration.ofSeconds(1), 1_000_000, clock);
    Mono<Void> acquire = limiter.acquire();
    CoreSubscriber<Void> reused = new NoOpSubscriber();
    int n = 200_000;
    long granted = 0;
    for (int i = 0; i < n; i++) { // warm up
      granted += limiter.tryAcquire() ? 1 : 0;
      acquire.subscribe(reused);
    }
    long thread = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(thread);
    for (int i = 0; i < n; i++) {
      granted += limiter.tryAcquire() ? 1 : 0;
      acquire.subscribe(reused);
    }
    long allocated = mx.getThreadAllocatedBytes(thread) - before;
    assertThat(granted).isPositive();
    assertThat(allocated).as("bytes allocated by %d calls", 2 * n).isLessThan(1024);
    clock.close();
  }

  private static final class NoOpSubscriber implements CoreSubscriber<Void> {
    @Override
    public void onSubscribe(Subscription s) {}

    @Override
    public void onNext(Void v) {}

    @Override
    public void onError(Throwable t) {
      throw new AssertionError(t);
    }

    @Override
    public void onComplete() {}
  }

  // ------------------------------------------------------------------ cancellation

  @Test
  void aCancelledWaiterSeesCancelledErrorLeavesTheLineAndTheNextMovesUp() {
    RateLimiter limiter = RateLimiter.of(1, Duration.ofSeconds(1), 1);
    List<Task<Void>> tasks = new ArrayList<>();
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              tasks.add(loop.createTask(limiter.acquire().then(record("A"))));
              tasks.add(
                  loop.createTask(
                      limiter
                          .acquire()
                          .then(record("B"))
                          .onErrorResume(
                              CancelledError.class,
                              e -> record("B cleans up").then(Mono.error(e)))));
              tasks.add(loop.createTask(limiter.acquire().then(record("C"))));
              loop.callLater(0.5, () -> tasks.get(1).cancel());
              return Flux.fromIterable(tasks)
                  .flatMap(t -> t.onErrorResume(e -> Mono.empty()))
                  .then();
            }));
    // Without B, C is next in line at 1 s, not behind B's reservation at 2 s.
    assertThat(log).containsExactly("A@0", "B cleans up@500", "C@1000");
    assertThat(tasks.get(1).cancelled()).isTrue();
    assertThat(limiter.statistics().waiters()).isZero();
  }

  @Test
  void aWaiterCancelledAfterItsGrantBeforeItResumesGivesThePermitBack() {
    // asyncio's _must_cancel: B is granted at 1 s (its future gets its result), and in the same
    // iteration, before B resumes, its task is cancelled. B sees CancelledError; its permit goes
    // back, and C, next in line, gets it at 1 s instead of 2 s.
    RateLimiter limiter = RateLimiter.of(1, Duration.ofSeconds(1), 1);
    List<Task<Void>> tasks = new ArrayList<>();
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              assertThat(limiter.tryAcquire()).isTrue();
              Task<Void> b =
                  loop.createTask(
                      limiter
                          .acquire()
                          .then(record("B"))
                          .onErrorResume(
                              CancelledError.class,
                              e -> record("B cancelled").then(Mono.error(e))));
              Task<Void> c = loop.createTask(limiter.acquire().then(record("C")));
              // Created after B: its timer is armed after the limiter's wake-up for B, also 1 s,
              // so it runs right after the grant, in the same iteration.
              Task<Object> canceller =
                  loop.createTask(Mono.fromRunnable(() -> loop.callAt(1.0, () -> b.cancel())));
              tasks.add(b);
              tasks.add(c);
              return Mono.when(b.onErrorResume(e -> Mono.empty()), c, canceller);
            }));
    assertThat(log).containsExactly("B cancelled@1000", "C@1000");
    assertThat(tasks.get(0).cancelled()).isTrue();
  }

  @Test
  void aReactorCancelOfAWaiterGivesItsPlaceBack() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    RateLimiter limiter = RateLimiter.of(1, Duration.ofSeconds(1), 1, clock);
    assertThat(limiter.tryAcquire()).isTrue();
    Disposable b = limiter.acquire().subscribe(v -> {}, e -> {}, () -> log.add("B"));
    limiter
        .acquire()
        .subscribe(v -> {}, e -> {}, () -> log.add("C@" + clock.now(TimeUnit.MILLISECONDS)));
    clock.advanceTimeBy(Duration.ofMillis(500));
    b.dispose();
    assertThat(limiter.statistics().waiters()).isEqualTo(1);
    clock.advanceTimeBy(Duration.ofMillis(500));
    assertThat(log).containsExactly("C@1000");
    assertThat(limiter.statistics().waiters()).isZero();
  }

  @Test
  void aTimeoutAroundAnAcquisitionWithdrawsIt() {
    RateLimiter limiter = RateLimiter.of(1, Duration.ofSeconds(1), 1);
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              assertThat(limiter.tryAcquire()).isTrue();
              return limiter
                  .acquire()
                  .timeout(Duration.ofMillis(300), loop)
                  .onErrorResume(TimeoutException.class, e -> record("gave up"))
                  .then(limiter.acquire())
                  .then(record("next"));
            }));
    assertThat(log).containsExactly("gave up@300", "next@1000");
  }

  // ------------------------------------------------------------------ the bound, in long runs

  /** One admission: when (virtual ns) and how many permits. */
  private record Admission(long nanos, int permits) {}

  /**
   * The worst window: max over all windows {@code [t_i, t_j]} between admissions of {@code
   * permits(i..j) - rate × (t_j - t_i)}; the bound says it is at most {@code burst}.
   */
  private static double worstExcess(List<Admission> admitted, double ratePerNano) {
    double worst = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < admitted.size(); i++) {
      long sum = 0;
      long ti = admitted.get(i).nanos();
      for (int j = i; j < admitted.size(); j++) {
        Admission a = admitted.get(j);
        assertThat(a.nanos()).isGreaterThanOrEqualTo(ti);
        sum += a.permits();
        worst = Math.max(worst, sum - ratePerNano * (a.nanos() - ti));
      }
    }
    return worst;
  }

  /**
   * A long virtual run: Poisson arrivals at {@code arrivalsPerSecond}, each asking 1 to {@code
   * maxPermits} permits. Each task has a fate: most just acquire; others are cancelled at a random
   * time (before, while or after waiting), or at the instant they are predicted to be granted (just
   * before the grant, or just after it and before they resume: the give-back path), or give up by a
   * Reactor timeout (at a random time, or at the predicted grant). Returns the admissions in
   * resumption order.
   */
  private List<Admission> randomRun(
      RateLimiter limiter, long seed, double seconds, double arrivalsPerSecond, int maxPermits) {
    Random random = new Random(seed);
    List<Admission> admitted = new ArrayList<>();
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              List<Mono<Void>> all = new ArrayList<>();
              double t = 0;
              while (true) {
                t += -Math.log(1 - random.nextDouble()) / arrivalsPerSecond;
                if (t >= seconds) {
                  break;
                }
                int permits = 1 + random.nextInt(maxPermits);
                int fate = random.nextInt(20);
                double cancelAt = t + random.nextDouble() * 0.5;
                Duration timeout = Duration.ofMillis(random.nextInt(300));
                AtomicReference<Task<Void>> self = new AtomicReference<>();
                Mono<Boolean> attempt =
                    Mono.defer(
                        () -> {
                          Duration grant = limiter.retryAfter(permits); // if nobody withdraws
                          Mono<Boolean> acquire = limiter.acquire(permits).thenReturn(true);
                          switch (fate) {
                            case 0, 1 -> // after the grant, before it resumes
                                loop.callLater(
                                    grant, () -> loop.callSoon(() -> self.get().cancel()));
                            case 2 -> // at the grant's instant, before the wake-up runs
                                loop.callLater(grant, () -> self.get().cancel());
                            case 3, 4 -> acquire = giveUpAfter(acquire, timeout);
                            case 5 -> acquire = giveUpAfter(acquire, grant);
                            default -> {}
                          }
                          return acquire;
                        });
                Task<Void> task =
                    loop.createTask(
                        loop.sleep(t)
                            .then(attempt)
                            .flatMap(
                                passed ->
                                    passed
                                        ? Mono.fromRunnable(
                                            () ->
                                                admitted.add(
                                                    new Admission(
                                                        loop.now(TimeUnit.NANOSECONDS), permits)))
                                        : Mono.empty())
                            .then());
                self.set(task);
                if (fate == 6 || fate == 7) {
                  loop.callAt(cancelAt, () -> task.cancel());
                }
                all.add(task.onErrorResume(e -> Mono.empty()));
              }
              return Mono.when(all);
            }));
    return admitted;
  }

  private Mono<Boolean> giveUpAfter(Mono<Boolean> acquire, Duration timeout) {
    return acquire
        .timeout(timeout, loop)
        .onErrorResume(TimeoutException.class, e -> Mono.just(false));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void inEveryWindowAtMostBurstPlusRateTimesWindowPass(long seed) {
    RateLimiter limiter = RateLimiter.of(100, Duration.ofSeconds(1), 10);
    List<Admission> admitted = randomRun(limiter, seed, 20, 150, 3);
    double worst = worstExcess(admitted, 100 / 1e9);
    System.out.printf(
        "seed %d: %d admissions, worst window excess %.6f (bound: burst %d)%n",
        seed, admitted.size(), worst, 10);
    assertThat(admitted).hasSizeGreaterThan(500);
    assertThat(worst).isLessThanOrEqualTo(10 + 1e-9);
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void inEveryWindowTheBoundHoldsForARateThatDoesNotDivideASecond(long seed) {
    RateLimiter limiter = RateLimiter.of(7, Duration.ofMillis(300), 4); // 23.33.../s
    List<Admission> admitted = randomRun(limiter, seed, 30, 40, 2);
    double worst = worstExcess(admitted, 7 / 300e6);
    System.out.printf(
        "seed %d (7 per 300 ms, burst 4): %d admissions, worst window excess %.6f%n",
        seed, admitted.size(), worst);
    assertThat(admitted).hasSizeGreaterThan(300);
    assertThat(worst).isLessThanOrEqualTo(4 + 1e-9);
  }

  @Test
  void overTenVirtualSecondsAt100PerSecondTheAdmittedCountIsWithinOnePercentOfTheIdeal() {
    int burst = 10;
    RateLimiter limiter = RateLimiter.of(100, Duration.ofSeconds(1), burst);
    List<Admission> admitted = randomRun(limiter, 42, 10, 300, 1); // demand 3x the rate
    long within = admitted.stream().filter(a -> a.nanos() <= 10_000_000_000L).count();
    double ideal = burst + 100 * 10.0;
    double worst = worstExcess(admitted, 100 / 1e9);
    System.out.printf(
        "10 s at 100/s, burst %d, demand 300/s: admitted %d in [0, 10 s], ideal %.0f (%.2f%%),"
            + " worst window excess %.6f%n",
        burst, within, ideal, 100 * (within - ideal) / ideal, worst);
    assertThat(Math.abs(within - ideal) / ideal).isLessThanOrEqualTo(0.01);
    assertThat(worst).isLessThanOrEqualTo(burst + 1e-9);
  }

  // ------------------------------------------------------------------ the Flux transformer

  @Test
  void aLimitedFluxRequestsUpstreamOnlyAsPermitsAllow() {
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 3);
    List<Long> requests = new ArrayList<>();
    loop.runUntilComplete(
        Flux.range(1, 7)
            .doOnRequest(requests::add)
            .transform(limiter.limit())
            .doOnNext(i -> log.add("#" + i + "@" + loop.now(TimeUnit.MILLISECONDS)))
            .then()); // unbounded demand
    // The burst at once (one request of 3), then one request per permit granted.
    assertThat(requests).containsExactly(3L, 1L, 1L, 1L, 1L);
    assertThat(log).containsExactly("#1@0", "#2@0", "#3@0", "#4@100", "#5@200", "#6@300", "#7@400");
  }

  @Test
  void aLimitedFluxFollowsDownstreamDemandOneByOne() {
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 3);
    List<Long> requests = new ArrayList<>();
    loop.runUntilComplete(
        Flux.range(1, 5)
            .doOnRequest(requests::add)
            .transform(limiter.limit())
            .concatMap(i -> loop.sleep(Duration.ofMillis(250)).then(record("#" + i)))
            .then());
    // concatMap asks one at a time: the bucket refills while each element is processed.
    assertThat(requests).containsExactly(1L, 1L, 1L, 1L, 1L);
    assertThat(log).containsExactly("#1@250", "#2@500", "#3@750", "#4@1000", "#5@1250");
  }

  @Test
  void aLimitedFluxAsksNothingBeyondDownstreamDemandAndThePermits() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 2, clock);
    TestPublisher<Integer> upstream = TestPublisher.create(); // fails if sent more than asked
    List<Long> requests = new ArrayList<>();
    StepVerifier.create(upstream.flux().doOnRequest(requests::add).transform(limiter.limit()), 0)
        .then(() -> assertThat(requests).isEmpty())
        .thenRequest(1)
        .then(() -> assertThat(requests).containsExactly(1L))
        .then(() -> upstream.next(1))
        .expectNext(1)
        .thenRequest(10)
        .then(() -> assertThat(requests).containsExactly(1L, 1L)) // one permit left in the bucket
        .then(() -> upstream.next(2))
        .expectNext(2)
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(99)))
        .then(() -> assertThat(requests).containsExactly(1L, 1L))
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(1)))
        .then(() -> assertThat(requests).containsExactly(1L, 1L, 1L))
        .then(() -> upstream.next(3))
        .expectNext(3)
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(100)))
        .then(() -> assertThat(requests).containsExactly(1L, 1L, 1L, 1L))
        .then(() -> upstream.next(4).complete())
        .expectNext(4)
        .verifyComplete();
    assertThat(limiter.statistics().waiters()).isZero();
  }

  @Test
  void aLimitedFluxGivesBackThePermitsOfElementsThatNeverCame() {
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 5);
    loop.runUntilComplete(
        Mono.defer(
            () ->
                Flux.just(1) // asked for 5 (the whole burst), sends 1 and completes
                    .transform(limiter.limit())
                    .then(Mono.fromRunnable(() -> log.add("try 4:" + limiter.tryAcquire(4))))));
    assertThat(log).containsExactly("try 4:true");
  }

  @Test
  void cancellingALimitedFluxWithdrawsItsWait() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    RateLimiter limiter = RateLimiter.of(1, Duration.ofSeconds(1), 1, clock);
    StepVerifier.create(Flux.range(1, 10).transform(limiter.limit()))
        .expectNext(1)
        .then(() -> assertThat(limiter.statistics().waiters()).isEqualTo(1))
        .thenCancel()
        .verify();
    assertThat(limiter.statistics().waiters()).isZero();
    clock.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(limiter.tryAcquire()).isTrue();
  }

  @Test
  void aTaskCancelledWhileItsFluxWaitsForAPermitSeesCancelledError() {
    RateLimiter limiter = RateLimiter.of(1, Duration.ofSeconds(1), 1);
    List<Task<Void>> task = new ArrayList<>();
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              Task<Void> t =
                  loop.createTask(
                      Flux.range(1, 10)
                          .transform(limiter.limit())
                          .concatMap(i -> record("#" + i))
                          .then()
                          .onErrorResume(
                              CancelledError.class, e -> record("cancelled").then(Mono.error(e))));
              task.add(t);
              loop.callLater(2.5, () -> t.cancel());
              return t.onErrorResume(e -> Mono.empty());
            }));
    assertThat(log).containsExactly("#1@0", "#2@1000", "#3@2000", "cancelled@2500");
    assertThat(task.get(0).cancelled()).isTrue();
    assertThat(limiter.statistics().waiters()).isZero();
  }

  // ------------------------------------------------------------------ clocks

  @Test
  void onAReactorSchedulerItRunsOnTheSchedulersClock() {
    StepVerifier.withVirtualTime(
            () -> {
              RateLimiter limiter =
                  RateLimiter.of(10, Duration.ofSeconds(1), 2, VirtualTimeScheduler.get());
              return Flux.range(0, 5).concatMap(i -> limiter.acquire().thenReturn(i));
            })
        .expectSubscription()
        .expectNext(0, 1)
        .expectNoEvent(Duration.ofMillis(99))
        .thenAwait(Duration.ofMillis(1))
        .expectNext(2)
        .expectNoEvent(Duration.ofMillis(99))
        .thenAwait(Duration.ofMillis(1))
        .expectNext(3)
        .thenAwait(Duration.ofMillis(100))
        .expectNext(4)
        .verifyComplete();
  }

  @Test
  void aLimiterWithoutAClockBindsToTheFirstLoopAndRefusesAnother() {
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 1);
    assertThatThrownBy(limiter::tryAcquire)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no running event loop");
    loop.runUntilComplete(limiter.acquire().then(limiter.acquire()));
    assertThat(loop.now(TimeUnit.MILLISECONDS)).isEqualTo(100);
    // Bound: usable from a thread with no loop, on the loop's clock.
    assertThat(limiter.tryAcquire()).isFalse();
    loop.advanceTimeBy(Duration.ofMillis(100));
    assertThat(limiter.tryAcquire()).isTrue();

    VirtualTimeEventLoop other = VirtualTimeEventLoop.create();
    assertThatThrownBy(() -> other.runUntilComplete(limiter.acquire()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith("is bound to a different event loop");
  }

  @Test
  void aWaiterOnAnotherLoopThanTheClocksResumesOnItsOwnLoop() {
    // The clock is a virtual-time loop on its own thread; the waiter runs on 'loop', on this
    // thread. The clock's wake-up grants it from the clock's thread; it resumes on 'loop'.
    VirtualTimeEventLoop clock = VirtualTimeEventLoop.newThreadEventLoop("limiter-clock");
    try {
      RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 1, clock);
      assertThat(limiter.tryAcquire()).isTrue(); // from this thread, on the clock's time
      List<Object> seen = new ArrayList<>();
      loop.runUntilComplete(
          limiter
              .acquire()
              .then(
                  Mono.fromRunnable(
                      () -> {
                        seen.add(EventLoop.running());
                        seen.add(Thread.currentThread());
                        seen.add(clock.now(TimeUnit.MILLISECONDS));
                      })));
      assertThat(seen).containsExactly(loop, Thread.currentThread(), 100L);
    } finally {
      clock.dispose();
    }
  }

  @Test
  void racingThreadsTakeExactlyWhatTheBucketHolds() throws InterruptedException {
    ManualClock clock = new ManualClock(); // frozen: only the burst can pass
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 1000, clock);
    AtomicInteger passed = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < 50_000; i++) {
                  if (limiter.tryAcquire(1 + (i & 1))) {
                    passed.addAndGet(1 + (i & 1));
                  }
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(passed.get()).isBetween(999, 1000); // the last may need 2 with 1 left
    assertThat(limiter.statistics().permits()).isEqualTo(1000 - passed.get());
  }

  @Test
  void aClockThatGoesBackIsTakenAsTimeStandingStill() {
    ManualClock clock = new ManualClock();
    clock.nanos = TimeUnit.SECONDS.toNanos(1000);
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 1, clock);
    assertThat(limiter.tryAcquire()).isTrue();
    clock.nanos = 0; // a wall clock stepped back 1000 s
    assertThat(limiter.tryAcquire()).isFalse(); // no permit earned by going back
    clock.nanos = TimeUnit.MILLISECONDS.toNanos(99);
    assertThat(limiter.tryAcquire()).isFalse();
    clock.nanos = TimeUnit.MILLISECONDS.toNanos(100);
    assertThat(limiter.tryAcquire()).isTrue(); // and none lost: 100 ms later, one permit
  }

  @Test
  void waitersFailWhenTheClockRefusesToWakeThem() {
    ManualClock clock = new ManualClock(); // no timers: Reactor's RejectedExecutionException
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 1, clock);
    assertThat(limiter.tryAcquire()).isTrue();
    StepVerifier.create(limiter.acquire()).verifyError(RejectedExecutionException.class);
    assertThat(limiter.statistics().waiters()).isZero();
    clock.nanos = TimeUnit.MILLISECONDS.toNanos(100);
    assertThat(limiter.tryAcquire()).isTrue(); // still usable
  }

  @Test
  void toStringShowsTheConfigurationAndTheState() {
    RateLimiter limiter = RateLimiter.of(10, Duration.ofSeconds(1), 5);
    assertThat(limiter)
        .hasToString("<RateLimiter rate=10.0/PT1S burst=5 [permits:5.0, waiters:0]>");
  }

  /** A clock the test sets; it has no timers. */
  static final class ManualClock implements Scheduler {
    volatile long nanos;

    @Override
    public long now(TimeUnit unit) {
      return unit.convert(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public Disposable schedule(Runnable task) {
      throw new RejectedExecutionException("ManualClock has no timers");
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
      throw new RejectedExecutionException("ManualClock has no timers");
    }

    @Override
    public Worker createWorker() {
      throw new UnsupportedOperationException();
    }
  }
}
