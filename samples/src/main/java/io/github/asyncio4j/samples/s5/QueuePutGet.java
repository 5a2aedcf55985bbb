package io.github.asyncio4j.samples.s5;

import io.github.asyncio4j.Queue;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Guide section 5 (asyncio 同步原语), {@code Queue}: passing items between tasks.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # Queue - 协程间安全传递数据
 * queue = asyncio.Queue(maxsize=100)
 * await queue.put(item)
 * item = await queue.get()
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Queue<String> queue = new Queue<>(100);
 * Mono<Void> put = queue.put(item);      // await queue.put(item): waits while the queue is full
 * Mono<String> get = queue.get();        // item = await queue.get(): waits while it is empty
 * }</pre>
 *
 * <p>Items leave in the order they were put. {@link Queue#get()} on an empty queue suspends the
 * task until an item comes; {@link Queue#put(Object)} on a full one suspends it until there is room
 * (section 6.4's {@link io.github.asyncio4j.samples.s6.ProducerConsumer} shows that side, with a
 * queue of 5). A {@code put} while a getter waits hands the item straight to it: the getter's item
 * never sits in the queue, where another task could take it first (asyncio would let it, see
 * ASYNCIO-SEMANTICS.md Q3). Java queues refuse {@code null}, and so does this one.
 *
 * <p>The transcript: a consumer task asks for three items from an empty queue and waits; at {@code
 * t=0.1} the main task puts three, the first going straight to the waiting consumer; the consumer
 * then gets all three, in order. The repr's {@code tasks=3} counts the items put and not yet marked
 * done with {@code taskDone()}, which {@code join()} waits for: section 6.4 shows both. On a {@link
 * VirtualTimeEventLoop}, so the times are exact.
 */
public final class QueuePutGet {
  /** The guide's {@code maxsize}. */
  static final int MAXSIZE = 100;

  private QueuePutGet() {}

  /** A task that gets three items, one after the other. */
  static Mono<List<String>> consumer(Transcript out, Queue<String> queue) {
    return Flux.range(0, 3)
        .concatMap(i -> queue.get().doOnNext(item -> out.sayAt("consumer got " + item)))
        .collectList();
  }

  /** The consumer as a task; three puts a moment later. */
  static Mono<Void> main(Transcript out) {
    return Mono.defer(
        () -> {
          Queue<String> queue = new Queue<>(MAXSIZE);
          Task<List<String>> consumer = Asyncio.createTask(consumer(out, queue));
          return Asyncio.sleep(0.1)
              .then(Mono.fromRunnable(() -> out.sayAt("the consumer waits: " + queue)))
              .then(Flux.just("a", "b", "c").concatMap(queue::put).then())
              .then(Mono.fromRunnable(() -> out.sayAt("put a, b, c: " + queue)))
              .then(consumer)
              .doOnNext(items -> out.sayAt("the consumer got " + items + ", " + queue))
              .then();
        });
  }

  /**
   * Runs the consumer and the puts on a virtual-time loop.
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
