package io.github.asyncio4j.samples.s3;

import static io.github.asyncio4j.samples.Fetch.fetch;
import static io.github.asyncio4j.samples.Fetch.refused;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.ExceptionGroup;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.List;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * Guide section 3.2 (TaskGroup:结构化并发): three fetches in a task group, and what happens when one of
 * them fails.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * async def main():
 *     async with asyncio.TaskGroup() as tg:
 *         task1 = tg.create_task(fetch("https://api1.com"))
 *         task2 = tg.create_task(fetch("https://api2.com"))
 *         task3 = tg.create_task(fetch("https://api3.com"))
 *     # 退出 with 块时,所有任务已完成
 *     # 任何一个任务异常 → ExceptionGroup 包含所有异常
 *     print(task1.result(), task2.result(), task3.result())
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * static Mono<Void> main() {
 *   return Asyncio.taskGroup(tg -> Mono.just(List.of(          // async with TaskGroup() as tg:
 *           tg.createTask(fetch("https://api1.com")),
 *           tg.createTask(fetch("https://api2.com")),
 *           tg.createTask(fetch("https://api3.com")))))
 *       .doOnNext(tasks -> System.out.println(                 // after the block: all done
 *           tasks.get(0).result() + " " + tasks.get(1).result() + " " + tasks.get(2).result()));
 * }
 * }</pre>
 *
 * <p>{@link Asyncio#taskGroup} plays {@code async with}: its function is the block's body, and the
 * group's {@code Mono} completes with the body's result only once every task of the group has
 * ended. The body here hands its tasks out as its result, which is how the port reads {@code
 * task1.result()} after the block: Java lambdas cannot assign the enclosing method's variables. The
 * three fetches sleep at the same time, so the group ends after one {@link
 * io.github.asyncio4j.samples.Fetch#DELAY}, not three. The sample runs on a {@link
 * VirtualTimeEventLoop}, so the times it prints are exact.
 *
 * <p>The guide's second comment, shown by a second group in which {@code api2} fails: the first
 * failure cancels the other tasks (they see {@link CancelledError} where they wait, and may clean
 * up, here by printing), the group waits for them, then raises {@link ExceptionGroup} {@code
 * "unhandled errors in a TaskGroup"} holding the failures. A cancelled sibling is not an error: the
 * group holds only {@code api2}'s {@code ConnectException} (Python's {@code ConnectionError}, from
 * {@link io.github.asyncio4j.samples.Fetch#refused(String)}). In Python the caller would catch it
 * with {@code except* ConnectionError}; in Java, {@code onErrorResume(ExceptionGroup.class, ...)}
 * and {@link ExceptionGroup#split(Class)}.
 */
public final class TaskGroupFetch {
  private TaskGroupFetch() {}

  /** The guide's {@code main()}. */
  static Mono<Void> main(Transcript out) {
    return Asyncio.taskGroup(
            tg ->
                Mono.just(
                    List.of(
                        tg.createTask(fetch("https://api1.com")),
                        tg.createTask(fetch("https://api2.com")),
                        tg.createTask(fetch("https://api3.com")))))
        .doOnNext(
            tasks -> {
              out.sayAt("the group has ended, every task is done:");
              out.say(tasks.stream().map(Task::result).collect(Collectors.joining(" ")));
            })
        .then();
  }

  /** A fetch that says so when it is cancelled, then re-raises: {@code except CancelledError}. */
  static Mono<String> loggedFetch(Transcript out, String url) {
    return fetch(url)
        .onErrorResume(
            CancelledError.class,
            e -> {
              out.sayAt("fetch(" + url + ") cancelled by the group, cleans up and re-raises");
              return Mono.error(e);
            });
  }

  /**
   * The same group with {@code api2} failing: the siblings are cancelled, then the group raises.
   */
  static Mono<Void> failing(Transcript out) {
    Task<?>[] siblings = new Task<?>[2];
    return Asyncio.taskGroup(
            tg -> {
              siblings[0] = tg.createTask(loggedFetch(out, "https://api1.com"));
              tg.createTask(refused("https://api2.com"));
              siblings[1] = tg.createTask(loggedFetch(out, "https://api3.com"));
              return Mono.empty();
            })
        .onErrorResume(
            ExceptionGroup.class,
            eg -> {
              out.sayAt("caught " + eg.getClass().getSimpleName() + ": " + eg.getMessage());
              for (Throwable e : eg.exceptions()) {
                out.say("  " + e);
              }
              out.say(
                  "siblings: api1 cancelled="
                      + siblings[0].cancelled()
                      + ", api3 cancelled="
                      + siblings[1].cancelled());
              return Mono.empty();
            })
        .then();
  }

  /**
   * Runs the guide's {@code main()}, then the failing group, on a virtual-time loop.
   *
   * @return what they printed
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(main(out).then(failing(out)), false, VirtualTimeEventLoop::create);
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
