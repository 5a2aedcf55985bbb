package io.github.asyncio4j.samples.s5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventNotificationTest {
  // test_locks.py::EventTests::test_wait (every waiter woken, in order); ASYNCIO-SEMANTICS S3
  @Test
  void setWakesEveryWaiterInOrderAndALateWaiterDoesNotWait() {
    assertThat(EventNotification.run().lines())
        .containsExactly(
            "t=0.00 waiter-1 waits",
            "t=0.00 waiter-2 waits",
            "t=0.00 waiter-3 waits",
            "t=1.00 notifier: <Event [unset, waiters:3]>, set()",
            "t=1.00 waiter-1 woke: await() -> true",
            "t=1.00 waiter-2 woke: await() -> true",
            "t=1.00 waiter-3 woke: await() -> true",
            "t=1.00 late-waiter waits",
            "t=1.00 late-waiter woke: await() -> true");
  }
}
