package io.github.asyncio4j.samples.s6;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueFluxPipelineTest {
  // test_queues.py::QueueShutdownTests::test_shutdown_nonempty (items put before the shutdown are
  // still got); the backpressure of putAll and asFlux is asyncio4j's
  @Test
  void putAllAndAsFluxKeepTheQueueAtItsMaxsizeAndShutdownEndsTheConsumer() {
    assertThat(QueueFluxPipeline.run().lines())
        .containsExactly(
            "t=0.35 consumer: processed item-0, qsize=2",
            "t=0.60 consumer: processed item-1, qsize=3",
            "t=0.85 consumer: processed item-2, qsize=5",
            "t=1.00 producer: item-9 made, the queue is full: putAll waits",
            "t=1.10 consumer: processed item-3, qsize=5",
            "t=1.10 producer: all in, queue.shutdown(); <Queue maxsize=5 _queue=[item-5, item-6,"
                + " item-7, item-8, item-9] tasks=6>",
            "t=1.35 consumer: processed item-4, qsize=5",
            "t=1.60 consumer: processed item-5, qsize=4",
            "t=1.85 consumer: processed item-6, qsize=3",
            "t=2.10 consumer: processed item-7, qsize=2",
            "t=2.35 consumer: processed item-8, qsize=1",
            "t=2.60 consumer: processed item-9, qsize=0",
            "t=2.60 consumer: the queue is shut down and empty");
  }
}
