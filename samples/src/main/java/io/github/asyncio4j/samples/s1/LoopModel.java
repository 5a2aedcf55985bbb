package io.github.asyncio4j.samples.s1;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import reactor.core.publisher.Mono;

/**
 * Guide section 1 (一、事件循环是什么?): the event loop's model, seen running.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # 事件循环的简化模型
 * while True:
 *     ready_tasks = check_who_is_ready()  # 检查哪些协程/IO/定时器就绪
 *     for task in ready_tasks:
 *         task.run_until_yield()          # 运行到下一个 await
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <p>The model is {@link EventLoop}'s iteration (asyncio's {@code _run_once}): take what is ready
 * <em>now</em> (callbacks given to {@code callSoon}, the next step of each task whose await
 * completed, due timers), run exactly that snapshot, and leave whatever it schedules for the next
 * iteration. A task step runs its {@code Mono} chain up to the next asyncio4j await ({@code sleep},
 * a {@code Future}, a {@code Task}), where the chain suspends and hands the thread back to the
 * loop.
 *
 * <pre>{@code
 * loop.callSoon(() -> { say("A"); loop.callSoon(() -> say("A2")); });
 * loop.callSoon(() -> say("B"));
 * Task<Void> t1 = Asyncio.createTask(twoSteps("t1"));   // step 1, sleep(0), step 2
 * Task<Void> t2 = Asyncio.createTask(twoSteps("t2"));
 * return Mono.when(t1, t2);                              // await both
 * }</pre>
 *
 * <p>To make iterations visible, a <em>ticker</em> callback re-schedules itself with {@code
 * callSoon} and counts: since what a callback schedules waits for the next iteration, it runs
 * exactly once per iteration (and cannot starve anyone). The transcript shows A and B in the same
 * iteration, A2 (scheduled by A) one iteration later, each task running up to its {@code sleep(0)}
 * in its first step and finishing in the next, and {@code main} resuming after both.
 *
 * <p>Where the guide's model is simplified: the real loop also moves due timers to the
 * <em>tail</em> of the snapshot (after the callbacks already ready), and waits for I/O or the next
 * timer only when nothing is ready (ASYNCIO-SEMANTICS L2).
 */
public final class LoopModel {
  private LoopModel() {}

  /**
   * Runs the demonstration on a new loop.
   *
   * @return one line per step, each labelled with the iteration it ran in
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(
        Mono.defer(
            () -> {
              EventLoop loop = Asyncio.getRunningLoop();
              Ticker ticker = new Ticker(loop);
              loop.callSoon(ticker);
              loop.callSoon(
                  () -> {
                    out.say(ticker.label() + "A: runs, and schedules A2 with callSoon");
                    loop.callSoon(
                        () ->
                            out.say(
                                ticker.label()
                                    + "A2: scheduled while the loop ran its snapshot, so it runs"
                                    + " in the next iteration"));
                  });
              loop.callSoon(() -> out.say(ticker.label() + "B: runs right after A, same snapshot"));
              Task<Void> t1 = Asyncio.createTask(twoSteps("t1", ticker, out));
              Task<Void> t2 = Asyncio.createTask(twoSteps("t2", ticker, out));
              out.say(ticker.label() + "main: scheduled A and B, created t1 and t2; none has run");
              return Mono.when(t1, t2)
                  .then(
                      Mono.fromRunnable(
                          () -> {
                            out.say(ticker.label() + "main: resumed, t1 and t2 are done");
                            ticker.stop();
                          }));
            }));
    return out.toString();
  }

  /** A coroutine with one await: its two steps run in two iterations. */
  static Mono<Void> twoSteps(String name, Ticker ticker, Transcript out) {
    return Mono.defer(
            () -> {
              out.say(ticker.label() + name + ": step 1, runs until its first await, sleep(0)");
              return Asyncio.sleep(0);
            })
        .then(
            Mono.fromRunnable(
                () -> out.say(ticker.label() + name + ": step 2, resumed after the await")));
  }

  /** Counts iterations: it runs once per iteration by re-scheduling itself with callSoon. */
  static final class Ticker implements Runnable {
    private final EventLoop loop;
    private int iteration;
    private boolean stopped;

    Ticker(EventLoop loop) {
      this.loop = loop;
    }

    @Override
    public void run() {
      if (!stopped) {
        iteration++;
        loop.callSoon(this);
      }
    }

    String label() {
      return "[iteration " + iteration + "] ";
    }

    void stop() {
      stopped = true;
    }

    @Override
    public String toString() {
      return "ticker";
    }
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
