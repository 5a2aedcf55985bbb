package io.github.asyncio4j.samples.s6;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CancelTaskTest {
  // test_tasks.py::BaseTaskTests::test_cancel_yield (not cancelled() right after cancel()) and
  // test_cancel_task_catching (a swallowed cancel leaves the task not cancelled);
  // ASYNCIO-SEMANTICS T3, T4
  @Test
  void theAwaiterSeesCancelledErrorAfterTheCleanUpAndASwallowedCancelIsLost() {
    assertThat(CancelTask.run().lines())
        .containsExactly(
            "long_running re-raises, as the guide says:",
            "t=0.80 do_work() #1",
            "t=1.60 do_work() #2",
            "t=2.40 do_work() #3",
            "t=3.00 main: task.cancel(); right after it: cancelled()=false, cancelling()=1",
            "t=3.00 long_running: CancelledError, cleanup()",
            "t=3.50 long_running: cleaned up",
            "t=3.50 Task was cancelled (task.cancelled()=true)",
            "long_running swallows the CancelledError:",
            "t=0.80 do_work() #1",
            "t=1.60 do_work() #2",
            "t=2.40 do_work() #3",
            "t=3.00 main: task.cancel(); right after it: cancelled()=false, cancelling()=1",
            "t=3.00 long_running: CancelledError, cleanup()",
            "t=3.50 long_running: cleaned up",
            "t=3.50 main: await task returned normally, task.cancelled()=false: the cancellation"
                + " was lost");
  }
}
