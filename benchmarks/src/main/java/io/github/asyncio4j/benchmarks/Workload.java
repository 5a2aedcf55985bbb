package io.github.asyncio4j.benchmarks;

/**
 * The workloads of {@code BENCHMARKS.md}: their names, their JMH classes and the operations one run
 * of each counts; then the extra allocation checks that issues 3 and 4 ask for, which have no
 * CPython side.
 *
 * <p>The extras ({@code lock_uncontended}, {@code lock_try}, {@code semaphore_uncontended}, {@code
 * semaphore_try}, {@code rate_limit_try}) each repeat one non-waiting operation 1,000,000 times on
 * one thread, so that the report's bytes per operation are those of that operation: the targets are
 * at most 64 bytes for an uncontended {@code acquire()}+{@code release()} through the {@code Mono}
 * API and none for a {@code tryAcquire()}-style path. The last extra, {@code queue_1p1c_await}, is
 * {@code queue_1p1c} in the per-item await form (asyncio4j only), beside that workload's bridge
 * form.
 *
 * <p>Every JMH class has a {@code sizeDivisor} parameter (1 by default, 10 in {@code benchmarks/run
 * --quick}); the CPython script divides by the same number. Where a workload has two sizes ({@code
 * lock_1000}, {@code semaphore_10}, {@code gather_timeout}) only the repetition count is divided,
 * so the contention shape stays the same; in every case the operations of one run are {@link
 * #ops(int) fullOps / sizeDivisor}.
 *
 * <p>One JMH invocation is one full run of the workload; the report divides the time and the
 * allocation ({@code gc.alloc.rate.norm}) of one invocation by {@link #ops(int)}.
 */
public enum Workload {
  /** 1,000,000 no-op callbacks scheduled with {@code callSoon} from the loop. */
  CALL_SOON("call_soon", "CallSoonBenchmark", 1_000_000),
  /** 4 threads each submit 100,000 callbacks with {@code callSoonThreadsafe}. */
  THREADSAFE_4("threadsafe_4", "Threadsafe4Benchmark", 4 * 100_000),
  /** 100,000 timers with deadlines {@code (i % 1000) * 10 µs}, run until all fired. */
  CALL_LATER("call_later", "CallLaterBenchmark", 100_000),
  /** 100,000 tasks of a trivial coroutine created, then each awaited. */
  CREATE_TASK("create_task", "CreateTaskBenchmark", 100_000),
  /** gather of 100,000 trivial coroutines. */
  GATHER_COROS("gather_coros", "GatherCorosBenchmark", 100_000),
  /** 1,000,000 ints through a queue of maxsize 128, one producer and one consumer. */
  QUEUE_1P1C("queue_1p1c", "Queue1p1cBenchmark", 1_000_000),
  /** 100,000 round trips of a token through two queues of maxsize 1. */
  PINGPONG("pingpong", "PingpongBenchmark", 100_000),
  /** 1,000 tasks each take a lock 100 times, yielding once while holding it. */
  LOCK_1000("lock_1000", "Lock1000Benchmark", 1_000 * 100),
  /** As {@link #LOCK_1000} with a semaphore of 10 permits. */
  SEMAPHORE_10("semaphore_10", "Semaphore10Benchmark", 1_000 * 100),
  /** 1,000 times: gather 100 coroutines that each yield once, under a 10 s timeout. */
  GATHER_TIMEOUT("gather_timeout", "GatherTimeoutBenchmark", 1_000 * 100),
  /** 1,000,000 acquires of a rate limiter that never makes anyone wait. */
  RATE_LIMIT_FREE("rate_limit_free", "RateLimitFreeBenchmark", 1_000_000),
  /** Extra: 1,000,000 uncontended lock {@code acquire()} (a {@code Mono}) + {@code release()}. */
  LOCK_UNCONTENDED("lock_uncontended", "LockUncontendedBenchmark", 1_000_000),
  /** Extra: 1,000,000 uncontended lock {@code tryAcquire()} + {@code release()}. */
  LOCK_TRY("lock_try", "LockTryBenchmark", 1_000_000),
  /**
   * Extra: 1,000,000 uncontended semaphore {@code acquire()} (a {@code Mono}) + {@code release()}.
   */
  SEMAPHORE_UNCONTENDED("semaphore_uncontended", "SemaphoreUncontendedBenchmark", 1_000_000),
  /** Extra: 1,000,000 uncontended semaphore {@code tryAcquire()} + {@code release()}. */
  SEMAPHORE_TRY("semaphore_try", "SemaphoreTryBenchmark", 1_000_000),
  /** Extra: as {@link #RATE_LIMIT_FREE} with the non-waiting {@code tryAcquire()}. */
  RATE_LIMIT_TRY("rate_limit_try", "RateLimitTryBenchmark", 1_000_000),
  /**
   * Extra: as {@link #QUEUE_1P1C} with one awaited {@code put()} and {@code get()} per item, where
   * {@code queue_1p1c} runs asyncio4j through the queue's Reactive Streams bridges.
   */
  QUEUE_1P1C_AWAIT("queue_1p1c_await", "Queue1p1cAwaitBenchmark", 1_000_000);

  private final String id;
  private final String benchmarkClass;
  private final int fullOps;

  Workload(String id, String benchmarkClass, int fullOps) {
    this.id = id;
    this.benchmarkClass = benchmarkClass;
    this.fullOps = fullOps;
  }

  /** The workload's name in {@code BENCHMARKS.md} and in the report, e.g. {@code call_soon}. */
  public String id() {
    return id;
  }

  /** The simple name of the JMH class that runs this workload, e.g. {@code CallSoonBenchmark}. */
  public String benchmarkClass() {
    return benchmarkClass;
  }

  /**
   * The operations one run counts when every size is divided by {@code sizeDivisor}.
   *
   * @throws IllegalArgumentException unless {@code sizeDivisor} is 1, 10 or 100 (the divisors that
   *     keep every size of every workload whole)
   */
  public int ops(int sizeDivisor) {
    checkDivisor(sizeDivisor);
    return fullOps / sizeDivisor;
  }

  /**
   * Divides one of this workload's sizes by {@code sizeDivisor}.
   *
   * @throws IllegalArgumentException unless {@code sizeDivisor} is 1, 10 or 100
   */
  public static int scaled(int fullSize, int sizeDivisor) {
    checkDivisor(sizeDivisor);
    return fullSize / sizeDivisor;
  }

  private static void checkDivisor(int sizeDivisor) {
    if (sizeDivisor != 1 && sizeDivisor != 10 && sizeDivisor != 100) {
      throw new IllegalArgumentException(
          "sizeDivisor must be 1, 10 or 100 but it was " + sizeDivisor);
    }
  }

  /**
   * The workload named {@code id} ({@code call_soon}, ...).
   *
   * @throws IllegalArgumentException if no workload has that name
   */
  public static Workload byId(String id) {
    for (Workload w : values()) {
      if (w.id.equals(id)) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown workload: " + id);
  }

  /** The workload whose JMH class has the simple name {@code simpleName}, or {@code null}. */
  public static Workload byBenchmarkClass(String simpleName) {
    for (Workload w : values()) {
      if (w.benchmarkClass.equals(simpleName)) {
        return w;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return id;
  }
}
