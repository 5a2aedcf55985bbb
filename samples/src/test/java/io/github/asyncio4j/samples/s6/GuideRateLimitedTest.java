package io.github.asyncio4j.samples.s6;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GuideRateLimitedTest {
  // ASYNCIO-SEMANTICS erratum (e): rate 10 measured 99.4 calls/s on CPython
  @Test
  void theGuidesRateLimitedAdmitsRateSquaredASecond() {
    assertThat(GuideRateLimited.run().lines())
        .containsExactly(
            "the guide's rate_limited(tasks, rate=10):",
            "  200 calls from t=0.10 to t=2.00, 10 at once at first; at most 100 in any 1 s window;"
                + " steady rate 100.0 calls/s",
            "  that is rate² = 100 calls a second, not rate = 10");
  }

  @Test
  void otherRatesGiveTheirSquaresToo() {
    assertThat(GuideRateLimited.measure(5, 100)).endsWith("steady rate 25.0 calls/s");
    assertThat(GuideRateLimited.measure(20, 800)).endsWith("steady rate 400.0 calls/s");
  }

  @Test
  void describeCountsTheFirstInstantTheBusiestSecondAndTheSteadyRate() {
    assertThat(GuideRateLimited.describe(List.of(0L, 0L, 500L, 1000L, 1500L)))
        .isEqualTo(
            "5 calls from t=0.00 to t=1.50, 2 at once at first; at most 3 in any 1 s window;"
                + " steady rate 2.0 calls/s");
  }
}
