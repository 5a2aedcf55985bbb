package io.github.asyncio4j.samples.s2;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ManualLoopTest {
  // test_events.py::EventLoopTestsMixin::test_close (a closed loop refuses to run)
  @Test
  void aLoopRunsManyTimesUntilClosedThenRefusesWork() {
    assertThat(ManualLoop.run().lines())
        .containsExactly(
            "new loop: running=false, a loop running on this thread: false",
            "main(): Hello, asyncio! getRunningLoop() is our loop: true",
            "second run of the same loop: main(): Hello, asyncio! getRunningLoop() is our loop:"
                + " true",
            "between runs: running=false, closed=false",
            "after close(): closed=true",
            "runUntilComplete on a closed loop -> IllegalStateException: Event loop is closed");
  }
}
