package io.github.asyncio4j.samples.s8;

import static io.github.asyncio4j.samples.Fetch.fetch;

import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.List;
import java.util.Objects;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;

/**
 * Guide section 8.3 (实用调试代码): listing every task with its name and state, and naming tasks.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * async def debug_tasks():
 *     """打印当前所有任务"""
 *     tasks = asyncio.all_tasks()
 *     for task in tasks:
 *         print(f"  {task.get_name()}: {task.get_coro()} "
 *               f"done={task.done()} cancelled={task.cancelled()}")
 *
 * # 给 Task 命名,方便调试(Python 3.11+)
 * task = asyncio.create_task(fetch(url), name="fetch-api-1")
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * static Mono<Void> debugTasks() {
 *   return Mono.fromRunnable(() -> {
 *     for (Task<?> task : Asyncio.allTasks()) {
 *       System.out.println("  " + task.getName() + ": " + Scannable.from(task.getCoro()).name()
 *           + " done=" + task.done() + " cancelled=" + task.cancelled());
 *     }
 *   });
 * }
 *
 * Task<String> task = Asyncio.createTask(fetch(url).name("fetch"), "fetch-api-1");
 * }</pre>
 *
 * <p>{@link Asyncio#allTasks()} lists the running loop's tasks that are not done yet, in the order
 * they were created, the current one included; a task leaves the list when it ends. So in the
 * listing {@code done} is always false, and so is {@code cancelled}: a task is cancelled only once
 * it has ended. A cancel that was requested and not yet delivered shows as {@code cancelling=1}
 * ({@link Task#cancelling()}) and in the task's {@code toString()}, which reads like asyncio's
 * {@code repr}: {@code <Task cancelling name='Task-7' coro=...>}.
 *
 * <p>{@link Task#getCoro()} returns the {@code Mono} the task runs. Its {@code toString()} names
 * only its last operator ({@code MonoIgnoreThen}), where Python prints the coroutine's function;
 * the port gives each coroutine a label with Reactor's {@code .name(...)} and prints {@code
 * Scannable.from(coro).name()}. Tasks get a name with {@code createTask(coro, name)}, else {@code
 * Task-N}; {@link Task#setName(String)} renames one, here the main task. (The {@code name=}
 * argument of {@code create_task} dates from Python 3.8, not 3.11 as the guide says.)
 *
 * <p>The transcript lists the tasks while they run, then again once they are done, and prints how
 * each one ended. On a {@link VirtualTimeEventLoop}, so it is quick and the times are exact.
 */
public final class DebugTasks {
  private DebugTasks() {}

  /** The guide's {@code debug_tasks()}, with each task's pending cancel requests. */
  static Mono<Void> debugTasks(Transcript out) {
    return Mono.fromRunnable(
        () -> {
          List<Task<?>> tasks = Asyncio.allTasks();
          out.sayAt("all_tasks(): " + tasks.size());
          for (Task<?> task : tasks) {
            out.say(
                "  "
                    + task.getName()
                    + ": "
                    + Scannable.from(task.getCoro()).name()
                    + " done="
                    + task.done()
                    + " cancelled="
                    + task.cancelled()
                    + " cancelling="
                    + task.cancelling());
          }
        });
  }

  /** Three named tasks and an unnamed one, one of them cancelled; listed while and after. */
  static Mono<Void> main(Transcript out) {
    return Mono.defer(
            () -> {
              Objects.requireNonNull(Asyncio.currentTask()).setName("main");
              Task<String> api1 =
                  Asyncio.createTask(
                      fetch("https://api1.com").name("fetch(https://api1.com)"), "fetch-api-1");
              Task<String> api2 =
                  Asyncio.createTask(
                      fetch("https://api2.com").name("fetch(https://api2.com)"), "fetch-api-2");
              Task<Void> idle = Asyncio.createTask(Asyncio.sleep(60).name("sleep(60)"));
              idle.cancel();
              out.sayAt("cancelled, not yet ended: " + idle);
              List<Task<?>> mine = List.of(api1, api2, idle);
              return debugTasks(out)
                  .then(Asyncio.gatherReturnExceptions(mine))
                  .then(debugTasks(out))
                  .then(
                      Mono.fromRunnable(
                          () -> {
                            out.sayAt("how they ended:");
                            for (Task<?> task : mine) {
                              out.say(
                                  "  "
                                      + task.getName()
                                      + ": done="
                                      + task.done()
                                      + " cancelled="
                                      + task.cancelled()
                                      + " "
                                      + task);
                            }
                          }));
            })
        .then()
        .name("main()");
  }

  /**
   * Runs the listing on a virtual-time loop.
   *
   * @return what it printed
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(main(out), false, VirtualTimeEventLoop::create);
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
