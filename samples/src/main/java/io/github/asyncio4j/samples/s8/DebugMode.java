package io.github.asyncio4j.samples.s8;

import static io.github.asyncio4j.samples.Fetch.fetch;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Guide section 8.1 (启用调试模式): debug mode, its three switches and what it reports.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # 方式一:通过 asyncio.run
 * asyncio.run(main(), debug=True)
 *
 * # 方式二:环境变量
 * # PYTHONASYNCIODEBUG=1 python app.py
 *
 * # 方式三:手动设置
 * loop = asyncio.get_event_loop()
 * loop.set_debug(True)
 * }</pre>
 *
 * <p>Debug mode, says the guide, warns about coroutines never awaited, logs callbacks slower than
 * 100 ms, and makes a task's {@code repr()} show where it was created.
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Asyncio.run(main(), true);                      // way 1
 * // ASYNCIO4J_DEBUG=1 java ...                   // way 2, or -Dasyncio4j.debug=true
 * EventLoop loop = EventLoop.newEventLoop();      // way 3
 * loop.setDebug(true);
 * loop.setSlowCallbackDuration(Duration.ofMillis(20));   // asyncio's slow_callback_duration
 * }</pre>
 *
 * <p>Way 2: new loops start in debug mode when the system property {@code asyncio4j.debug} is
 * {@code true} or {@code 1}, or, without the property, when the environment variable {@code
 * ASYNCIO4J_DEBUG} is set and not empty (asyncio's {@code PYTHONASYNCIODEBUG}). The sample sets the
 * property for a moment, since a program cannot set its own environment. Way 3: the guide's {@code
 * asyncio.get_event_loop()} outside a coroutine is deprecated (see {@link
 * io.github.asyncio4j.samples.s2.GetRunningLoop}); the port makes the loop with {@code
 * newEventLoop()}, and inside a coroutine {@code Asyncio.getRunningLoop().setDebug(true)} does the
 * same.
 *
 * <p>What the transcript shows, with the threshold lowered from 100 ms to 20 ms:
 *
 * <ul>
 *   <li>a callback that busy-spins 30 ms on the loop's thread (measured with {@code
 *       System.nanoTime()}: a sample must not {@code Thread.sleep} on the loop) is logged as {@code
 *       Executing <Handle spin(30 ms)> took 0.030 seconds}, asyncio's wording;
 *   <li>a task made in debug mode shows in its {@code toString()} the line that created it, {@code
 *       created at io.github.asyncio4j.samples.s8.DebugMode...}; without debug mode it does not.
 * </ul>
 *
 * <p>Debug mode also makes loop-only methods ({@code callSoon}, {@code callLater}, {@code
 * createTask}) called from another thread fail, as {@link
 * io.github.asyncio4j.samples.s4.ThreadsafeScheduling} shows. The guide's "coroutine was never
 * awaited" has no counterpart: a {@code Mono} nobody subscribes to simply never runs. (And it is a
 * {@code RuntimeWarning}, never the {@code RuntimeError} the guide's table in 8.2 lists.)
 *
 * <p>Where the warning goes: asyncio4j logs through Reactor's {@code Loggers} under the name {@code
 * asyncio4j}, that is to SLF4J when it is on the class path, else to {@code System.err}, or to
 * {@code java.util.logging} when the system property {@code reactor.logging.fallback} is {@code
 * JDK}. To show the warning in its transcript this sample reads it from {@code java.util.logging},
 * so its {@code main} and the tour set that property before Reactor logs anything.
 */
public final class DebugMode {
  /** The slow-callback threshold this sample sets: asyncio's default is 100 ms. */
  static final Duration SLOW = Duration.ofMillis(20);

  /** How long the slow callback spins on the loop's thread. */
  static final Duration SPIN = Duration.ofMillis(30);

  private DebugMode() {}

  /** A callback that keeps the loop's thread busy for {@link #SPIN}, without sleeping. */
  static final class Spin implements Runnable {
    @Override
    public void run() {
      long start = System.nanoTime();
      while (System.nanoTime() - start < SPIN.toNanos()) {
        Thread.onSpinWait();
      }
    }

    @Override
    public String toString() {
      return "spin(" + SPIN.toMillis() + " ms)";
    }
  }

