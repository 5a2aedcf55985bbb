package io.github.asyncio4j.samples.s6;

import io.github.asyncio4j.Queue;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Guide section 6.4 (生产者-消费者模式): a producer and a consumer joined by a bounded queue, a sentinel to
 * stop, {@code task_done()} for every item.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * async def producer(queue: asyncio.Queue):
 *     for i in range(10):
 *         await asyncio.sleep(0.1)
 *         await queue.put(f"item-{i}")
 *     await queue.put(None)  # 哨兵值,通知消费者结束
 *
 * async def consumer(queue: asyncio.Queue):
 *     while True:
 *         item = await queue.get()
 *         if item is None:
 *             queue.task_done()
 *             break
 *         await process(item)
 *         queue.task_done()
 *
 * async def main():
 *     queue = asyncio.Queue(maxsize=5)
 *     await asyncio.gather(producer(queue), consumer(queue))
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * static Mono<Void> producer(Queue<Optional<String>> queue) {
 *   return Flux.range(0, 10)                                       // for i in range(10):
 *       .concatMap(i -> Asyncio.sleep(0.1).then(queue.put(Optional.of("item-" + i))))
 *       .then(queue.put(Optional.empty()));                         // the sentinel
 * }
 *
 * static Mono<Void> consumer(Queue<Optional<String>> queue) {
 *   return queue.get()                                              // item = await queue.get()
 *       .flatMap(item -> item.isEmpty()
 *           ? Mono.fromRunnable(queue::taskDone).thenReturn(false)  // task_done(); break
 *           : process(item.get()).then(Mono.fromRunnable(queue::taskDone)).thenReturn(true))
 *       .repeat()                                                   // while True:
 *       .takeWhile(goOn -> goOn)
 *       .then();
 * }
 *
 * Queue<Optional<String>> queue = new Queue<>(5);
 * Asyncio.gather(producer(queue), consumer(queue));
 * }</pre>
 *
 * <p>The sentinel: the queue refuses {@code null}, as Java's queues do, so {@code None} becomes
 * {@link Optional#empty()} and every item an {@code Optional.of(...)}. {@code while True} with a
 * {@code break} is {@code repeat()} with {@code takeWhile}: {@code repeat()} subscribes the body
 * again only once it has completed, so the next {@code get()} is issued after {@code process}, as
 * in the loop. Python 3.13 can do without a sentinel: {@link QueueFluxPipeline} shuts the queue
 * down instead.
 *
 * <p>What {@code maxsize=5} does: the producer makes an item every 0.1 s and {@code process} takes
 * 0.25 s, so the queue fills up. Once it holds 5 items, {@code put} waits until the consumer takes
 * one: the transcript shows the producer waiting, the queue's size never above 5, and the run paced
 * by the consumer. {@code queue.join()} waits until every item put, the sentinel included, was
 * marked with {@code taskDone()}; after the gather it returns at once. On a {@link
 * VirtualTimeEventLoop}, so the times are exact.
 */
public final class ProducerConsumer {
  /** The guide's {@code maxsize}. */
  static final int MAXSIZE = 5;

  /** How many items the producer makes: the guide's 10. */
  static final int ITEMS = 10;

  /** The producer's pause before each item, in seconds: the guide's 0.1. */
  static final double PRODUCE_EVERY = 0.1;

  /** How long {@code process(item)} takes, in seconds. */
  static final double PROCESS = 0.25;

  private ProducerConsumer() {}

  /** {@code await queue.put(item)}, saying so when it has to wait for room. */
  static Mono<Void> put(Transcript out, Queue<Optional<String>> queue, Optional<String> item) {
    return Mono.defer(
        () -> {
          String what = item.orElse("the sentinel");
          if (!queue.full()) {
            return queue.put(item);
          }
          out.sayAt("producer: the queue is full (" + queue.qsize() + "), put(" + what + ") waits");
          return queue.put(item).doOnSuccess(v -> out.sayAt("producer: put(" + what + ") done"));
        });
  }

  /** The guide's {@code producer(queue)}. */
  static Mono<Void> producer(Transcript out, Queue<Optional<String>> queue) {
    return Flux.range(0, ITEMS)
        .concatMap(
            i -> Asyncio.sleep(PRODUCE_EVERY).then(put(out, queue, Optional.of("item-" + i))))
        .then(put(out, queue, Optional.empty()));
  }

  /** {@code process(item)}. */
  static Mono<Void> process(Transcript out, Queue<?> queue, String item) {
    return Asyncio.sleep(PROCESS)
        .then(
            Mono.fromRunnable(
                () -> out.sayAt("consumer: processed " + item + ", qsize=" + queue.qsize())));
  }

  /** The guide's {@code consumer(queue)}. */
  static Mono<Void> consumer(Transcript out, Queue<Optional<String>> queue) {
    return queue
        .get()
        .flatMap(
            item -> {
              if (item.isEmpty()) {
                queue.taskDone();
                out.sayAt("consumer: got the sentinel, stops");
                return Mono.just(false);
              }
              return process(out, queue, item.get())
                  .then(Mono.fromRunnable(queue::taskDone))
                  .thenReturn(true);
            })
        .repeat()
        .takeWhile(goOn -> goOn)
        .then();
  }

  /** The guide's {@code main()}, then {@code queue.join()}. */
  static Mono<Void> main(Transcript out) {
    return Mono.defer(
        () -> {
          Queue<Optional<String>> queue = new Queue<>(MAXSIZE);
          return Asyncio.gather(producer(out, queue), consumer(out, queue))
              .then(queue.join())
              .then(
                  Mono.fromRunnable(
                      () ->
                          out.sayAt(
                              "gather done; queue.join() returned at once: "
                                  + queue.statistics().unfinished()
                                  + " unfinished, "
                                  + queue)));
        });
  }

  /**
   * Runs the producer and the consumer on a virtual-time loop.
   *
   * @return what they printed
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
