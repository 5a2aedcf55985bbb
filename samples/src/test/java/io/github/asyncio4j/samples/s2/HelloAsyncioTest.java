package io.github.asyncio4j.samples.s2;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HelloAsyncioTest {
  // test_runners.py::RunTests::test_asyncio_run_from_running_loop
  @Test
  void printsHelloOnAFreshLoopEachTimeAndRefusesToNest() {
    assertThat(HelloAsyncio.run().lines())
        .containsExactly(
            "Hello, asyncio!",
            "two Asyncio.run calls ran on two loops: true; both closed afterwards: true",
            "Asyncio.run inside a coroutine -> IllegalStateException: asyncio.run() cannot be"
                + " called from a running event loop");
  }
}
