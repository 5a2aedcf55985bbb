package io.github.asyncio4j.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Per-key limits with bounded memory: keys are independent, idle keys (full buckets, nobody
 * waiting) are forgotten, the table never exceeds its cap, and a bucket that is not idle is never
 * forgotten, so every key keeps the bound.
 */
class KeyedRateLimiterTest {

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

  @Test
  void keysAreIndependent() {
    KeyedRateLimiter<String> limiter =
        KeyedRateLimiter.of(10, Duration.ofSeconds(1), 2, 100, clock);
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("alice")).isFalse();
    assertThat(limiter.tryAcquire("bob", 2)).isTrue(); // alice's burst cost bob nothing
    assertThat(limiter.tryAcquire("bob")).isFalse();
    clock.advanceTimeBy(Duration.ofMillis(100));
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("alice")).isFalse();
    assertThat(limiter.tryAcquire("bob")).isTrue();
  }

  @Test
  void retryAfterIsTheWaitToAdvertise() {
    KeyedRateLimiter<String> limiter =
        KeyedRateLimiter.of(10, Duration.ofSeconds(1), 2, 100, clock);
    assertThat(limiter.retryAfter("alice")).isEqualTo(Duration.ZERO); // unknown: a full bucket
    assertThat(limiter.size()).isZero(); // asking is not a use
    assertThat(limiter.tryAcquire("alice", 2)).isTrue();
    assertThat(limiter.retryAfter("alice")).isEqualTo(Duration.ofMillis(100));
    assertThat(limiter.retryAfter("alice", 2)).isEqualTo(Duration.ofMillis(200));
    limiter.acquire("alice").subscribe(); // one in line: the next waits behind it
    assertThat(limiter.retryAfter("alice")).isEqualTo(Duration.ofMillis(200));
    clock.advanceTimeBy(Duration.ofMillis(30));
    assertThat(limiter.retryAfter("alice")).isEqualTo(Duration.ofMillis(170));
    clock.advanceTimeBy(Duration.ofMillis(70)); // the waiter is granted at 100 ms
    assertThat(limiter.retryAfter("alice")).isEqualTo(Duration.ofMillis(100));
    assertThat(limiter.retryAfter("bob")).isEqualTo(Duration.ZERO);
  }

  @Test
  void waitersOfOneKeyAreServedInFifoOrderOnTheirOwnBucket() {
    KeyedRateLimiter<String> limiter =
        KeyedRateLimiter.of(10, Duration.ofSeconds(1), 1, 100, clock);
    List<String> log = new ArrayList<>();
    for (String who : List.of("a1", "b1", "a2", "b2", "a3")) {
      limiter
          .acquire(who.substring(0, 1))
          .subscribe(null, null, () -> log.add(who + "@" + clock.now(TimeUnit.MILLISECONDS)));
    }
    clock.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(log).containsExactly("a1@0", "b1@0", "a2@100", "b2@100", "a3@200");
  }

  @Test
  void aHundredThousandDistinctKeysAtOneInstantLeaveAtMostTheCap() {
    KeyedRateLimiter<String> limiter =
        KeyedRateLimiter.of(100, Duration.ofSeconds(1), 1, 1000, clock);
    int passed = 0;
    for (int i = 0; i < 100_000; i++) {
      passed += limiter.tryAcquire("client-" + i) ? 1 : 0;
      assertThat(limiter.size()).isLessThanOrEqualTo(1000);
    }
    // Every kept bucket is spent (not idle): forgetting one would hand its key a new burst, so the
    // keys beyond the cap are refused until one is idle again.
    assertThat(passed).isEqualTo(1000);
    assertThat(limiter.size()).isEqualTo(1000);
    assertThat(limiter.tryAcquire("client-0")).isFalse(); // still remembered: still spent
    assertThat(limiter.retryAfter("newcomer")).isEqualTo(Duration.ofMillis(10));
    clock.advanceTimeBy(Duration.ofMillis(10)); // every bucket is full again: idle
    assertThat(limiter.tryAcquire("newcomer")).isTrue();
    assertThat(limiter.size()).isLessThanOrEqualTo(1000);
  }

  @Test
  void idleKeysAreForgottenAsTrafficFlows() {
    KeyedRateLimiter<String> limiter =
        KeyedRateLimiter.of(100, Duration.ofSeconds(1), 1, 1000, clock);
    int largest = 0;
    for (int i = 0; i < 100_000; i++) {
      assertThat(limiter.tryAcquire("client-" + i)).isTrue();
      largest = Math.max(largest, limiter.size());
      clock.advanceTimeBy(Duration.ofMillis(1)); // each bucket is full again 10 ms after use
    }
    System.out.printf("100000 keys, one per ms, idle after 10 ms: at most %d kept%n", largest);
    assertThat(largest).isLessThanOrEqualTo(16);
  }

  @Test
  void aKeyWithWaitersIsNeverForgottenEvenAtTheCap() {
    KeyedRateLimiter<String> limiter = KeyedRateLimiter.of(1, Duration.ofMinutes(1), 1, 2, clock);
    List<String> log = new ArrayList<>();
    assertThat(limiter.tryAcquire("a")).isTrue();
    limiter.acquire("a").subscribe(null, null, () -> log.add("a@" + clock.now(TimeUnit.SECONDS)));
    assertThat(limiter.tryAcquire("b")).isTrue();
    clock.advanceTimeBy(Duration.ofSeconds(10));
    assertThat(limiter.tryAcquire("c")).isFalse(); // a waits, b is spent: no room
    assertThat(limiter.retryAfter("c")).isEqualTo(Duration.ofSeconds(50)); // b is full at 60 s
    assertThat(limiter.size()).isEqualTo(2);
    clock.advanceTimeBy(Duration.ofSeconds(50));
    assertThat(log).containsExactly("a@60");
    assertThat(limiter.tryAcquire("c")).isTrue(); // b was idle: forgotten for c
    assertThat(limiter.tryAcquire("a")).isFalse(); // a was kept, and is spent
  }

  @Test
  void anAcquisitionRefusedAtTheCapWaitsUntilAKeyIsIdle() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    KeyedRateLimiter<String> limiter = KeyedRateLimiter.of(10, Duration.ofSeconds(1), 1, 1);
    List<String> log = new ArrayList<>();
    loop.runUntilComplete(
        Mono.when(
            limiter
                .acquire("a")
                .then(Mono.fromRunnable(() -> log.add("a@" + loop.now(TimeUnit.MILLISECONDS)))),
            limiter
                .acquire("b")
                .then(Mono.fromRunnable(() -> log.add("b@" + loop.now(TimeUnit.MILLISECONDS))))));
    assertThat(log).containsExactly("a@0", "b@100");
    assertThat(limiter.size()).isEqualTo(1);
  }

  @Test
  void aTaskCancelledWhileWaitingForRoomSeesCancelledError() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    KeyedRateLimiter<String> limiter = KeyedRateLimiter.of(1, Duration.ofSeconds(10), 1, 1);
    List<String> log = new ArrayList<>();
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              assertThat(limiter.tryAcquire("a")).isTrue();
              Task<Void> b =
                  loop.createTask(
                      limiter
                          .acquire("b")
                          .onErrorResume(
                              CancelledError.class,
                              e ->
                                  Mono.fromRunnable(
                                          () ->
                                              log.add(
                                                  "b cancelled@" + loop.now(TimeUnit.MILLISECONDS)))
                                      .then(Mono.error(e))));
              loop.callLater(1.0, () -> b.cancel());
              return b.onErrorResume(e -> Mono.empty());
            }));
    assertThat(log).containsExactly("b cancelled@1000");
  }

  @Test
  void underRandomKeysAndACapThatForcesEvictionsEveryKeyKeepsTheBound() {
    // 8 keys share a table of 3: keys are refused, waiting keys are kept, idle ones forgotten and
    // remade. Whatever happens to the table, each key's admissions obey its bucket's bound.
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    KeyedRateLimiter<Integer> limiter = KeyedRateLimiter.of(20, Duration.ofSeconds(1), 3, 3);
    Random random = new Random(7);
    Map<Integer, List<Long>> admitted = new HashMap<>();
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              List<Mono<Void>> all = new ArrayList<>();
              double t = 0;
              for (int i = 0; i < 3000; i++) {
                t += -Math.log(1 - random.nextDouble()) / 150;
                int key = random.nextInt(8);
                boolean cancel = random.nextInt(10) == 0;
                double cancelAt = t + random.nextDouble() * 0.3;
                Task<Void> task =
                    loop.createTask(
                        loop.sleep(t)
                            .then(limiter.acquire(key))
                            .then(
                                Mono.fromRunnable(
                                    () ->
                                        admitted
                                            .computeIfAbsent(key, k -> new ArrayList<>())
                                            .add(loop.now(TimeUnit.NANOSECONDS)))));
                if (cancel) {
                  loop.callAt(cancelAt, () -> task.cancel());
                }
                all.add(task.onErrorResume(e -> Mono.empty()));
              }
              return Flux.fromIterable(all).flatMap(m -> m).then();
            }));
    double worst = Double.NEGATIVE_INFINITY;
    int total = 0;
    for (List<Long> times : admitted.values()) {
      total += times.size();
      for (int i = 0; i < times.size(); i++) {
        for (int j = i; j < times.size(); j++) {
          worst = Math.max(worst, (j - i + 1) - 20e-9 * (times.get(j) - times.get(i)));
        }
      }
    }
    System.out.printf(
        "8 keys, cap 3: %d admissions, worst window excess over all keys %.6f (burst 3)%n",
        total, worst);
    assertThat(total).isGreaterThan(1000);
    assertThat(worst).isLessThanOrEqualTo(3 + 1e-9);
    assertThat(limiter.size()).isLessThanOrEqualTo(3);
  }

  @Test
  void toStringShowsTheConfigurationAndTheKeys() {
    KeyedRateLimiter<String> limiter =
        KeyedRateLimiter.of(10, Duration.ofSeconds(1), 20, 100_000, clock);
    limiter.tryAcquire("alice");
    assertThat(limiter).hasToString("<KeyedRateLimiter rate=10.0/PT1S burst=20 [keys:1/100000]>");
  }
}
