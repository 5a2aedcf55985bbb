package io.github.asyncio4j.samples.s4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuBoundExecutorTest {
  @Test
  void cpuBoundWorkRunsOnCpuPoolsAndComesBackToTheLoop() {
    assertThat(CpuBoundExecutor.run().lines())
        .containsExactly(
            "runInExecutor(ForkJoinPool.commonPool(), ...): 5133 primes below 50000",
            "4 chunks at once on Schedulers.parallel(): 17984 primes below 200000");
  }

  @Test
  void theSimulatedWorkCountsPrimes() {
    assertThat(CpuBoundExecutor.cpuIntensiveFunction(0, 30))
        .isEqualTo(10); // 2 3 5 7 11 13 17 19 23 29
    assertThat(CpuBoundExecutor.cpuIntensiveFunction(0, 100_000)).isEqualTo(9592);
  }
}
