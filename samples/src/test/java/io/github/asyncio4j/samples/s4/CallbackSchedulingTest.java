package io.github.asyncio4j.samples.s4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallbackSchedulingTest {
  // ASYNCIO-SEMANTICS L2-L4 (test_base_events.py::BaseEventLoopTests::
  // test_call_later_negative_delays for the heap order); equal deadlines in scheduling order is
  // asyncio4j's promise, asyncio leaves it undefined.
  @Test
  void callbacksRunAtTheirTimeOnTheLoopsClockAndACancelledOneNever() {
    assertThat(CallbackScheduling.run().lines())
        .containsExactly(
            "t=0.0 scheduled: callSoon; callLater -> when()=5.0; callAt -> when()=5.0;"
                + " callLater(1.0) cancelled: true",
            "t=0.0 callback(arg1, arg2) scheduled by callSoon",
            "t=5.0 callback(arg1, arg2) scheduled by callLater(5.0)",
            "t=5.0 callback(arg1, arg2) scheduled by callAt(loop.time() + 5.0)",
            "t=6.0 main done");
  }
}
