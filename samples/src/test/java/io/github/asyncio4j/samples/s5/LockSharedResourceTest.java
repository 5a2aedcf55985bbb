package io.github.asyncio4j.samples.s5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LockSharedResourceTest {
  // test_locks.py::LockTests::test_acquire (FIFO turns); ASYNCIO-SEMANTICS S1
  @Test
  void withoutTheLockUpdatesAreLostAndWithItTheTasksTakeTurnsInOrder() {
    assertThat(LockSharedResource.run().lines())
        .containsExactly(
            "without the lock:",
            "t=0.00 task-1 reads 0",
            "t=0.00 task-2 reads 0",
            "t=0.00 task-3 reads 0",
            "t=0.01 task-1 writes 1",
            "t=0.01 task-2 writes 1",
            "t=0.01 task-3 writes 1",
            "t=0.01 counter = 1: 2 of 3 updates were lost",
            "with lock.withLock(safeOperation()):",
            "t=0.01 task-1 reads 0",
            "t=0.02 task-1 writes 1",
            "t=0.02 task-2 reads 1",
            "t=0.03 task-2 writes 2",
            "t=0.03 task-3 reads 2",
            "t=0.04 task-3 writes 3",
            "t=0.04 counter = 3, and the lock is free again: <Lock [unlocked]>");
  }
}
