package io.github.asyncio4j.samples.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FutureAsPlaceholderTest {
  // test_futures.py::BaseFutureTests::test_result (set_result, then the awaiter gets it)
  @Test
  void theAwaiterGetsWhatTheTimerSets() {
    assertThat(FutureAsPlaceholder.run().lines())
        .containsExactly(
            "before the timer: <Future pending>",
            "Done!",
            "after: <Future finished result='Done!'>");
  }
}
