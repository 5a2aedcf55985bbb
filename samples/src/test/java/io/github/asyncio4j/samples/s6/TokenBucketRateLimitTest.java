package io.github.asyncio4j.samples.s6;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketRateLimitTest {
  // DESIGN.md "Rate limiting": at most burst + rate × w in every window of length w
  @Test
  void theLimiterAdmitsRateASecondWhereTheGuidesVersionAdmitsRateSquared() {
    assertThat(TokenBucketRateLimit.run().lines())
        .containsExactly(
            "the guide's rate_limited(tasks, rate=10), Semaphore + sleep(1/rate):",
            "  200 calls from t=0.10 to t=2.00, 10 at once at first; at most 100 in any 1 s window;"
                + " steady rate 100.0 calls/s",
            "RateLimiter.of(10, 1 s, burst 1):",
            "  30 calls from t=0.00 to t=2.90, 1 at once at first; at most 10 in any 1 s window;"
                + " steady rate 10.0 calls/s",
            "RateLimiter.of(10, 1 s, burst 5):",
            "  30 calls from t=0.00 to t=2.50, 5 at once at first; at most 14 in any 1 s window;"
                + " steady rate 10.0 calls/s");
  }
}
