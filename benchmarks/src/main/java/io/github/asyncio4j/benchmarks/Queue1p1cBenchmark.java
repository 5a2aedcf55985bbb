package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Queue;
import io.github.asyncio4j.Task;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * {@code queue_1p1c}: one producer puts the ints {@code 0 .. 999,999} into a queue of maxsize
 * {@value #MAXSIZE}, one consumer gets them and checks their sum.
 *
 * <p>asyncio4j's side uses the queue's Reactive Streams bridges ({@code putAll} in, {@code asFlux}
 * out); {@link Queue1p1cAwaitBenchmark} ({@code queue_1p1c_await}) is the same workload with one
 * {@code put()} and one {@code get()} per item, as the CPython script awaits them.
 *
 * <p>One JMH operation is one whole run; {@link Workload#QUEUE_1P1C} gives the items it counts.
 * Every implementation boxes the ints it passes (an {@code Integer} above 127 is 16 bytes).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class Queue1p1cBenchmark {
  /** The queue's capacity. */
  static final int MAXSIZE = 128;

  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int n;
  private long expectedSum;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    n = Workload.QUEUE_1P1C.ops(sizeDivisor);
    expectedSum = (long) n * (n - 1) / 2;
  }

  /**
   * asyncio4j, the Reactive Streams bridges (the Reactor-native way to connect a producer and a
   * consumer through a queue): a {@link Queue}{@code (128)} on one loop; the producer is a task
   * running {@code queue.putAll(Flux.range(0, n))} and then {@code queue.shutdown()} (which keeps
   * the items), the consumer the main coroutine summing {@code queue.asFlux()}, which completes
   * once the queue is shut down and empty. {@code putAll} asks the range for as many items as the
   * queue has room for, which it emits inside that request, and puts them under one lock; {@code
   * asFlux} takes whatever its demand allows under one lock and emits it. Each side waits (one
   * {@code put()}, one {@code get()}) only when the queue is full or empty, about once per 128
   * items. The per-item {@code put()}/{@code get()} form is {@link Queue1p1cAwaitBenchmark} ({@code
   * queue_1p1c_await}).
   */
  @Benchmark
  public long asyncio4j(LoopState state) {
    EventLoop loop = state.loop;
    int n = this.n;
    Long sum =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  Queue<Integer> queue = new Queue<>(MAXSIZE);
                  Task<Void> producer =
                      loop.createTask(
                          queue.putAll(Flux.range(0, n)).then(Mono.fromRunnable(queue::shutdown)));
                  long[] total = new long[1];
                  return queue
                      .asFlux()
                      .doOnNext(item -> total[0] += item)
                      .then(producer)
                      .then(Mono.fromCallable(() -> total[0]));
                }));
    return check(sum);
  }

  /**
   * Reactor: {@code Sinks.many().unicast()} buffering in a {@code Queues.get(128)} queue, feeding a
   * subscriber that requests 128 items at a time and sums them; the producer emits with {@code
   * tryEmitNext} from this thread. Subscriber and producer share the thread, as the asyncio4j tasks
   * share their loop: each item passes straight through the sink's drain.
   */
  @Benchmark
  public long reactor() {
    Sinks.Many<Integer> sink =
        Sinks.many().unicast().onBackpressureBuffer(Queues.<Integer>get(MAXSIZE).get());
    Summer consumer = new Summer();
    sink.asFlux().subscribe(consumer);
    int n = this.n;
    for (int i = 0; i < n; i++) {
      Sinks.EmitResult result = sink.tryEmitNext(i);
      if (result.isFailure()) {
        throw new IllegalStateException("tryEmitNext(" + i + ") failed: " + result);
      }
    }
    sink.tryEmitComplete();
    if (!consumer.completed) {
      throw new IllegalStateException("the subscriber did not complete");
    }
    return check(consumer.sum);
  }

  /**
   * java.util.concurrent: an {@code ArrayBlockingQueue(128)}; the producer is the single-thread
   * executor's thread ({@code put}), the consumer this thread ({@code take}).
   */
  @Benchmark
  public long juc(ExecutorState state) throws InterruptedException {
    ExecutorService executor = state.executor;
    int n = this.n;
    BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(MAXSIZE);
    CountDownLatch produced = new CountDownLatch(1);
    executor.execute(
        () -> {
          try {
            for (int i = 0; i < n; i++) {
              queue.put(i);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            produced.countDown();
          }
        });
    long sum = 0;
    for (int i = 0; i < n; i++) {
      Integer item = queue.poll(Threads.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (item == null) {
        throw new IllegalStateException("the producer stalled after " + i + " items");
      }
      sum += item;
    }
    Threads.await(produced);
    return check(sum);
  }

  private long check(Long sum) {
    if (sum == null || sum != expectedSum) {
      throw new IllegalStateException("expected a sum of " + expectedSum + " but it was " + sum);
    }
    return sum;
  }

  /** Sums what it receives, {@value #MAXSIZE} items requested at a time. */
  private static final class Summer extends BaseSubscriber<Integer> {
    long sum;
    int sinceRequest;
    boolean completed;

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
      request(MAXSIZE);
    }

    @Override
    protected void hookOnNext(Integer item) {
      sum += item;
      if (++sinceRequest == MAXSIZE) {
        sinceRequest = 0;
        request(MAXSIZE);
      }
    }

    @Override
    protected void hookOnComplete() {
      completed = true;
    }
  }
}
