package io.github.asyncio4j.samples.s4;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.TimerHandle;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.Locale;
import reactor.core.publisher.Mono;

/**
 * Guide section 4.1 (回调调度): {@code call_soon}, {@code call_later}, {@code call_at}.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * loop = asyncio.get_running_loop()
 *
 * # 立即调度(下一个事件循环迭代执行)
 * loop.call_soon(callback, arg1, arg2)
 *
 * # 延迟调度(5秒后执行)
 * loop.call_later(5.0, callback, arg1, arg2)
 *
 * # 在指定时间点执行
 * import time
 * loop.call_at(loop.time() + 5.0, callback, arg1, arg2)
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * EventLoop loop = Asyncio.getRunningLoop();
 * loop.callSoon(() -> callback(arg1, arg2));                      // next iteration
 * loop.callLater(5.0, () -> callback(arg1, arg2));                // 5 s from now
 * loop.callAt(loop.time() + 5.0, () -> callback(arg1, arg2));     // at a point on the loop's clock
 * }</pre>
 *
 * <p>Java has no {@code *args}: the lambda captures the arguments (Python's {@code
 * functools.partial}). Each call returns a handle ({@link io.github.asyncio4j.Handle}, {@link
 * TimerHandle}) whose {@code cancel()} keeps the callback from running; the transcript shows one
 * cancelled timer that never fires.
 *
 * <p>This sample is about time, so it runs on a {@link VirtualTimeEventLoop}: its clock starts at 0
 * and jumps to the next deadline when nothing is ready, so the guide's real 5 s pass at once and
 * every time printed is exact. (It is driven with {@code runUntilComplete}, so that it can read the
 * loop's clock once {@code main} is done; the later samples run on one with {@code
 * Asyncio.run(main, false, VirtualTimeEventLoop::create)}, asyncio's {@code loop_factory}.)
 *
 * <p>Two notes on the guide. {@code import time} is a red herring: {@code call_at} takes a point on
 * the <em>loop's</em> clock, {@code loop.time()} (monotonic, {@link EventLoop#time()} here), never
 * {@code time.time()}. And the {@code call_later} and {@code call_at} timers here share one
 * deadline: asyncio leaves the order of equal deadlines undefined, asyncio4j runs them in the order
 * they were scheduled.
 */
public final class CallbackScheduling {
  private CallbackScheduling() {}

  /** The guide's {@code callback(arg1, arg2)}: prints its arguments and the loop's time. */
  static void callback(Transcript out, EventLoop loop, String via, String arg1, String arg2) {
    out.say(
        String.format(
            Locale.ROOT, "t=%.1f callback(%s, %s) scheduled by %s", loop.time(), arg1, arg2, via));
  }

  /** The guide's code, in a coroutine that then sleeps until every callback has run. */
  static Mono<Void> main(Transcript out) {
    return Mono.defer(
        () -> {
          EventLoop loop = Asyncio.getRunningLoop();
          String arg1 = "arg1";
          String arg2 = "arg2";
          loop.callSoon(() -> callback(out, loop, "callSoon", arg1, arg2));
          TimerHandle later =
              loop.callLater(5.0, () -> callback(out, loop, "callLater(5.0)", arg1, arg2));
          TimerHandle at =
              loop.callAt(
                  loop.time() + 5.0,
                  () -> callback(out, loop, "callAt(loop.time() + 5.0)", arg1, arg2));
          TimerHandle cancelled =
              loop.callLater(1.0, () -> callback(out, loop, "a cancelled timer", arg1, arg2));
          cancelled.cancel();
          out.say(
              String.format(
                  Locale.ROOT,
                  "t=%.1f scheduled: callSoon; callLater -> when()=%.1f; callAt -> when()=%.1f;"
                      + " callLater(1.0) cancelled: %s",
                  loop.time(),
                  later.when(),
                  at.when(),
                  cancelled.cancelled()));
          return Asyncio.sleep(6.0);
        });
  }

  /**
   * Runs the guide's calls on a virtual-time loop.
   *
   * @return what it printed, with the loop's time of each line
   */
  public static String run() {
    Transcript out = new Transcript();
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    try {
      loop.runUntilComplete(main(out));
      out.say(String.format(Locale.ROOT, "t=%.1f main done", loop.time()));
    } finally {
      loop.close();
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
