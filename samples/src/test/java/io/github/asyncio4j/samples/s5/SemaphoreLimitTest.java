package io.github.asyncio4j.samples.s5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SemaphoreLimitTest {
  // test_locks.py::SemaphoreTests::test_acquire (no more holders than permits); ASYNCIO-SEMANTICS
  // S6
  @Test
  void neverMoreThanTenInsideAndAllPermitsComeBack() {
    assertThat(SemaphoreLimit.run().lines())
        .containsExactly(
            "without a semaphore: 25 operations took 0.10 s, at most 25 at once",
            "with Semaphore(10):  25 operations took 0.30 s, at most 10 at once",
            "afterwards: <Semaphore [unlocked, value:10]>");
  }
}
