package io.github.asyncio4j.samples.s6;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProducerConsumerTest {
  // test_queues.py::QueuePutTests::test_blocking_put_wait (put waits while full) and
  // QueueJoinTests::test_task_done (join after every task_done); ASYNCIO-SEMANTICS Q1, Q5
  @Test
  void theFullQueueHoldsTheProducerBackAndEveryItemIsMarkedDone() {
    assertThat(ProducerConsumer.run().lines())
        .containsExactly(
            "t=0.35 consumer: processed item-0, qsize=2",
            "t=0.60 consumer: processed item-1, qsize=3",
            "t=0.85 consumer: processed item-2, qsize=5",
            "t=1.00 producer: the queue is full (5), put(item-9) waits",
            "t=1.10 consumer: processed item-3, qsize=5",
            "t=1.10 producer: put(item-9) done",
            "t=1.10 producer: the queue is full (5), put(the sentinel) waits",
            "t=1.35 consumer: processed item-4, qsize=5",
            "t=1.35 producer: put(the sentinel) done",
            "t=1.60 consumer: processed item-5, qsize=5",
            "t=1.85 consumer: processed item-6, qsize=4",
            "t=2.10 consumer: processed item-7, qsize=3",
            "t=2.35 consumer: processed item-8, qsize=2",
            "t=2.60 consumer: processed item-9, qsize=1",
            "t=2.60 consumer: got the sentinel, stops",
            "t=2.60 gather done; queue.join() returned at once: 0 unfinished, <Queue maxsize=5>");
  }
}