  /**
   * Shows the three switches, then a slow callback and a task's creation site in debug mode.
   *
   * @return what it printed
   */
  public static String run() {
    Transcript out = new Transcript();

    // Way 1: asyncio.run(main(), debug=True)
    Boolean way1 = Asyncio.run(Mono.fromCallable(() -> Asyncio.getRunningLoop().getDebug()), true);
    out.say("way 1, Asyncio.run(main, true): getDebug() inside -> " + way1);

    // Way 2: the environment (here the system property, which takes precedence)
    out.say(
        "way 2, -Dasyncio4j.debug=true: a new loop's getDebug() -> "
            + newLoopDebugWithProperty("true")
            + "; with =false -> "
            + newLoopDebugWithProperty("false"));

    // Way 3: loop.set_debug(True)
    EventLoop loop = EventLoop.newEventLoop();
    loop.setDebug(true);
    loop.setSlowCallbackDuration(SLOW);
    out.say(
        "way 3, loop.setDebug(true): getDebug() -> "
            + loop.getDebug()
            + ", slow callbacks from "
            + loop.getSlowCallbackDuration().toMillis()
            + " ms");
    List<String> logged;
    try {
      logged =
          captureLoopLog(
              () ->
                  loop.runUntilComplete(
                      Mono.defer(
                          () -> {
                            loop.callSoon(new Spin());
                            Task<String> task =
                                Asyncio.createTask(fetch("https://example.com"), "fetch-api-1");
                            out.say("repr of a task made in debug mode: " + task);
                            return task;
                          })));
    } finally {
      loop.close();
    }
    String spin = new Spin().toString();
    List<String> slow = new ArrayList<>();
    for (String line : logged) {
      if (line.contains(spin)) {
        slow.add(line);
      }
    }
    if (slow.isEmpty()) {
      out.say(
          "the slow callback's warning went to Reactor's logger 'asyncio4j' (SLF4J or System.err);"
              + " run with -Dreactor.logging.fallback=JDK to see it here");
    } else {
      slow.forEach(line -> out.say("logged: " + line));
    }

    String plain =
        String.valueOf(
            Asyncio.run(
                Mono.fromCallable(
                    () -> {
                      Task<String> task =
                          Asyncio.createTask(fetch("https://example.com"), "fetch-api-1");
                      // Only its repr is wanted; take it before cancel(), after which it
                      // reads 'cancelling', as asyncio's does.
                      String repr = task.toString();
                      task.cancel();
                      return repr;
                    }),
                false));
    out.say("repr of the same task without debug mode: " + plain);
    return out.toString();
  }

  /** Whether a new loop starts in debug mode with {@code -Dasyncio4j.debug=value}. */
  static boolean newLoopDebugWithProperty(String value) {
    String previous = System.getProperty("asyncio4j.debug");
    System.setProperty("asyncio4j.debug", value);
    try {
      EventLoop loop = EventLoop.newEventLoop();
      loop.close();
      return loop.getDebug();
    } finally {
      restoreProperty("asyncio4j.debug", previous);
    }
  }

  private static void restoreProperty(String key, @Nullable String previous) {
    if (previous == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, previous);
    }
  }

  /**
   * Runs {@code body} and returns what the {@code asyncio4j} logger wrote to {@code
   * java.util.logging} meanwhile, as {@code LEVEL message} lines; those records are not also
   * printed on the console.
   */
  static List<String> captureLoopLog(Runnable body) {
    Logger jul = Logger.getLogger("asyncio4j");
    List<String> records = Collections.synchronizedList(new ArrayList<>());
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record.getLevel() + " " + record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    boolean useParentHandlers = jul.getUseParentHandlers();
    jul.addHandler(capture);
    jul.setUseParentHandlers(false);
    try {
      body.run();
    } finally {
      jul.removeHandler(capture);
      jul.setUseParentHandlers(useParentHandlers);
    }
    return List.copyOf(records);
  }

  /**
   * Makes Reactor log through {@code java.util.logging} unless told otherwise, so that the slow
   * callback's warning can be shown; must run before Reactor logs anything.
   */
  public static void preferJdkLogging() {
    if (System.getProperty("reactor.logging.fallback") == null) {
      System.setProperty("reactor.logging.fallback", "JDK");
    }
  }

  /**
   * Prints what {@link #run()} shows.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    preferJdkLogging();
    System.out.println(run());
  }
}
