package io.github.asyncio4j.samples.s5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueuePutGetTest {
  // test_queues.py::QueueGetTests::test_blocking_get_wait and QueueBasicTests::test_order;
  // the hand-off to a waiting getter is asyncio4j's (ASYNCIO-SEMANTICS Q3, deliberate difference 3)
  @Test
  void aGetterWaitsForAPutAndItemsLeaveInOrder() {
    assertThat(QueuePutGet.run().lines())
        .containsExactly(
            "t=0.10 the consumer waits: <Queue maxsize=100 _getters[1]>",
            "t=0.10 put a, b, c: <Queue maxsize=100 _queue=[b, c] tasks=3>",
            "t=0.10 consumer got a",
            "t=0.10 consumer got b",
            "t=0.10 consumer got c",
            "t=0.10 the consumer got [a, b, c], <Queue maxsize=100 tasks=3>");
  }
}
