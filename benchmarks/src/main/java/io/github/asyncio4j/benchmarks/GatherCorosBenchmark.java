package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.operators.Asyncio;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code gather_coros}: gather 100,000 trivial coroutines (coroutine {@code i} returns {@code i})
 * and check the results, in order.
 *
 * <p>One JMH operation is one whole run; {@link Workload#GATHER_COROS} gives the coroutines it
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
public class GatherCorosBenchmark {
  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int n;
  private long expectedSum;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    n = Workload.GATHER_COROS.ops(sizeDivisor);
    expectedSum = (long) n * (n - 1) / 2;
  }

  /**
   * asyncio4j: {@link Asyncio#gather(List)} of {@code Mono.just(i)} inside {@code
   * runUntilComplete}; gather makes each a task of the loop.
   */
  @Benchmark
  public long asyncio4j(LoopState state) {
    EventLoop loop = state.loop;
    int n = this.n;
    List<Integer> results =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  List<Mono<Integer>> coros = new ArrayList<>(n);
                  for (int i = 0; i < n; i++) {
                    coros.add(Mono.just(i));
                  }
                  return Asyncio.gather(coros);
                }));
    if (results == null || results.size() != n) {
      throw new IllegalStateException("expected " + n + " results");
    }
    long sum = 0;
    for (int i = 0; i < n; i++) {
      int r = results.get(i);
      if (r != i) {
        throw new IllegalStateException("result " + i + " was " + r);
      }
      sum += r;
    }
    return check(sum);
  }

  /**
   * Reactor: {@code Mono.zip} of {@code Mono.just(i).subscribeOn(single)} (each started as a task
   * of a {@code Schedulers.newSingle()}, as gather makes each coroutine a task), subscribed on that
   * scheduler.
   */
  @Benchmark
  public long reactor(SingleSchedulerState state) {
    Scheduler single = state.scheduler;
    int n = this.n;
    Object[] results =
        Mono.defer(
                () -> {
                  List<Mono<Integer>> coros = new ArrayList<>(n);
                  for (int i = 0; i < n; i++) {
                    coros.add(Mono.just(i).subscribeOn(single));
                  }
                  return Mono.zip(coros, values -> values);
                })
            .subscribeOn(single)
            .block(Duration.ofSeconds(Threads.TIMEOUT_SECONDS));
    if (results == null || results.length != n) {
      throw new IllegalStateException("expected " + n + " results");
    }
    long sum = 0;
    for (int i = 0; i < n; i++) {
      int r = (Integer) results[i];
      if (r != i) {
        throw new IllegalStateException("result " + i + " was " + r);
      }
      sum += r;
    }
    return check(sum);
  }

  /**
   * java.util.concurrent: {@code CompletableFuture.supplyAsync(() -> i, executor)} on a
   * single-thread executor, {@code allOf(...).join()}, then each result in order.
   */
  @Benchmark
  public long juc(ExecutorState state) {
    ExecutorService executor = state.executor;
    int n = this.n;
    CompletableFuture<?>[] futures = new CompletableFuture<?>[n];
    for (int i = 0; i < n; i++) {
      Integer result = i;
      futures[i] = CompletableFuture.supplyAsync(() -> result, executor);
    }
    CompletableFuture.allOf(futures).join();
    long sum = 0;
    for (int i = 0; i < n; i++) {
      int r = (Integer) futures[i].join();
      if (r != i) {
        throw new IllegalStateException("result " + i + " was " + r);
      }
      sum += r;
    }
    return check(sum);
  }

  private long check(long sum) {
    if (sum != expectedSum) {
      throw new IllegalStateException("expected a sum of " + expectedSum + " but it was " + sum);
    }
    return sum;
  }
}
