package io.github.asyncio4j.samples.s6;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimeoutBlockTest {
  // test_timeouts.py::TimeoutTests::test_timeout_basic and test_outer_task_is_not_cancelled;
  // ASYNCIO-SEMANTICS C5
  @Test
  void theDeadlineRaisesTimeoutErrorAndLeavesTheTaskUncancelled() {
    assertThat(TimeoutBlock.run().lines())
        .containsExactly(
            "t=5.00 TimeoutError, caused by CancelledError, <Timeout [expired]>,"
                + " expired()=true",
            "  the task goes on: cancelling()=0",
            "t=6.00 result = 'done after 1.0 s', <Timeout [finished]>");
  }
}
