package io.github.asyncio4j.samples.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CreateTaskTest {
  // test_tasks.py start order (rule T1): tasks start only once their creator yields
  @Test
  void bothWaysStartATaskThatRunsOnceAndCanBeAwaitedAgain() {
    assertThat(CreateTask.run().lines())
        .containsExactly(
            "created two tasks; fetch has started 0 times so far: tasks start once main yields",
            "way 1, Asyncio.createTask: Data from https://example.com",
            "way 2, loop.createTask:    Data from https://example.com",
            "awaiting task2 again: Data from https://example.com (fetch ran 2 times, once per"
                + " task)");
  }
}
