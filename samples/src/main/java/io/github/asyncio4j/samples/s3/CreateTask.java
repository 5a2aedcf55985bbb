package io.github.asyncio4j.samples.s3;

import static io.github.asyncio4j.samples.Fetch.fetch;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * Guide section 3.1 (Task:协程的执行包装): creating tasks, both ways.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * async def fetch(url):
 *     await asyncio.sleep(1)
 *     return f"Data from {url}"
 *
 * async def main():
 *     # 方式一:自动调度(推荐)
 *     task = asyncio.create_task(fetch("https://example.com"))
 *
 *     # 方式二:底层 API
 *     loop = asyncio.get_running_loop()
 *     task = loop.create_task(fetch("https://example.com"))
 *
 *     result = await task
 *     print(result)
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * static Mono<String> main() {
 *   return Mono.defer(() -> {
 *     Task<String> task1 = Asyncio.createTask(fetch("https://example.com"));  // way 1
 *     EventLoop loop = Asyncio.getRunningLoop();
 *     Task<String> task2 = loop.createTask(fetch("https://example.com"));     // way 2
 *     return task2.doOnNext(System.out::println);                             // await task
 *   });
 * }
 * }</pre>
 *
 * <p>{@code fetch} is {@link io.github.asyncio4j.samples.Fetch#fetch(String)}, its 1 s sleep scaled
 * down to 0.1 s. Both calls start a task at once; the tasks' first steps run after {@code main}
 * yields, in creation order, and both sleep at the same time, so {@code main} waits about one
 * delay, not two. The guide overwrites {@code task} and awaits only the second task; the first
 * still runs (and {@code asyncio.run} would cancel it if it were still pending at the end). The
 * port keeps both in variables and awaits both, so nothing is left behind.
 *
 * <p>A {@code Task} is a {@code Future} and a {@code Mono}: awaiting it again gives the same result
 * without running {@code fetch} again, whereas awaiting the bare {@code fetch(...)} {@code Mono}
 * twice would run it twice (a coroutine object could not be awaited twice at all). The transcript
 * counts the runs.
 *
 * <p>The guide's table comparing {@code create_task} and {@code ensure_future} is shown by {@link
 * EnsureFuture}.
 */
public final class CreateTask {
  private CreateTask() {}

  /** The guide's {@code main()}, awaiting both tasks. */
  static Mono<Void> main(Transcript out, AtomicInteger fetches) {
    return Mono.defer(
        () -> {
          Mono<String> counted =
              Mono.defer(
                  () -> {
                    fetches.incrementAndGet();
                    return fetch("https://example.com");
                  });
          // Way 1: asyncio.create_task, finds the running loop itself.
          Task<String> task1 = Asyncio.createTask(counted);
          // Way 2: the loop's own method.
          EventLoop loop = Asyncio.getRunningLoop();
          Task<String> task2 = loop.createTask(counted);
          out.say(
              "created two tasks; fetch has started "
                  + fetches.get()
                  + " times so far: tasks start once main yields");
          return task1
              .doOnNext(result -> out.say("way 1, Asyncio.createTask: " + result))
              .then(task2)
              .doOnNext(result -> out.say("way 2, loop.createTask:    " + result))
              .then(task2)
              .doOnNext(
                  again ->
                      out.say(
                          "awaiting task2 again: "
                              + again
                              + " (fetch ran "
                              + fetches.get()
                              + " times, once per task)"))
              .then();
        });
  }

  /**
   * Runs the guide's {@code main()}.
   *
   * @return what it printed
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(main(out, new AtomicInteger()));
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
