package io.github.asyncio4j.samples.s4;

import static io.github.asyncio4j.samples.Fetch.fetch;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;

/**
 * Guide section 4.2 (线程安全调度): handing work to the loop from another thread.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * import threading
 *
 * def worker(loop):
 *     # 在子线程中安全地向事件循环提交回调
 *     asyncio.call_soon_threadsafe(callback, arg1, loop=loop)
 *
 * async def main():
 *     loop = asyncio.get_running_loop()
 *     thread = threading.Thread(target=worker, args=(loop,))
 *     thread.start()
 *     await asyncio.sleep(2)
 *     thread.join()
 * }</pre>
 *
 * <h2>Erratum: that call does not exist</h2>
 *
 * <p>There is no module-level {@code asyncio.call_soon_threadsafe} (and no {@code loop=} parameter;
 * passing one raises {@code TypeError: ... got an unexpected keyword argument 'loop'}). It is a
 * method of the loop: {@code loop.call_soon_threadsafe(callback, arg1)}. To run a
 * <em>coroutine</em> from another thread, use {@code asyncio.run_coroutine_threadsafe(coro, loop)},
 * which returns a {@code concurrent.futures.Future} the thread may wait on. Accordingly,
 * asyncio4j's {@link Asyncio} facade has no {@code callSoonThreadsafe} either.
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * static void worker(EventLoop loop) {
 *   loop.callSoonThreadsafe(() -> callback(arg1));                     // a callback
 *   CompletableFuture<String> cf =
 *       Asyncio.runCoroutineThreadsafe(fetch(url), loop);              // a coroutine
 *   String data = cf.get(5, SECONDS);                                  // the worker may block
 * }
 *
 * static Mono<Void> main() {
 *   return Mono.defer(() -> {
 *     EventLoop loop = Asyncio.getRunningLoop();
 *     Thread thread = new Thread(() -> worker(loop), "worker");
 *     thread.start();
 *     return Asyncio.toThread(() -> { thread.join(); return "joined"; }).then();
 *   });
 * }
 * }</pre>
 *
 * <p>{@link EventLoop#callSoonThreadsafe(Runnable)} may be called from any thread: nothing is lost,
 * each thread's order is kept, and an idle loop wakes up. {@link
 * Asyncio#runCoroutineThreadsafe(Mono, EventLoop)} (the same as {@link EventLoop#submit(Mono)},
 * which the worker also uses) starts the {@code Mono} as a task on the loop and returns a {@link
 * CompletableFuture}; cancelling that future cancels the task.
 *
 * <p>Why not plain {@code loop.callSoon} from the worker? It is meant for the loop's own thread. In
 * debug mode, which this sample turns on, asyncio4j refuses it from another thread with asyncio's
 * message, as the transcript shows. (Outside debug mode asyncio4j forwards it through the
 * thread-safe path, while asyncio appends it without waking the loop, so it may wait until
 * something else does; do not rely on either.)
 *
 * <p>Two fixes to {@code main}. The guide's {@code await asyncio.sleep(2)} guesses how long the
 * worker takes; joining the thread is what waits for it, so the port drops the guess. And {@code
 * thread.join()} on the loop's thread blocks the loop: every task stalls meanwhile, and a worker
 * that waits for the loop (as {@code run_coroutine_threadsafe(...).result()} does) would deadlock
 * with it. The port joins in the default executor with {@link Asyncio#toThread}, so the loop keeps
 * running the worker's callback and coroutines while {@code main} waits.
 */
public final class ThreadsafeScheduling {
  private ThreadsafeScheduling() {}

  /** The guide's {@code callback(arg1)}: runs on the loop's thread. */
  static void callback(Transcript out, Thread loopThread, String arg1) {
    out.say(
        "callback("
            + arg1
            + ") runs on the loop's thread: "
            + (Thread.currentThread() == loopThread));
  }

  /** The guide's {@code worker(loop)}, on its own thread. */
  static void worker(EventLoop loop, Thread loopThread, Transcript out) {
    try {
      loop.callSoon(() -> callback(out, loopThread, "from callSoon"));
      out.say("worker: loop.callSoon(...) was accepted?!");
    } catch (IllegalStateException e) {
      out.say("worker: loop.callSoon(...) -> IllegalStateException: " + e.getMessage());
    }

    out.say("worker: loop.callSoonThreadsafe(() -> callback(\"arg1\"))");
    loop.callSoonThreadsafe(() -> callback(out, loopThread, "arg1"));

    CompletableFuture<String> viaFacade =
        Asyncio.runCoroutineThreadsafe(fetch("https://example.com"), loop);
    CompletableFuture<String> viaLoop = loop.submit(fetch("https://example.org"));
    try {
      out.say(
          "worker: Asyncio.runCoroutineThreadsafe(fetch(...), loop).get() -> "
              + viaFacade.get(5, TimeUnit.SECONDS));
      out.say("worker: loop.submit(fetch(...)).get() -> " + viaLoop.get(5, TimeUnit.SECONDS));
    } catch (Exception e) {
      out.say("worker: waiting for the coroutines failed: " + e);
    }
  }

  /** The guide's {@code main()}: starts the worker and joins it without blocking the loop. */
  static Mono<Void> main(Transcript out) {
    return Mono.defer(
        () -> {
          EventLoop loop = Asyncio.getRunningLoop();
          Thread loopThread = Thread.currentThread();
          Thread thread = new Thread(() -> worker(loop, loopThread, out), "worker");
          thread.start();
          return Asyncio.toThread(
                  () -> {
                    thread.join();
                    return "joined";
                  })
              .doOnNext(r -> out.say("main: worker thread " + r + " (in the default executor)"))
              .then();
        });
  }

  /**
   * Runs the guide's {@code main()} in debug mode.
   *
   * @return what the worker and the loop printed, in order
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(main(out), true);
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
