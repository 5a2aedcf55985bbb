package io.github.asyncio4j.samples.s6;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * Guide section 6.3 (取消任务): cancelling a task, which cleans up and re-raises.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * async def main():
 *     task = asyncio.create_task(long_running())
 *     await asyncio.sleep(3)
 *     task.cancel()  # 请求取消
 *     try:
 *         await task
 *     except asyncio.CancelledError:
 *         print("Task was cancelled")
 *
 * async def long_running():
 *     try:
 *         while True:
 *             await do_work()
 *     except asyncio.CancelledError:
 *         # 执行清理
 *         await cleanup()
 *         raise  # 重新抛出,让调用者知道任务被取消
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * static Mono<Void> longRunning() {
 *   return doWork().repeat().then()                      // while True: await do_work()
 *       .onErrorResume(CancelledError.class,              // except CancelledError:
 *           e -> cleanup().then(Mono.error(e)));          //     await cleanup(); raise
 * }
 *
 * static Mono<Void> main() {
 *   return Mono.defer(() -> {
 *     Task<Void> task = Asyncio.createTask(longRunning());
 *     return Asyncio.sleep(3)
 *         .then(Mono.defer(() -> { task.cancel(); return task; }))  // cancel(); await task
 *         .onErrorResume(CancelledError.class,
 *             e -> Mono.fromRunnable(() -> System.out.println("Task was cancelled")));
 *   });
 * }
 * }</pre>
 *
 * <p>asyncio4j cancels as asyncio does, not as Reactor does: {@link Task#cancel()} is a request,
 * and the task gets {@link CancelledError} at the {@code await} it is suspended on (here the sleep
 * inside {@code do_work()}), as an error signal its chain can handle like {@code except
 * CancelledError:}. Right after {@code cancel()} the task is not yet {@code cancelled()}; it is
 * once the {@code CancelledError} reaches the end of its chain, which is after the clean-up, and
 * only then does the awaiting {@code main} get it. The transcript shows the work at 0.8, 1.6 and
 * 2.4 s, the cancel at 3 s, the clean-up (0.5 s), and {@code main} catching the error at 3.5 s.
 *
 * <p>The guide's warning ("重要"): after catching {@code CancelledError}, re-raise it. The second
 * part of the transcript runs a {@code long_running} that cleans up and does not re-raise: {@code
 * await task} then returns normally and {@code task.cancelled()} is false, so the cancellation is
 * lost to whoever asked for it, and a {@code TaskGroup} or a timeout waiting on it would be misled.
 * Each part runs on a fresh {@link VirtualTimeEventLoop}, so the times are exact.
 */
public final class CancelTask {
  /** How long one {@code do_work()} takes, in seconds. */
  static final double WORK = 0.8;

  /** How long {@code cleanup()} takes, in seconds. */
  static final double CLEANUP = 0.5;

  /** When {@code main} cancels the task, in seconds: the guide's 3. */
  static final double CANCEL_AT = 3.0;

  private CancelTask() {}

  /** {@code do_work()}: one piece of work. */
  static Mono<Void> doWork(Transcript out, AtomicInteger pieces) {
    return Asyncio.sleep(WORK)
        .then(Mono.fromRunnable(() -> out.sayAt("do_work() #" + pieces.incrementAndGet())));
  }

  /** {@code cleanup()}. */
  static Mono<Void> cleanup(Transcript out) {
    return Mono.defer(
        () -> {
          out.sayAt("long_running: CancelledError, cleanup()");
          return Asyncio.sleep(CLEANUP)
              .then(Mono.fromRunnable(() -> out.sayAt("long_running: cleaned up")));
        });
  }

  /** {@code long_running()}: works until cancelled; re-raises after the clean-up, or not. */
  static Mono<Void> longRunning(Transcript out, boolean reraise) {
    AtomicInteger pieces = new AtomicInteger();
    return doWork(out, pieces)
        .repeat()
        .then()
        .onErrorResume(
            CancelledError.class, e -> reraise ? cleanup(out).then(Mono.error(e)) : cleanup(out));
  }

  /** The guide's {@code main()}. */
  static Mono<Void> main(Transcript out, boolean reraise) {
    return Mono.defer(
        () -> {
          Task<Void> task = Asyncio.createTask(longRunning(out, reraise));
          return Asyncio.sleep(CANCEL_AT)
              .then(
                  Mono.defer(
                      () -> {
                        task.cancel();
                        out.sayAt(
                            "main: task.cancel(); right after it: cancelled()="
                                + task.cancelled()
                                + ", cancelling()="
                                + task.cancelling());
                        return task;
                      }))
              .then(
                  Mono.fromRunnable(
                      () ->
                          out.sayAt(
                              "main: await task returned normally, task.cancelled()="
                                  + task.cancelled()
                                  + ": the cancellation was lost")))
              .onErrorResume(
                  CancelledError.class,
                  e -> {
                    out.sayAt("Task was cancelled (task.cancelled()=" + task.cancelled() + ")");
                    return Mono.empty();
                  })
              .then();
        });
  }

  /**
   * Runs the guide's code, then the same with a {@code long_running} that does not re-raise, each
   * on a fresh virtual-time loop.
   *
   * @return what they printed
   */
  public static String run() {
    Transcript out = new Transcript();
    out.say("long_running re-raises, as the guide says:");
    Asyncio.run(main(out, true), false, VirtualTimeEventLoop::create);
    out.say("long_running swallows the CancelledError:");
    Asyncio.run(main(out, false), false, VirtualTimeEventLoop::create);
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
