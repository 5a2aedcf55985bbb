package io.github.asyncio4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Helpers for the queue tests: scripts of steps on a {@link VirtualTimeEventLoop}, in asyncio's
 * style ({@code await asyncio.sleep(0)} is {@link #yieldOnce()}), and an event log.
 */
final class QueueTestSupport {
  final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  final List<String> log = Collections.synchronizedList(new ArrayList<>());

  /** asyncio's {@code await asyncio.sleep(0)}: resume on the next iteration of the loop. */
  Mono<Void> yieldOnce() {
    return loop.sleep(0);
  }

  /** {@code n} bare yields in a row. */
  Mono<Void> yieldTimes(int n) {
    return Flux.range(0, n).concatMap(i -> loop.sleep(0)).then();
  }

  /** A synchronous step, run when the script reaches it; completes empty. */
  static <T> Mono<T> step(Runnable r) {
    return Mono.fromRunnable(r);
  }

  /** The steps one after the other, as the lines of an {@code async def}; values are ignored. */
  static Mono<Void> script(Publisher<?>... steps) {
    Mono<Void> all = Mono.empty();
    for (Publisher<?> s : steps) {
      all = all.then(Flux.from(s).then());
    }
    return all;
  }

  /** Runs {@code main} as the loop's main task until it is done. */
  void run(Mono<?> main) {
    loop.runUntilComplete(main);
  }

  /** Runs the script built by {@code body} (at the first step, on the loop) until it is done. */
  void run(java.util.function.Supplier<Mono<?>> body) {
    loop.runUntilComplete(Mono.defer(body));
  }

  /** A task that logs {@code name + "<-" + item} for what it gets. */
  <T> Task<T> getter(Queue<T> q, String name) {
    return loop.createTask(q.get().doOnNext(v -> log.add(name + "<-" + v)), name);
  }

  /** A task that logs {@code name + " put " + item} once its put completed. */
  <T> Task<Void> putter(Queue<T> q, String name, T item) {
    return loop.createTask(q.put(item).doOnSuccess(v -> log.add(name + " put " + item)), name);
  }

  /** The three kinds of queue, as asyncio's mixins run each test on all three. */
  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of("Queue", (IntFunction<Queue<Object>>) Queue::new),
        Arguments.of("LifoQueue", (IntFunction<Queue<Object>>) LifoQueue::new),
        Arguments.of(
            "PriorityQueue",
            (IntFunction<Queue<Object>>)
                max -> new PriorityQueue<>(max, (a, b) -> String.valueOf(a).compareTo("" + b))));
  }
}
