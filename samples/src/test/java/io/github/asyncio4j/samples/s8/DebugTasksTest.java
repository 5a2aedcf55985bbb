package io.github.asyncio4j.samples.s8;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DebugTasksTest {
  // test_tasks.py::BaseTaskTests::test_task_repr (names, states) and ASYNCIO-SEMANTICS T6
  // (all_tasks lists the tasks not done; default names Task-<n> from a global counter)
  @Test
  void allTasksListsThePendingTasksByNameAndDoneOnesLeaveTheList() {
    List<String> lines = DebugTasks.run().lines().toList();
    String unnamed = lines.get(5).trim().split(":")[0];
    assertThat(unnamed).matches("Task-\\d+");
    assertThat(lines)
        .containsExactly(
            lines.get(0),
            "t=0.00 all_tasks(): 4",
            "  main: main() done=false cancelled=false cancelling=0",
            "  fetch-api-1: fetch(https://api1.com) done=false cancelled=false cancelling=0",
            "  fetch-api-2: fetch(https://api2.com) done=false cancelled=false cancelling=0",
            "  " + unnamed + ": sleep(60) done=false cancelled=false cancelling=1",
            "t=0.10 all_tasks(): 1",
            "  main: main() done=false cancelled=false cancelling=0",
            "t=0.10 how they ended:",
            lines.get(9),
            lines.get(10),
            lines.get(11));
    assertThat(lines.get(11))
        .startsWith(
            "  " + unnamed + ": done=true cancelled=true <Task cancelled name='" + unnamed + "'");
    assertThat(lines.get(0))
        .startsWith("t=0.00 cancelled, not yet ended: <Task cancelling name='" + unnamed + "'");
    // the finished tasks' repr: state, name and result, in whatever order the repr puts them
    assertThat(lines.get(9))
        .startsWith("  fetch-api-1: done=true cancelled=false <Task finished ")
        .contains("name='fetch-api-1'", "result=", "Data from https://api1.com");
    assertThat(lines.get(10))
        .startsWith("  fetch-api-2: done=true cancelled=false <Task finished ")
        .contains("name='fetch-api-2'", "Data from https://api2.com");
  }
}
