package io.github.asyncio4j.samples.s6;

import static io.github.asyncio4j.samples.Fetch.fetch;
import static io.github.asyncio4j.samples.Fetch.refused;

import io.github.asyncio4j.ExceptionGroup;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Guide section 6.1 (并发执行多个协程), way two: a {@code TaskGroup}, then the results.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # 方式二:TaskGroup(Python 3.11+,推荐)
 * async with asyncio.TaskGroup() as tg:
 *     t1 = tg.create_task(fetch("https://api1.com"))
 *     t2 = tg.create_task(fetch("https://api2.com"))
 *     t3 = tg.create_task(fetch("https://api3.com"))
 * results = [t1.result(), t2.result(), t3.result()]
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Mono<List<String>> results =
 *     Asyncio.taskGroup(tg -> Mono.just(List.of(
 *             tg.createTask(fetch("https://api1.com")),
 *             tg.createTask(fetch("https://api2.com")),
 *             tg.createTask(fetch("https://api3.com")))))
 *         .map(tasks -> tasks.stream().map(Task::result).toList());
 * }</pre>
 *
 * <p>As in section 3.2 ({@link io.github.asyncio4j.samples.s3.TaskGroupFetch}), the block's body
 * hands its tasks out as its result, and {@code result()} is read once the group has ended, when
 * every task is done. The results come in the order the tasks were created, after one {@link
 * io.github.asyncio4j.samples.Fetch#DELAY}.
 *
 * <p>Why the guide recommends it over {@code gather}: on a failure the two ways differ, and the
 * transcript puts them side by side with {@code api2} refused. {@code gather(...,
 * return_exceptions=True)} ({@link GatherFetch}) lets {@code api1} and {@code api3} finish and
 * returns the exception among the results, which the caller must remember to look for; the group
 * cancels {@code api1} and {@code api3} as soon as {@code api2} fails, waits for them, and raises
 * {@link ExceptionGroup}: no failure goes unnoticed and no task outlives the block. On a {@link
 * VirtualTimeEventLoop}, so the times are exact.
 */
public final class TaskGroupResults {
  private TaskGroupResults() {}

  /** The guide's block and its {@code results} list; {@code fetch2} makes api2's coroutine. */
  static Mono<List<String>> results(
      List<Task<String>> started, Function<String, Mono<String>> fetch2) {
    return Asyncio.taskGroup(
            tg -> {
              started.add(tg.createTask(fetch("https://api1.com")));
              started.add(tg.createTask(fetch2.apply("https://api2.com")));
              started.add(tg.createTask(fetch("https://api3.com")));
              return Mono.just(List.copyOf(started));
            })
        .map(tasks -> tasks.stream().map(Task::result).toList());
  }

  /** The guide's code, then the same with api2 refused. */
  static Mono<Void> main(Transcript out) {
    return results(new ArrayList<>(), url -> fetch(url))
        .doOnNext(results -> out.sayAt("results = " + results))
        .then(
            Mono.defer(
                () -> {
                  List<Task<String>> tasks = new ArrayList<>();
                  return results(tasks, url -> refused(url))
                      .then()
                      .onErrorResume(
                          ExceptionGroup.class,
                          eg -> {
                            out.sayAt("with api2 refused: " + eg.getMessage());
                            out.say("  " + eg.exceptions());
                            out.say(
                                "  api1 cancelled="
                                    + tasks.get(0).cancelled()
                                    + ", api3 cancelled="
                                    + tasks.get(2).cancelled()
                                    + ": no results list, no task left running");
                            return Mono.empty();
                          });
                }));
  }

  /**
   * Runs the group, then the failing group, on a virtual-time loop.
   *
   * @return what they printed
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
