package io.github.asyncio4j.samples.s6;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WaitForTimeoutTest {
  // test_waitfor.py::AsyncioWaitForTest::test_wait_for_waits_for_task_cancellation (bpo-32751);
  // ASYNCIO-SEMANTICS C3
  @Test
  void waitForRaisesOnlyAfterTheCancelledWorkHasCleanedUp() {
    assertThat(WaitForTimeout.run().lines())
        .containsExactly(
            "t=5.00 slow_operation() cancelled, cleaning up for 0.5 s",
            "t=5.50 slow_operation() cleaned up",
            "t=5.50 Operation timed out");
  }
}
