package io.github.asyncio4j.samples.s2;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import reactor.core.publisher.Mono;

/**
 * Guide section 2.3 (获取已存在的循环): getting the loop that already exists.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # 获取当前线程的事件循环(无则创建)
 * loop = asyncio.get_event_loop()
 *
 * # 安全获取(Python 3.10+,推荐)
 * try:
 *     loop = asyncio.get_running_loop()
 * except RuntimeError:
 *     # 没有运行中的循环
 *     loop = asyncio.new_event_loop()
 * }</pre>
 *
 * <p>followed by the note: "{@code get_event_loop()} changed in Python 3.12+: with no current event
 * loop it no longer creates one but raises {@code RuntimeError}."
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * EventLoop loop;
 * try {
 *   loop = Asyncio.getRunningLoop();
 * } catch (IllegalStateException e) {   // "no running event loop"
 *   loop = Asyncio.newEventLoop();
 * }
 * }</pre>
 *
 * <p>{@link Asyncio#getRunningLoop()} is {@code asyncio.get_running_loop()}: inside a coroutine (a
 * task's chain, or a callback on the loop) it returns the running loop; elsewhere it throws {@code
 * IllegalStateException("no running event loop")}, asyncio's {@code RuntimeError} with the same
 * text. Every function that needs the running loop fails the same way outside one; the transcript
 * shows {@code Asyncio.createTask}, the first row of the guide's table of common errors (8.2).
 *
 * <p><b>{@code get_event_loop()} is not ported</b>: asyncio4j keeps no per-thread "current" loop
 * besides the running one (see {@link ManualLoop}), so there is nothing for it to return.
 *
 * <p><b>Erratum (the guide's note is inaccurate).</b> In Python 3.12 and 3.13, {@code
 * get_event_loop()} called in the main thread with no loop set still <em>creates and sets</em> a
 * loop; it only adds a {@code DeprecationWarning: There is no current event loop}. It raises {@code
 * RuntimeError("There is no current event loop in thread '...'.")} only after {@code
 * set_event_loop(None)} or in a non-main thread, as 3.11 already did. Raising always was tried in
 * the 3.12 alphas (gh-93453) and reverted (gh-100160); it is the behaviour of Python <b>3.14</b>.
 * The advice stands: in a coroutine use {@code get_running_loop()}, elsewhere {@code
 * new_event_loop()} (or {@code asyncio.run}).
 */
public final class GetRunningLoop {
  private GetRunningLoop() {}

  /**
   * Gets the running loop inside a coroutine, fails to outside one, and falls back to a new loop as
   * the guide does.
   *
   * @return what it printed
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(
        Mono.fromRunnable(
            () -> {
              EventLoop loop = Asyncio.getRunningLoop();
              out.say(
                  "inside a coroutine: getRunningLoop() -> a loop, running=" + loop.isRunning());
            }));

    EventLoop loop;
    try {
      loop = Asyncio.getRunningLoop();
      out.say("outside: a loop is running here?!");
    } catch (IllegalStateException e) {
      out.say("outside: getRunningLoop() -> IllegalStateException: " + e.getMessage());
      loop = Asyncio.newEventLoop();
      out.say("fallback: newEventLoop() -> a loop, running=" + loop.isRunning());
    }
    try {
      EventLoop fallback = loop;
      out.say(
          "the fallback loop runs a coroutine, which sees it as the running loop: "
              + loop.runUntilComplete(
                  Mono.fromCallable(() -> Asyncio.getRunningLoop() == fallback)));
    } finally {
      loop.close();
    }

    try {
      Asyncio.createTask(Mono.empty());
      out.say("createTask outside a loop worked?!");
    } catch (IllegalStateException e) {
      out.say("outside: Asyncio.createTask(...) -> IllegalStateException: " + e.getMessage());
    }
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
