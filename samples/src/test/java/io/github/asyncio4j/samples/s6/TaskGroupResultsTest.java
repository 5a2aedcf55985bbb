package io.github.asyncio4j.samples.s6;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskGroupResultsTest {
  // test_taskgroups.py::TestTaskGroup::test_taskgroup_01 and test_cancel_children_on_child_error;
  // ASYNCIO-SEMANTICS G3, G4
  @Test
  void resultsInCreationOrderAndAFailureCancelsTheOthers() {
    assertThat(TaskGroupResults.run().lines())
        .containsExactly(
            "t=0.10 results = [Data from https://api1.com, Data from https://api2.com,"
                + " Data from https://api3.com]",
            "t=0.15 with api2 refused: unhandled errors in a TaskGroup (1 sub-exception)",
            "  [java.net.ConnectException: connection refused: https://api2.com]",
            "  api1 cancelled=true, api3 cancelled=true: no results list, no task left running");
  }
}
