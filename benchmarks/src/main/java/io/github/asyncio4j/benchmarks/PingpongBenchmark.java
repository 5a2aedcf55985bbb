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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * {@code pingpong}: two parties pass a token back and forth through two queues of maxsize 1,
 * 100,000 round trips. The client puts token {@code i} on {@code ping}; the server gets it and puts
 * it on {@code pong}; the client gets it back and checks it, then sends {@code i + 1}.
 *
 * <p>One JMH operation is one whole run; {@link Workload#PINGPONG} gives the round trips it counts.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class PingpongBenchmark {
  /** Every size is divided by this (1, 10 or 100); {@code benchmarks/run --quick} passes 10. */
  @Param("1")
  public int sizeDivisor;

  private int n;

  /** Computes the sizes of the trial. */
  @Setup(Level.Trial)
  public void size() {
    n = Workload.PINGPONG.ops(sizeDivisor);
  }

  /**
   * asyncio4j: two {@link Queue}{@code (1)}s on one loop; the server is a task that gets from
   * {@code ping} and puts on {@code pong}, the client the main coroutine, each round trip a {@code
   * concatMap} step.
   */
  @Benchmark
  public int asyncio4j(LoopState state) {
    EventLoop loop = state.loop;
    int n = this.n;
    Integer rounds =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  Queue<Integer> ping = new Queue<>(1);
                  Queue<Integer> pong = new Queue<>(1);
                  Task<Void> server =
                      loop.createTask(ping.get().flatMap(pong::put).repeat(n - 1).then());
                  int[] expected = new int[1];
                  return Flux.range(0, n)
                      .concatMap(i -> ping.put(i).then(pong.get()))
                      .doOnNext(token -> expectToken(token, expected[0]++))
                      .then(server)
                      .then(Mono.fromCallable(() -> expected[0]));
                }));
    return check(rounds);
  }

  /**
   * Reactor: two {@code Sinks.many().unicast()} of capacity 1 ({@code Queues.one()}) on this
   * thread; the server's subscriber re-emits each token on {@code pong}, the client's emits the
   * next token on {@code ping}. The sinks' drain loops trampoline the re-entrant emissions, so the
   * stack stays flat.
   */
  @Benchmark
  public int reactor() {
    int n = this.n;
    Sinks.Many<Integer> ping =
        Sinks.many().unicast().onBackpressureBuffer(Queues.<Integer>one().get());
    Sinks.Many<Integer> pong =
        Sinks.many().unicast().onBackpressureBuffer(Queues.<Integer>one().get());
    int[] expected = new int[1];
    ping.asFlux().subscribe(token -> emit(pong, token));
    pong.asFlux()
        .subscribe(
            token -> {
              expectToken(token, expected[0]++);
              if (expected[0] < n) {
                emit(ping, expected[0]);
              }
            });
    emit(ping, 0);
    return check(expected[0]);
  }

  /**
   * java.util.concurrent: two {@code ArrayBlockingQueue(1)}s; the server is the single-thread
   * executor's thread, the client this thread.
   */
  @Benchmark
  public int juc(ExecutorState state) throws InterruptedException {
    ExecutorService executor = state.executor;
    int n = this.n;
    BlockingQueue<Integer> ping = new ArrayBlockingQueue<>(1);
    BlockingQueue<Integer> pong = new ArrayBlockingQueue<>(1);
    CountDownLatch served = new CountDownLatch(1);
    executor.execute(
        () -> {
          try {
            for (int i = 0; i < n; i++) {
              pong.put(ping.take());
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            served.countDown();
          }
        });
    int rounds = 0;
    for (int i = 0; i < n; i++) {
      ping.put(i);
      Integer token = pong.poll(Threads.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (token == null) {
        throw new IllegalStateException("the server stalled after " + i + " round trips");
      }
      expectToken(token, rounds++);
    }
    Threads.await(served);
    return check(rounds);
  }

  private static void emit(Sinks.Many<Integer> sink, int token) {
    Sinks.EmitResult result = sink.tryEmitNext(token);
    if (result.isFailure()) {
      throw new IllegalStateException("tryEmitNext(" + token + ") failed: " + result);
    }
  }

  private static void expectToken(int token, int expected) {
    if (token != expected) {
      throw new IllegalStateException("expected token " + expected + " but got " + token);
    }
  }

  private int check(Integer rounds) {
    if (rounds == null || rounds != n) {
      throw new IllegalStateException("expected " + n + " round trips but there were " + rounds);
    }
    return rounds;
  }
}
