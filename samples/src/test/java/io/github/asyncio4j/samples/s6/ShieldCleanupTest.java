package io.github.asyncio4j.samples.s6;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShieldCleanupTest {
  // test_tasks.py::BaseTaskTests::test_shield_effect (the awaiter is cancelled, the inner task
  // runs on); ASYNCIO-SEMANTICS C6 and erratum (b)
  @Test
  void aShieldedCleanupOutlivesTheCancelOfItsAwaiterAndAnUnshieldedOneDoesNot() {
    assertThat(ShieldCleanup.run().lines())
        .containsExactly(
            "t=5.00 unshielded: TimeoutError",
            "t=5.00 unshielded: cleanup starts",
            "t=5.50 unshielded: the program shuts down, robust_operation.cancel()",
            "t=5.50 unshielded: cleanup cut off halfway",
            "t=5.50 unshielded: robust_operation ended, cancelled=true",
            "t=5.00 shielded: TimeoutError",
            "t=5.00 shielded: cleanup starts",
            "t=5.50 shielded: the program shuts down, robust_operation.cancel()",
            "t=5.50 shielded: robust_operation ended, cancelled=true",
            "t=6.00 shielded: cleanup finished");
  }
}
