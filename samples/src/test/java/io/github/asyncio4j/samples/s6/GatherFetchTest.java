package io.github.asyncio4j.samples.s6;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatherFetchTest {
  // test_tasks.py::FutureGatherTests::test_return_exceptions (the exception in its place) and
  // FutureGatherTests::test_one_exception (fails at once, the others not cancelled);
  // ASYNCIO-SEMANTICS C1
  @Test
  void returnExceptionsKeepsEachOutcomeInPlaceAndWithoutItTheOthersKeepRunning() {
    assertThat(GatherFetch.run().lines())
        .containsExactly(
            "t=0.10 gather(..., return_exceptions=True), all three fine:",
            "  'Data from https://api1.com'",
            "  'Data from https://api2.com'",
            "  'Data from https://api3.com'",
            "t=0.20 the same with api2 refused: the exception in its place",
            "  'Data from https://api1.com'",
            "  java.net.ConnectException: connection refused: https://api2.com",
            "  'Data from https://api3.com'",
            "t=0.25 gather(t1, t2, t3) without return_exceptions raised"
                + " java.net.ConnectException: connection refused: https://api2.com",
            "  t1.done()=false, t3.done()=false: still running",
            "t=0.30 t1 and t3 were not cancelled and finished: Data from https://api1.com,"
                + " Data from https://api3.com");
  }
}
