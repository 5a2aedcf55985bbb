package io.github.asyncio4j.samples.s2;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Guide section 2.1 (推荐方式:asyncio.run()): hello world.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * import asyncio
 *
 * async def main():
 *     print("Hello, asyncio!")
 *
 * asyncio.run(main())  # 创建事件循环 → 运行协程 → 关闭循环
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * static Mono<Void> main() {
 *   return Mono.fromRunnable(() -> System.out.println("Hello, asyncio!"));
 * }
 *
 * Asyncio.run(main());  // new loop -> run main as a task -> cancel leftovers -> close
 * }</pre>
 *
 * <p>A coroutine is a {@code Mono}, built lazily: {@code main()} returns it without running it, as
 * calling {@code main()} in Python returns a coroutine object. {@link Asyncio#run(Mono)} runs it as
 * the main task of a new loop on the calling thread, returns its result, then cancels and awaits
 * the tasks still pending, shuts the default executor down and closes the loop.
 *
 * <p>The guide's three points, shown: {@code run} is the entry point; each call makes a brand-new
 * loop (the transcript compares the loops two calls ran on); it cannot be called while a loop runs
 * on the thread, for example from inside a coroutine, where it fails with {@code
 * IllegalStateException} (asyncio's {@code RuntimeError}) and asyncio's message.
 */
public final class HelloAsyncio {
  private HelloAsyncio() {}

  /** {@code async def main(): print("Hello, asyncio!")}. */
  static Mono<Void> main(Transcript out) {
    return Mono.fromRunnable(() -> out.say("Hello, asyncio!"));
  }

  /**
   * Runs hello world, then shows that each {@code run} makes a new loop and that {@code run} inside
   * a coroutine is refused.
   *
   * @return what it printed
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(main(out));

    EventLoop first =
        Objects.requireNonNull(Asyncio.run(Mono.fromCallable(Asyncio::getRunningLoop)));
    EventLoop second =
        Objects.requireNonNull(Asyncio.run(Mono.fromCallable(Asyncio::getRunningLoop)));
    out.say(
        "two Asyncio.run calls ran on two loops: "
            + (first != second)
            + "; both closed afterwards: "
            + (first.isClosed() && second.isClosed()));

    String nested =
        Asyncio.run(
            Mono.fromCallable(
                () -> {
                  try {
                    Asyncio.run(main(out));
                    return "Asyncio.run inside a coroutine ran?!";
                  } catch (IllegalStateException e) {
                    return "Asyncio.run inside a coroutine -> IllegalStateException: "
                        + e.getMessage();
                  }
                }));
    out.say(String.valueOf(nested));
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
