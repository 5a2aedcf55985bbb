package io.github.asyncio4j.samples.s4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThreadsafeSchedulingTest {
  // test_events.py::EventLoopTestsMixin::test_call_soon_threadsafe,
  // test_base_events.py::BaseEventLoopTests::test_check_thread (debug mode refuses call_soon),
  // test_tasks.py::RunCoroutineThreadsafeTests::test_run_coroutine_threadsafe
  @Test
  void aWorkerReachesTheLoopOnlyThroughTheThreadSafeCalls() {
    assertThat(ThreadsafeScheduling.run().lines())
        .containsExactly(
            "worker: loop.callSoon(...) -> IllegalStateException: Non-thread-safe operation"
                + " invoked on an event loop other than the current one",
            "worker: loop.callSoonThreadsafe(() -> callback(\"arg1\"))",
            "callback(arg1) runs on the loop's thread: true",
            "worker: Asyncio.runCoroutineThreadsafe(fetch(...), loop).get() -> Data from"
                + " https://example.com",
            "worker: loop.submit(fetch(...)).get() -> Data from https://example.org",
            "main: worker thread joined (in the default executor)");
  }
}
