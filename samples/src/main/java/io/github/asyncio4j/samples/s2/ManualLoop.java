package io.github.asyncio4j.samples.s2;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import reactor.core.publisher.Mono;

/**
 * Guide section 2.2 (底层 API:手动管理循环): managing a loop by hand.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * loop = asyncio.new_event_loop()    # 创建新循环
 * asyncio.set_event_loop(loop)       # 设为当前线程的默认循环
 * loop.run_until_complete(main())    # 运行直到协程完成
 * loop.close()                       # 关闭循环
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * EventLoop loop = EventLoop.newEventLoop();   // or Asyncio.newEventLoop()
 * try {
 *   loop.runUntilComplete(main());
 * } finally {
 *   loop.close();
 * }
 * }</pre>
 *
 * <p><b>No {@code set_event_loop}.</b> asyncio keeps, per thread, a "current" loop that need not be
 * running, managed by an event loop <em>policy</em> ({@code set_event_loop}, {@code
 * get_event_loop}, {@code set_event_loop_policy}); Python 3.14 deprecates the policy system, to be
 * removed in 3.16. asyncio4j has no such global state: a loop is an object you hold and pass, and
 * the only loop a thread "has" is the one <em>running</em> on it, which {@link
 * Asyncio#getRunningLoop()} returns. So the port drops the line: there is nothing to set, and
 * nothing is lost, since {@code run_until_complete} itself makes the loop the running one for as
 * long as it runs.
 *
 * <p><b>When to manage a loop by hand</b> (the guide's list), in Java: choosing a loop
 * implementation before it runs ({@code ProactorEventLoop} on Windows) has no counterpart, since
 * the JVM hides the platform's I/O; a loop of another kind is made directly, for example {@link
 * io.github.asyncio4j.VirtualTimeEventLoop#create()}. Embedding in another framework is {@link
 * EventLoop#newThreadEventLoop(String)}: a loop running on its own thread that is also a Reactor
 * {@code Scheduler}. Fine control of the lifecycle is what this sample shows: a loop may run
 * several times before it is closed, and once closed it refuses work.
 *
 * <p>Unlike {@link Asyncio#run(Mono)}, {@code runUntilComplete} does not cancel the tasks left
 * pending when {@code main} ends; {@code close()} drops pending callbacks and timers and shuts the
 * default executor down.
 */
public final class ManualLoop {
  private ManualLoop() {}

  /** The coroutine the loop runs: says which loop it runs on. */
  static Mono<String> main(EventLoop expected) {
    return Mono.fromCallable(
        () ->
            "main(): Hello, asyncio! getRunningLoop() is our loop: "
                + (Asyncio.getRunningLoop() == expected));
  }

  /**
   * Creates a loop, runs {@code main()} on it twice, closes it and shows it then refuses work.
   *
   * @return what it printed
   */
  public static String run() {
    Transcript out = new Transcript();
    EventLoop loop = EventLoop.newEventLoop();
    try {
      out.say(
          "new loop: running="
              + loop.isRunning()
              + ", a loop running on this thread: "
              + (EventLoop.runningOrNull() != null));
      out.say(String.valueOf(loop.runUntilComplete(main(loop))));
      out.say("second run of the same loop: " + loop.runUntilComplete(main(loop)));
      out.say("between runs: running=" + loop.isRunning() + ", closed=" + loop.isClosed());
    } finally {
      loop.close();
    }
    out.say("after close(): closed=" + loop.isClosed());
    try {
      loop.runUntilComplete(main(loop));
      out.say("a closed loop ran?!");
    } catch (IllegalStateException e) {
      out.say("runUntilComplete on a closed loop -> IllegalStateException: " + e.getMessage());
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
