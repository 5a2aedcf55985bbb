package io.github.asyncio4j.samples.s4;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Guide section 4.3 (执行阻塞代码), first half: blocking calls in a thread pool.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * async def main():
 *     loop = asyncio.get_running_loop()
 *
 *     # 在线程池中执行阻塞函数
 *     result = await loop.run_in_executor(None, blocking_function, arg1)
 *
 *     # 使用自定义线程池
 *     from concurrent.futures import ThreadPoolExecutor
 *     executor = ThreadPoolExecutor(max_workers=4)
 *     result = await loop.run_in_executor(executor, blocking_function, arg1)
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * EventLoop loop = Asyncio.getRunningLoop();
 * // the default executor
 * Future<String> r1 = loop.runInExecutor((Executor) null, () -> blockingFunction(arg1));
 * // a pool of our own, shut down when done: Python's "with ThreadPoolExecutor(4) as executor:"
 * Mono<String> r2 = Mono.using(
 *     () -> Executors.newFixedThreadPool(4),
 *     executor -> loop.runInExecutor(executor, () -> blockingFunction(arg1)),
 *     ExecutorService::shutdown);
 * }</pre>
 *
 * <p>The rule the guide states first: never run a blocking call ({@code requests.get()}, {@code
 * time.sleep()}, {@code subprocess.run()}; in Java {@code Thread.sleep}, JDBC, {@code
 * Future.get()}, {@code block()}) on the loop's thread, or every task on the loop stalls. {@link
 * EventLoop#runInExecutor(Executor, java.util.concurrent.Callable)} runs the call on another thread
 * and returns a {@link io.github.asyncio4j.Future} completed back on the loop, so the awaiting task
 * resumes on the loop's thread. Arguments are captured by the lambda, as in every port of {@code
 * *args}.
 *
 * <p>{@code null} selects the loop's default executor (a Reactor bounded-elastic scheduler, threads
 * named {@code asyncio4j-executor-N}, shut down with the loop). In Java {@code null} must be cast,
 * {@code (Executor) null}, because {@code runInExecutor} is overloaded for an {@code Executor} and
 * a Reactor {@code Scheduler}. {@link Asyncio#toThread} ({@code asyncio.to_thread}) is the
 * shorthand for the default executor. The guide never shuts its {@code ThreadPoolExecutor} down;
 * the port does, with {@code Mono.using}.
 *
 * <p>To make "the loop stays free" visible and deterministic, the simulated {@code
 * blocking_function} blocks its thread until a reply arrives, like a socket read, and the reply is
 * sent by a timer <em>on the loop</em>, 50 ms later. The call can only return because the loop kept
 * running; run on the loop's thread it would wait out its 5 s timeout instead.
 *
 * <p>The second half of 4.3, CPU-bound work and the process pool, is {@link CpuBoundExecutor}.
 */
public final class RunInExecutor {
  private RunInExecutor() {}

  /**
   * The guide's {@code blocking_function(arg1)}: blocks its thread until {@code reply} fires.
   *
   * @return which pool ran it, and whether the reply came
   */
  static String blockingFunction(String arg1, CountDownLatch reply) throws InterruptedException {
    boolean answered = reply.await(5, TimeUnit.SECONDS);
    return "blocking_function("
        + arg1
        + ") ran on "
        + poolOf(Thread.currentThread())
        + (answered
            ? ", unblocked by a timer the loop ran meanwhile"
            : ", TIMED OUT: the loop was blocked");
  }

  /** A thread's name without its number: the pool it belongs to. */
  static String poolOf(Thread t) {
    return t.getName().replaceAll("-\\d+$", "");
  }

  /** Runs {@code blocking_function} on {@code executor}; the loop sends the reply 50 ms later. */
  static Mono<String> callBlocking(EventLoop loop, @Nullable Executor executor, String arg1) {
    return Mono.defer(
        () -> {
          CountDownLatch reply = new CountDownLatch(1);
          Mono<String> result = loop.runInExecutor(executor, () -> blockingFunction(arg1, reply));
          loop.callLater(0.05, reply::countDown);
          return result;
        });
  }

  /** Threads named {@code prefix-N}, daemon so that a forgotten pool cannot keep the JVM alive. */
  static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The guide's {@code main()}. */
  static Mono<Void> main(Transcript out) {
    return Mono.defer(
        () -> {
          EventLoop loop = Asyncio.getRunningLoop();
          Mono<String> withDefault = callBlocking(loop, null, "arg1");
          Mono<String> withOwnPool =
              Mono.using(
                  () -> Executors.newFixedThreadPool(4, named("custom-pool")),
                  executor -> callBlocking(loop, executor, "arg1"),
                  ExecutorService::shutdown);
          Mono<String> toThread = Asyncio.toThread(() -> poolOf(Thread.currentThread()));
          return withDefault
              .doOnNext(result -> out.say("runInExecutor(null, ...): " + result))
              .then(withOwnPool)
              .doOnNext(result -> out.say("runInExecutor(newFixedThreadPool(4), ...): " + result))
              .then(toThread)
              .doOnNext(pool -> out.say("Asyncio.toThread(...) ran on " + pool))
              .then(
                  Mono.fromRunnable(
                      () ->
                          out.say(
                              "main resumed on the loop's thread: "
                                  + EventLoop.isLoopThread(Thread.currentThread()))));
        });
  }

  /**
   * Runs the guide's {@code main()}.
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
