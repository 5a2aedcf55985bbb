package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.operators.Asyncio;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * {@code gather_timeout}: 1,000 rounds, one after another; each gathers {@value #WIDTH} coroutines
 * that yield once ({@code sleep(0)}) and return their index, under a {@value #TIMEOUT_SECONDS} s
 * timeout that never expires. Quick mode divides the rounds, not the width.
 *
 * <p>One JMH operation is one whole run; {@link Workload#GATHER_TIMEOUT} gives the coroutines it
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
public class GatherTimeoutBenchmark {
  /** The coroutines gathered in each round. */
  static final int WIDTH = 100;

  /** The timeout of each round, in seconds. */
  static final int TIMEOUT_SECONDS = 10;

  private static final Duration TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS);
  private static final long ROUND_SUM = (long) WIDTH * (WIDTH - 1) / 2;

  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int rounds;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    rounds = Workload.scaled(1000, sizeDivisor);
  }

  /**
   * asyncio4j: each round is {@link Asyncio#timeout(Duration, Mono)} around {@link
   * Asyncio#gather(List)} of {@code sleep(0).thenReturn(i)} ({@code async with timeout(10): await
   * gather(...)}); the rounds run in order through {@code concatMap} in the main coroutine.
   */
  @Benchmark
  public long asyncio4j(LoopState state) {
    EventLoop loop = state.loop;
    Mono<Void> yieldOnce = loop.sleep(Duration.ZERO);
    Mono<List<Integer>> round =
        Mono.defer(
            () -> {
              List<Mono<Integer>> coros = new ArrayList<>(WIDTH);
              for (int i = 0; i < WIDTH; i++) {
                coros.add(yieldOnce.thenReturn(i));
              }
              return Asyncio.timeout(TIMEOUT, Asyncio.gather(coros));
            });
    Long sum =
        loop.runUntilComplete(
            Flux.range(0, rounds)
                .concatMap(r -> round)
                .reduce(0L, (total, results) -> total + roundSum(results)));
    return check(sum);
  }

  /**
   * Reactor: each round is {@code Mono.zip} of {@code Mono.just(i).subscribeOn(single)} (a yield
   * through a {@code Schedulers.newSingle()}) with {@code Mono.timeout(10 s, single)}; the rounds
   * run in order through {@code concatMap}, subscribed on that scheduler.
   */
  @Benchmark
  public long reactor(SingleSchedulerState state) {
    Scheduler single = state.scheduler;
    Mono<Object[]> round =
        Mono.defer(
            () -> {
              List<Mono<Integer>> coros = new ArrayList<>(WIDTH);
              for (int i = 0; i < WIDTH; i++) {
                coros.add(Mono.just(i).subscribeOn(single));
              }
              return Mono.zip(coros, values -> values).timeout(TIMEOUT, single);
            });
    Long sum =
        Flux.range(0, rounds)
            .concatMap(r -> round)
            .reduce(0L, (total, results) -> total + roundSum(Arrays.asList(results)))
            .subscribeOn(single)
            .block(Duration.ofSeconds(Threads.TIMEOUT_SECONDS));
    return check(sum);
  }

  /**
   * java.util.concurrent: each round submits {@code CompletableFuture.supplyAsync(() -> i,
   * executor)} to a single-thread executor and waits with {@code allOf(...).get(10, SECONDS)}.
   */
  @Benchmark
  public long juc(ExecutorState state)
      throws InterruptedException, ExecutionException, TimeoutException {
    ExecutorService executor = state.executor;
    long sum = 0;
    CompletableFuture<?>[] futures = new CompletableFuture<?>[WIDTH];
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < WIDTH; i++) {
        Integer result = i;
        futures[i] = CompletableFuture.supplyAsync(() -> result, executor);
      }
      CompletableFuture.allOf(futures).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      long roundSum = 0;
      for (int i = 0; i < WIDTH; i++) {
        roundSum += (Integer) futures[i].join();
      }
      sum += checkRound(roundSum);
    }
    return check(sum);
  }

  private static long roundSum(List<?> results) {
    if (results.size() != WIDTH) {
      throw new IllegalStateException("expected " + WIDTH + " results, not " + results.size());
    }
    long sum = 0;
    for (Object r : results) {
      sum += (Integer) r;
    }
    return checkRound(sum);
  }

  private static long checkRound(long sum) {
    if (sum != ROUND_SUM) {
      throw new IllegalStateException("a round summed to " + sum + ", not " + ROUND_SUM);
    }
    return sum;
  }

  private long check(Long sum) {
    long expected = ROUND_SUM * rounds;
    if (sum == null || sum != expected) {
      throw new IllegalStateException("expected a sum of " + expected + " but it was " + sum);
    }
    return sum;
  }
}
