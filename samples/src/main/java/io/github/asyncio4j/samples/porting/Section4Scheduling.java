package io.github.asyncio4j.samples.porting;

import static io.github.asyncio4j.samples.Fetch.fetch;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.operators.Asyncio;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import reactor.core.publisher.Mono;

/** The porting guide's Java for the asyncio guide's section 4, the loop's scheduling methods. */
public final class Section4Scheduling {
  private Section4Scheduling() {}

  static void callback(String arg1, String arg2) {
    System.out.println("callback(" + arg1 + ", " + arg2 + ")");
  }

  // [callbacks]
  static Mono<Void> callbacks() {
    return Mono.fromRunnable(
        () -> {
          EventLoop loop = Asyncio.getRunningLoop();
          loop.callSoon(() -> callback("arg1", "arg2")); // next iteration
          loop.callLater(5.0, () -> callback("arg1", "arg2")); // in 5 s
          loop.callAt(loop.time() + 5.0, () -> callback("arg1", "arg2")); // on the loop's clock
        });
  }

  // [/callbacks]

  // [threadsafe]
  static void worker(EventLoop loop) {
    loop.callSoonThreadsafe(() -> callback("arg1", "arg2")); // a method of the loop, no loop=
    CompletableFuture<String> result = // and for a coroutine: run_coroutine_threadsafe
        Asyncio.runCoroutineThreadsafe(fetch("https://example.com"), loop);
    result.thenAccept(System.out::println);
  }

  static Mono<Void> threadsafeMain() {
    return Mono.defer(
        () -> {
          EventLoop loop = Asyncio.getRunningLoop();
          Thread thread = new Thread(() -> worker(loop));
          thread.start();
          return Asyncio.sleep(2.0)
              .then(Asyncio.toThread(() -> joined(thread))) // thread.join(), off the loop thread
              .then();
        });
  }

  // [/threadsafe]

  static String joined(Thread thread) throws InterruptedException {
    thread.join();
    return thread.getName();
  }

  static String blockingFunction(String arg) {
    return "blocking(" + arg + ")";
  }

  static int cpuIntensiveFunction(int n) {
    int sum = 0;
    for (int i = 0; i < n; i++) {
      sum += i % 7;
    }
    return sum;
  }

  // [executor]
  static Mono<Integer> runInExecutor() {
    return Mono.defer(
        () -> {
          EventLoop loop = Asyncio.getRunningLoop();
          // run_in_executor(None, blocking_function, arg1): the loop's default executor
          Future<String> r1 = loop.runInExecutor(() -> blockingFunction("arg1"));
          // run_in_executor(ThreadPoolExecutor(max_workers=4), ...)
          ExecutorService executor = Executors.newFixedThreadPool(4);
          Future<String> r2 = loop.runInExecutor(executor, () -> blockingFunction("arg1"));
          // CPU-bound: no GIL in Java, so a thread pool sized to the cores, not a process pool
          Future<Integer> r3 =
              loop.runInExecutor(ForkJoinPool.commonPool(), () -> cpuIntensiveFunction(1_000));
          return r1.then(r2).then(r3).doFinally(signal -> executor.shutdown());
        });
  }
  // [/executor]
}
