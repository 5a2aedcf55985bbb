package io.github.asyncio4j.samples.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnsureFutureTest {
  // base_events.py::run_until_complete -> tasks.ensure_future
  @Test
  void runUntilCompleteTakesFuturesAsTheyAreAndWrapsOtherMonosInATask() {
    assertThat(EnsureFuture.run().lines())
        .containsExactly(
            "runUntilComplete(task) awaits that very task: Data from https://example.com,"
                + " done=true",
            "runUntilComplete(mono) wraps the Mono in a new Task first: currentTask() inside it is"
                + " a Task",
            "runUntilComplete(future) awaits a plain Future as is: set by a callback");
  }
}
