package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.Lock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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

/**
 * {@code lock_try} (an extra, not in {@code BENCHMARKS.md}): 1,000,000 times, on one thread and
 * with nobody else using it, {@code tryAcquire()} a lock and release it. The target of issue 3: no
 * allocation.
 *
 * <p>One JMH operation is one whole run; {@link Workload#LOCK_TRY} gives the pairs it counts.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class LockTryBenchmark {
  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int n;

  /**
   * The primitive of the running operation, published so that it escapes: the JIT could otherwise
   * prove that no other thread can see it, remove its locking, and fold the loop away.
   */
  @SuppressWarnings("unused") // written only, to publish
  private volatile Object shared;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    n = Workload.LOCK_TRY.ops(sizeDivisor);
  }

  /** asyncio4j: {@link Lock#tryAcquire()}, then {@link Lock#release()}. */
  @Benchmark
  public boolean asyncio4j() {
    Lock lock = new Lock();
    shared = lock;
    int n = this.n;
    for (int i = 0; i < n; i++) {
      if (!lock.tryAcquire()) {
        throw new IllegalStateException("tryAcquire failed on a free lock");
      }
      lock.release();
    }
    return lock.locked();
  }

  /**
   * java.util.concurrent: a fair {@code ReentrantLock}'s {@code tryLock()} (which barges, fair or
   * not), then {@code unlock()}.
   */
  @Benchmark
  public boolean juc() {
    ReentrantLock lock = new ReentrantLock(true);
    shared = lock;
    int n = this.n;
    for (int i = 0; i < n; i++) {
      if (!lock.tryLock()) {
        throw new IllegalStateException("tryLock failed on a free lock");
      }
      lock.unlock();
    }
    return lock.isLocked();
  }
}
