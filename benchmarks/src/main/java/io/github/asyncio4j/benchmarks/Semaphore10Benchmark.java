package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Semaphore;
import io.github.asyncio4j.operators.Asyncio;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * {@code semaphore_10}: as {@code lock_1000} with a semaphore of {@value #PERMITS} permits: {@value
 * Lock1000Benchmark#TASKS} tasks each take a permit 100 times, and while holding it yield once
 * ({@code sleep(0)}) and count. Quick mode divides the 100, not the tasks.
 *
 * <p>One JMH operation is one whole run; {@link Workload#SEMAPHORE_10} gives the acquisitions it
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
public class Semaphore10Benchmark {
  /** The semaphore's permits. */
  static final int PERMITS = 10;

  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int perTask;
  private int perWorker;
  private int total;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    perTask = Workload.scaled(100, sizeDivisor);
    total = Workload.SEMAPHORE_10.ops(sizeDivisor);
    perWorker = total / WorkersState.WORKERS;
  }

  /**
   * asyncio4j: a {@link Semaphore}{@code (10)}; each task is {@code concatMap} over its 100 turns
   * of {@code sem.withPermit(sleep(0) then count)} ({@code async with sem: await sleep(0); count +=
   * 1}), and the main coroutine gathers the 1,000 tasks with {@link Asyncio#gather(List)}.
   */
  @Benchmark
  public int asyncio4j(LoopState state) {
    EventLoop loop = state.loop;
    int perTask = this.perTask;
    int[] count = new int[1];
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              Semaphore semaphore = new Semaphore(PERMITS);
              Mono<Void> turn =
                  semaphore.withPermit(
                      loop.sleep(Duration.ZERO).then(Mono.fromRunnable(() -> count[0]++)));
              List<Mono<Void>> tasks = new ArrayList<>(Lock1000Benchmark.TASKS);
              for (int t = 0; t < Lock1000Benchmark.TASKS; t++) {
                tasks.add(Flux.range(0, perTask).concatMap(i -> turn).then());
              }
              return Asyncio.gather(tasks);
            }));
    return check(count[0]);
  }

  /**
   * Reactor: {@code flatMap(f, 10)}, Reactor's way to run at most 10 at a time. Each section yields
   * once by running its count on the next turn of a {@code Schedulers.newSingle()} ({@code
   * subscribeOn}); a new one starts when one completes.
   */
  @Benchmark
  public int reactor(SingleSchedulerState state) {
    Scheduler single = state.scheduler;
    int[] count = new int[1];
    Mono<Object> turn = Mono.fromRunnable(() -> count[0]++).subscribeOn(single);
    Flux.range(0, total)
        .flatMap(i -> turn, PERMITS)
        .then()
        .subscribeOn(single)
        .block(Duration.ofSeconds(Threads.TIMEOUT_SECONDS));
    return check(count[0]);
  }

  /**
   * java.util.concurrent: a fair {@code Semaphore(10)} shared by {@value WorkersState#WORKERS} real
   * threads ({@link WorkersState}), each taking a permit {@code 100,000 /} {@value
   * WorkersState#WORKERS} times, with {@code Thread.yield()} as the yield while holding it.
   */
  @Benchmark
  public int juc(WorkersState workers) throws InterruptedException {
    java.util.concurrent.Semaphore semaphore = new java.util.concurrent.Semaphore(PERMITS, true);
    AtomicInteger count = new AtomicInteger();
    CountDownLatch done =
        workers.run(
            perWorker,
            () -> {
              semaphore.acquireUninterruptibly();
              try {
                Thread.yield();
                count.incrementAndGet();
              } finally {
                semaphore.release();
              }
            });
    Threads.await(done);
    return check(count.get());
  }

  private int check(int count) {
    if (count != total) {
      throw new IllegalStateException("expected " + total + " turns but there were " + count);
    }
    return count;
  }
}
