package io.github.asyncio4j.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * DESIGN.md, "Bad input": every entry point rejects bad input at the call, with a message naming
 * the argument and the rule, and the limiter stays usable.
 */
class RateLimiterBadInputTest {

  private final Scheduler clock = VirtualTimeScheduler.create();
  private final Duration second = Duration.ofSeconds(1);

  @ParameterizedTest
  @ValueSource(
      doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0})
  void aRateThatIsNotAPositiveFiniteNumberIsRefused(double rate) {
    assertThatThrownBy(() -> RateLimiter.of(rate, second, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate > 0 and finite required but it was " + rate);
    assertThatThrownBy(() -> KeyedRateLimiter.of(rate, second, 1, 10, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate > 0 and finite required but it was " + rate);
  }

  @Test
  void aNullOrNonPositivePeriodIsRefused() {
    assertThatThrownBy(() -> RateLimiter.of(1, null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("period");
    assertThatThrownBy(() -> RateLimiter.of(1, Duration.ZERO, 1, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("period > 0 required but it was PT0S");
    assertThatThrownBy(() -> KeyedRateLimiter.of(1, Duration.ofMillis(-5), 1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("period > 0 required but it was PT-0.005S");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void aBurstBelowOneIsRefused(int burst) {
    assertThatThrownBy(() -> RateLimiter.of(1, second, burst))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("burst >= 1 required but it was " + burst);
    assertThatThrownBy(() -> KeyedRateLimiter.of(1, second, burst, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("burst >= 1 required but it was " + burst);
  }

  @Test
  void aBucketThatWouldTakeCenturiesToFillIsRefused() {
    assertThatThrownBy(() -> RateLimiter.of(1e-300, second, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("burst / rate * period <= 2^62 ns (about 146 years) required");
    assertThat(RateLimiter.of(1, Duration.ofDays(365 * 100), 1, clock).tryAcquire()).isTrue();
  }

  @Test
  void aNullClockIsRefused() {
    assertThatThrownBy(() -> RateLimiter.of(1, second, 1, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock");
    assertThatThrownBy(() -> KeyedRateLimiter.of(1, second, 1, 10, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void fewerThanOnePermitIsRefusedEverywhere(int permits) {
    RateLimiter limiter = RateLimiter.of(10, second, 3, clock);
    String message = "permits >= 1 required but it was " + permits;
    assertThatThrownBy(() -> limiter.acquire(permits)).hasMessage(message);
    assertThatThrownBy(() -> limiter.tryAcquire(permits)).hasMessage(message);
    assertThatThrownBy(() -> limiter.retryAfter(permits)).hasMessage(message);
    KeyedRateLimiter<String> keyed = KeyedRateLimiter.of(10, second, 3, 10, clock);
    assertThatThrownBy(() -> keyed.acquire("k", permits)).hasMessage(message);
    assertThatThrownBy(() -> keyed.tryAcquire("k", permits)).hasMessage(message);
    assertThatThrownBy(() -> keyed.retryAfter("k", permits)).hasMessage(message);
    assertThat(limiter.tryAcquire(3)).isTrue(); // still usable
    assertThat(keyed.tryAcquire("k", 3)).isTrue();
  }

  @Test
  void morePermitsThanTheBurstCouldNeverBeGrantedAndAreRefused() {
    RateLimiter limiter = RateLimiter.of(10, second, 3, clock);
    String message =
        "permits <= burst (3) required but it was 4: a bucket of 3 can never hold them";
    assertThatThrownBy(() -> limiter.acquire(4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> limiter.tryAcquire(4)).hasMessage(message);
    assertThatThrownBy(() -> limiter.retryAfter(4)).hasMessage(message);
    KeyedRateLimiter<String> keyed = KeyedRateLimiter.of(10, second, 3, 10, clock);
    assertThatThrownBy(() -> keyed.acquire("k", 4)).hasMessage(message);
    assertThatThrownBy(() -> keyed.tryAcquire("k", 4)).hasMessage(message);
    assertThat(limiter.statistics().waiters()).isZero();
    assertThat(limiter.tryAcquire(3)).isTrue();
  }

  @Test
  void aCapBelowOneKeyIsRefused() {
    assertThatThrownBy(() -> KeyedRateLimiter.of(1, second, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxKeys >= 1 required but it was 0");
  }

  @Test
  void aNullKeyOrSourceIsRefused() {
    KeyedRateLimiter<String> keyed = KeyedRateLimiter.of(10, second, 3, 10, clock);
    assertThatThrownBy(() -> keyed.acquire(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> keyed.tryAcquire(null)).hasMessage("key");
    assertThatThrownBy(() -> keyed.retryAfter(null)).hasMessage("key");
    assertThat(keyed.size()).isZero();
    RateLimiter limiter = RateLimiter.of(10, second, 3, clock);
    assertThatThrownBy(() -> limiter.limit(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("source");
  }
}
