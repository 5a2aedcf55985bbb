package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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
import reactor.core.scheduler.Scheduler;

/**
 * {@code create_task}: on the loop, create 100,000 tasks of a trivial coroutine (one that returns
 * its argument), then await each in order and check the sum of their results.
 *
 * <p>One JMH operation is one whole run; {@link Workload#CREATE_TASK} gives the tasks it counts.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class CreateTaskBenchmark {
  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int n;
  private long expectedSum;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    n = Workload.CREATE_TASK.ops(sizeDivisor);
    expectedSum = (long) n * (n - 1) / 2;
  }

  /**
   * asyncio4j: {@link EventLoop#createTask(Mono)} of {@code Mono.just(i)} inside {@code
   * runUntilComplete}, then each task awaited in order through {@code concatMap}.
   */
  @Benchmark
  public long asyncio4j(LoopState state) {
    EventLoop loop = state.loop;
    int n = this.n;
    Long sum =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  List<Task<Integer>> tasks = new ArrayList<>(n);
                  for (int i = 0; i < n; i++) {
                    tasks.add(loop.createTask(Mono.just(i)));
                  }
                  return Flux.fromIterable(tasks).concatMap(t -> t).reduce(0L, Long::sum);
                }));
    return check(sum);
  }

  /**
   * Reactor: on a {@code Schedulers.newSingle()}, each task is {@code
   * Mono.just(i).subscribeOn(single).toFuture()} (started at once, awaited later), then each
   * awaited in order with {@code Mono.fromFuture} through {@code concatMap}.
   */
  @Benchmark
  public long reactor(SingleSchedulerState state) {
    Scheduler single = state.scheduler;
    int n = this.n;
    Long sum =
        Mono.defer(
                () -> {
                  List<CompletableFuture<Integer>> tasks = new ArrayList<>(n);
                  for (int i = 0; i < n; i++) {
                    tasks.add(Mono.just(i).subscribeOn(single).toFuture());
                  }
                  return Flux.fromIterable(tasks).concatMap(Mono::fromFuture).reduce(0L, Long::sum);
                })
            .subscribeOn(single)
            .block();
    return check(sum);
  }

  /**
   * java.util.concurrent: {@code submit} of a {@code Callable} returning {@code i} to a
   * single-thread executor, then {@code get()} of each {@code Future} in order, from this thread.
   */
  @Benchmark
  public long juc(ExecutorState state) throws InterruptedException, ExecutionException {
    ExecutorService executor = state.executor;
    int n = this.n;
    List<Future<Integer>> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Integer result = i;
      tasks.add(executor.submit(() -> result));
    }
    long sum = 0;
    for (Future<Integer> task : tasks) {
      sum += task.get();
    }
    return check(sum);
  }

  private long check(Long sum) {
    if (sum == null || sum != expectedSum) {
      throw new IllegalStateException("expected a sum of " + expectedSum + " but it was " + sum);
    }
    return sum;
  }
}
