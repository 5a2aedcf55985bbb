package io.github.asyncio4j.samples.s6;

import io.github.asyncio4j.Queue;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Guide section 6.4 (生产者-消费者模式), as a reactive pipeline: the same producer and consumer as {@link
 * ProducerConsumer}, written with the queue's Reactive Streams bridges, {@link Queue#putAll} and
 * {@link Queue#asFlux()}, and stopped by Python 3.13's {@code shutdown()} instead of a sentinel.
 *
 * <h2>The same in Python 3.13</h2>
 *
 * <pre>{@code
 * async def producer(queue):
 *     for i in range(10):
 *         await asyncio.sleep(0.1)
 *         await queue.put(f"item-{i}")
 *     queue.shutdown()  # no sentinel: get() raises QueueShutDown once the queue is empty
 *
 * async def consumer(queue):
 *     try:
 *         while True:
 *             item = await queue.get()
 *             await process(item)
 *             queue.task_done()
 *     except asyncio.QueueShutDown:
 *         pass
 *
 * async def main():
 *     queue = asyncio.Queue(maxsize=5)
 *     await asyncio.gather(producer(queue), consumer(queue))
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Flux<String> items =
 *     Flux.range(0, 10).concatMap(i -> Asyncio.sleep(0.1).thenReturn("item-" + i));
 * Mono<Void> producer = queue.putAll(items).doFinally(s -> queue.shutdown());
 * Mono<Void> consumer = queue.asFlux()
 *     .concatMap(item -> process(item).then(Mono.fromRunnable(queue::taskDone)), 0)
 *     .then();
 * Asyncio.gather(producer, consumer);
 * }</pre>
 *
 * <p>Backpressure end to end. {@link Queue#putAll} requests the next item from its source only once
 * the previous one is in the queue, so a full queue holds the producer back. {@link Queue#asFlux()}
 * issues a {@code get()} only for a request, so an item leaves the queue only when the consumer
 * asks for it; {@code concatMap(..., 0)} asks for the next item only when {@code process} is done
 * (with Reactor's default prefetch of 32 it would drain the queue into its own buffer at once, and
 * {@code maxsize} would hold nothing back). The flux completes once the queue is shut down and
 * empty: the items put before the shutdown are all processed.
 *
 * <p>The transcript shows the queue filling to its {@code maxsize} of 5 and staying there while the
 * consumer (0.25 s per item) is slower than the producer (0.1 s), and the run ending when the
 * consumer has processed the last item. On a {@link VirtualTimeEventLoop}, so the times are exact.
 */
public final class QueueFluxPipeline {
  private QueueFluxPipeline() {}

  /** The producer: ten items, 0.1 s apart, into the queue, then {@code shutdown()}. */
  static Mono<Void> producer(Transcript out, Queue<String> queue) {
    Flux<String> items =
        Flux.range(0, ProducerConsumer.ITEMS)
            .concatMap(i -> Asyncio.sleep(ProducerConsumer.PRODUCE_EVERY).thenReturn("item-" + i))
            .doOnNext(
                item -> {
                  if (queue.full()) {
                    out.sayAt("producer: " + item + " made, the queue is full: putAll waits");
                  }
                });
    return queue
        .putAll(items)
        .doFinally(
            signal -> {
              out.sayAt("producer: all in, queue.shutdown(); " + queue);
              queue.shutdown();
            });
  }

  /** The consumer: each item as the queue gives it, one at a time. */
  static Mono<Void> consumer(Transcript out, Queue<String> queue) {
    return queue
        .asFlux()
        .concatMap(
            item ->
                Asyncio.sleep(ProducerConsumer.PROCESS)
                    .then(
                        Mono.fromRunnable(
                            () -> {
                              queue.taskDone();
                              out.sayAt("consumer: processed " + item + ", qsize=" + queue.qsize());
                            })),
            0)
        .then(Mono.fromRunnable(() -> out.sayAt("consumer: the queue is shut down and empty")));
  }

  /** Both, gathered. */
  static Mono<Void> main(Transcript out) {
    return Mono.defer(
        () -> {
          Queue<String> queue = new Queue<>(ProducerConsumer.MAXSIZE);
          return Asyncio.gather(producer(out, queue), consumer(out, queue)).then();
        });
  }

  /**
   * Runs the pipeline on a virtual-time loop.
   *
   * @return what it printed
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(main(out), false, VirtualTimeEventLoop::create);
    return out.toString();
  }

  /**
   * Prints what {@link #run()} shows.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    System.out.println(run());
  }
}
