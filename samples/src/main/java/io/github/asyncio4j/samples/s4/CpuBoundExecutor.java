package io.github.asyncio4j.samples.s4;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Guide section 4.3 (执行阻塞代码), second half: CPU-bound work, and why Java needs no process pool.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # CPU 密集型任务应使用进程池
 * from concurrent.futures import ProcessPoolExecutor
 * executor = ProcessPoolExecutor()
 * result = await loop.run_in_executor(executor, cpu_intensive_function, arg1)
 * }</pre>
 *
 * <p>with the table: {@code ThreadPoolExecutor} for blocking I/O ("the GIL is not the bottleneck,
 * thread switches are cheap"), {@code ProcessPoolExecutor} for CPU-bound work ("bypasses the GIL,
 * uses several cores").
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Future<Integer> r = loop.runInExecutor(ForkJoinPool.commonPool(), () -> cpuIntensiveFunction(arg1));
 * Future<Integer> s = loop.runInExecutor(Schedulers.parallel(), () -> cpuIntensiveFunction(arg1));
 * }</pre>
 *
 * <p><b>Java has no GIL.</b> CPython's global interpreter lock lets one thread at a time run Python
 * bytecode, so CPU-bound Python code only uses several cores from several processes, paying for
 * pickling arguments and results across them. JVM threads run Java code truly in parallel, so a
 * <em>thread</em> pool already uses every core and shares memory for free; a process pool would
 * only add that cost. What remains of the guide's advice is to keep the two kinds of work apart:
 *
 * <ul>
 *   <li>CPU-bound work goes to a pool sized to the cores: the JDK's {@link
 *       ForkJoinPool#commonPool()} or Reactor's {@link Schedulers#parallel()} (one thread per core;
 *       its threads are non-blocking threads, where Reactor's {@code block()} refuses to run).
 *   <li>Blocking I/O goes to a pool that may grow, such as the loop's default executor (bounded
 *       elastic), so that waiting threads never starve the CPU-bound ones; see {@link
 *       RunInExecutor}.
 * </ul>
 *
 * <p>The simulated {@code cpu_intensive_function} counts the primes in a range by trial division.
 * The sample runs it once on the common pool, then splits a larger range into four chunks started
 * together on {@code Schedulers.parallel()}, which run on up to four cores at once while the loop
 * stays free. Each chunk is a {@link Future}, awaited in turn; {@code gather} (section 6.1) would
 * await them together.
 */
public final class CpuBoundExecutor {
  private CpuBoundExecutor() {}

  /**
   * The guide's {@code cpu_intensive_function}: counts the primes in {@code [from, to)}.
   *
   * @param from the first number, inclusive
   * @param to the last number, exclusive
   * @return how many primes lie in the range
   */
  static int cpuIntensiveFunction(int from, int to) {
    int count = 0;
    for (int n = Math.max(from, 2); n < to; n++) {
      boolean prime = true;
      for (int d = 2; d * d <= n; d++) {
        if (n % d == 0) {
          prime = false;
          break;
        }
      }
      if (prime) {
        count++;
      }
    }
    return count;
  }

  /** The guide's {@code main()}, CPU-bound part. */
  static Mono<Void> main(Transcript out) {
    return Mono.defer(
        () -> {
          EventLoop loop = Asyncio.getRunningLoop();
          Future<Integer> once =
              loop.runInExecutor(ForkJoinPool.commonPool(), () -> cpuIntensiveFunction(0, 50_000));

          int chunk = 50_000;
          List<Future<Integer>> chunks = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            int from = i * chunk;
            chunks.add(
                loop.runInExecutor(
                    Schedulers.parallel(), () -> cpuIntensiveFunction(from, from + chunk)));
          }
          return once.doOnNext(
                  n ->
                      out.say(
                          "runInExecutor(ForkJoinPool.commonPool(), ...): "
                              + n
                              + " primes below 50000"))
              .then(Flux.concat(chunks).reduce(0, Integer::sum))
              .doOnNext(
                  n ->
                      out.say(
                          "4 chunks at once on Schedulers.parallel(): "
                              + n
                              + " primes below 200000"))
              .then();
        });
  }

  /**
   * Runs the CPU-bound part of the guide's {@code main()}.
   *
   * @return what it printed
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(main(out));
    return out.toString();
  }

  /**
   * Prints what {@link #run()} shows.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    System.out.println(run());
  }
}
