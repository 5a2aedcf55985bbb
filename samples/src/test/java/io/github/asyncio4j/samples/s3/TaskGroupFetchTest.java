package io.github.asyncio4j.samples.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskGroupFetchTest {
  // test_taskgroups.py::TestTaskGroup::test_taskgroup_01 (results once the block exits);
  // test_cancel_children_on_child_error and ASYNCIO-SEMANTICS G3, G4 (siblings cancelled, only
  // the failure in the ExceptionGroup)
  @Test
  void theGroupEndsWithEveryTaskDoneAndAFailureCancelsTheSiblingsThenRaisesAnExceptionGroup() {
    assertThat(TaskGroupFetch.run().lines())
        .containsExactly(
            "t=0.10 the group has ended, every task is done:",
            "Data from https://api1.com Data from https://api2.com Data from https://api3.com",
            "t=0.15 fetch(https://api1.com) cancelled by the group, cleans up and re-raises",
            "t=0.15 fetch(https://api3.com) cancelled by the group, cleans up and re-raises",
            "t=0.15 caught ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)",
            "  java.net.ConnectException: connection refused: https://api2.com",
            "siblings: api1 cancelled=true, api3 cancelled=true");
  }
}
