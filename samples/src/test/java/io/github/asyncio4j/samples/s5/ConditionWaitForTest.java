package io.github.asyncio4j.samples.s5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConditionWaitForTest {
  // test_locks.py::ConditionTests::test_wait_for (predicate re-checked after each notify) and
  // test_notify (a notified waiter returns only after the notifier releases); ASYNCIO-SEMANTICS S4
  @Test
  void theWaiterRechecksThePredicateEachTimeItHasTheLockBack() {
    assertThat(ConditionWaitFor.run().lines())
        .containsExactly(
            "t=0.00 consumer checks the predicate: parts=0 -> false",
            "t=0.50 producer: part 1 made, signalAll(), keeps the lock 0.1 s",
            "t=0.60 consumer checks the predicate: parts=1 -> false",
            "t=1.10 producer: part 2 made, signalAll(), keeps the lock 0.1 s",
            "t=1.20 consumer checks the predicate: parts=2 -> true",
            "t=1.20 consumer: use_resource(), holding the lock: <Condition [locked]>");
  }
}
