package io.github.asyncio4j.samples.s3;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import reactor.core.publisher.Mono;

/**
 * Guide section 3.3 (Future:结果的占位符): a future, set by a timer, awaited.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * async def main():
 *     loop = asyncio.get_running_loop()
 *     future = loop.create_future()
 *
 *     # 模拟:1秒后设置结果
 *     loop.call_later(1.0, future.set_result, "Done!")
 *
 *     result = await future  # 阻塞直到结果就绪
 *     print(result)  # "Done!"
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * static Mono<String> main() {
 *   return Mono.defer(() -> {
 *     EventLoop loop = Asyncio.getRunningLoop();
 *     Future<String> future = loop.createFuture();
 *     loop.callLater(1.0, () -> future.setResult("Done!"));
 *     return future.doOnNext(System.out::println);   // result = await future; print(result)
 *   });
 * }
 * }</pre>
 *
 * <p>The delay is the guide's 1.0 s scaled down to 0.1 s. Python passes the callback's arguments
 * after it ({@code call_later(1.0, future.set_result, "Done!")}); Java captures them in a lambda. A
 * {@link Future} is a {@code Mono}: subscribing is awaiting. "Blocks until the result is ready"
 * (the guide's comment) means the <em>task</em> suspends; the loop's thread is free meanwhile and
 * runs the timer that sets the result. The transcript shows the future's repr before and after.
 *
 * <p>Future vs Task, as the guide says: a {@code Future} is set by hand ({@link
 * Future#setResult(Object)}), which makes it the bridge to callback-style APIs; a {@link
 * io.github.asyncio4j.Task} is a {@code Future} that a coroutine completes by itself.
 */
public final class FutureAsPlaceholder {
  /** The guide's 1.0 s, scaled down by ten. */
  static final double DELAY = 0.1;

  private FutureAsPlaceholder() {}

  /** The guide's {@code main()}. */
  static Mono<String> main(Transcript out) {
    return Mono.defer(
        () -> {
          EventLoop loop = Asyncio.getRunningLoop();
          Future<String> future = loop.createFuture();
          loop.callLater(DELAY, () -> future.setResult("Done!"));
          out.say("before the timer: " + future);
          return future.doOnNext(
              result -> {
                out.say(result);
                out.say("after: " + future);
              });
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
