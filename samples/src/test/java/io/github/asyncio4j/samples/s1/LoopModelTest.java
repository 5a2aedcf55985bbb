package io.github.asyncio4j.samples.s1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoopModelTest {
  // test_base_events.py::BaseEventLoopTests::test__run_once_schedule_handle (one snapshot per
  // iteration) and test_tasks.py start order (rule T1): what a callback schedules, and what a task
  // does after its await, waits for the next iteration.
  @Test
  void eachIterationRunsOnlyWhatWasReadyWhenItBegan() {
    assertThat(LoopModel.run().lines())
        .containsExactly(
            "[iteration 0] main: scheduled A and B, created t1 and t2; none has run",
            "[iteration 1] A: runs, and schedules A2 with callSoon",
            "[iteration 1] B: runs right after A, same snapshot",
            "[iteration 1] t1: step 1, runs until its first await, sleep(0)",
            "[iteration 1] t2: step 1, runs until its first await, sleep(0)",
            "[iteration 2] A2: scheduled while the loop ran its snapshot, so it runs in the next"
                + " iteration",
            "[iteration 2] t1: step 2, resumed after the await",
            "[iteration 2] t2: step 2, resumed after the await",
            "[iteration 3] main: resumed, t1 and t2 are done");
  }
}
