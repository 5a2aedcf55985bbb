package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Queue;
import io.github.asyncio4j.Task;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code queue_1p1c_await} (an extra, not in {@code BENCHMARKS.md}): {@code queue_1p1c} with one
 * awaited {@code put()} and one awaited {@code get()} per item, the shape of the CPython script's
 * {@code await q.put(i)} / {@code await q.get()} loops. {@link Queue1p1cBenchmark} runs asyncio4j
 * through the Reactive Streams bridges instead; the CPython figure to compare this one with is that
 * workload's (the target of the queue issue for this path: at least 10 times CPython's items per
 * second).
 *
 * <p>One JMH operation is one whole run; {@link Workload#QUEUE_1P1C_AWAIT} gives the items it
 * counts.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class Queue1p1cAwaitBenchmark {
  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int n;
  private long expectedSum;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    n = Workload.QUEUE_1P1C_AWAIT.ops(sizeDivisor);
    expectedSum = (long) n * (n - 1) / 2;
  }

  /**
   * asyncio4j: a {@link Queue}{@code (128)} on one loop; the producer is a task putting each int
   * with {@code concatMap(queue::put)}, the consumer the main coroutine repeating {@code get()}.
   */
  @Benchmark
  public long asyncio4j(LoopState state) {
    EventLoop loop = state.loop;
    int n = this.n;
    Long sum =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  Queue<Integer> queue = new Queue<>(Queue1p1cBenchmark.MAXSIZE);
                  Task<Void> producer =
                      loop.createTask(Flux.range(0, n).concatMap(queue::put).then());
                  long[] total = new long[1];
                  return queue
                      .get()
                      .repeat(n - 1)
                      .doOnNext(item -> total[0] += item)
                      .then(producer)
                      .then(Mono.fromCallable(() -> total[0]));
                }));
    if (sum == null || sum != expectedSum) {
      throw new IllegalStateException("expected a sum of " + expectedSum + " but it was " + sum);
    }
    return sum;
  }
}
