package io.github.asyncio4j.samples.s4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunInExecutorTest {
  // test_events.py::EventLoopTestsMixin::test_run_in_executor; the blocking call can only return
  // because the loop, left free, runs the timer that unblocks it.
  @Test
  void blockingCallsRunOnTheChosenPoolWhileTheLoopStaysFree() {
    assertThat(RunInExecutor.run().lines())
        .containsExactly(
            "runInExecutor(null, ...): blocking_function(arg1) ran on asyncio4j-executor,"
                + " unblocked by a timer the loop ran meanwhile",
            "runInExecutor(newFixedThreadPool(4), ...): blocking_function(arg1) ran on"
                + " custom-pool, unblocked by a timer the loop ran meanwhile",
            "Asyncio.toThread(...) ran on asyncio4j-executor",
            "main resumed on the loop's thread: true");
  }
}
