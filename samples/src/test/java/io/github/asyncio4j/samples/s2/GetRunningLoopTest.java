package io.github.asyncio4j.samples.s2;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GetRunningLoopTest {
  // ASYNCIO-SEMANTICS T1/T6: get_running_loop() and create_task() outside a loop raise
  // RuntimeError('no running event loop'); asyncio4j throws IllegalStateException with that text.
  @Test
  void theRunningLoopInsideAndNoRunningEventLoopOutside() {
    assertThat(GetRunningLoop.run().lines())
        .containsExactly(
            "inside a coroutine: getRunningLoop() -> a loop, running=true",
            "outside: getRunningLoop() -> IllegalStateException: no running event loop",
            "fallback: newEventLoop() -> a loop, running=false",
            "the fallback loop runs a coroutine, which sees it as the running loop: true",
            "outside: Asyncio.createTask(...) -> IllegalStateException: no running event loop");
  }
}
