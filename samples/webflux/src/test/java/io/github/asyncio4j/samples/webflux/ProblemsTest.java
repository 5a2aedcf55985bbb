package io.github.asyncio4j.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code Retry-After}: whole seconds, rounded up, never 0. */
class ProblemsTest {
  @ParameterizedTest(name = "{0} ms -> {1} s")
  @CsvSource({"0, 1", "1, 1", "999, 1", "1000, 1", "1001, 2", "59200, 60", "60000, 60"})
  void retryAfterIsTheWaitRoundedUpToWholeSecondsAtLeastOne(long millis, long seconds) {
    assertThat(Problems.retryAfterSeconds(Duration.ofMillis(millis))).isEqualTo(seconds);
  }
}
