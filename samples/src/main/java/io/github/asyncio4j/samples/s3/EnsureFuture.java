package io.github.asyncio4j.samples.s3;

import static io.github.asyncio4j.samples.Fetch.fetch;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.samples.Transcript;
import reactor.core.publisher.Mono;

/**
 * Guide section 3.1's table, {@code create_task} vs {@code ensure_future}, in asyncio4j.
 *
 * <h2>The guide's table</h2>
 *
 * <pre>
 * | 特性     | create_task          | ensure_future              |
 * | 推荐度   | 推荐(Python 3.7+)    | 旧版 API                   |
 * | 输入类型 | 仅接受协程           | 接受协程、Future、Task     |
 * | 返回类型 | 始终返回 Task        | 可能返回原 Future          |
 * | 调试信息 | 更好的异常追踪       | 较弱                       |
 * </pre>
 *
 * <p>(create_task: recommended, takes only a coroutine, always returns a new Task; ensure_future:
 * older API, takes a coroutine, Future or Task, may return the Future it was given.)
 *
 * <h2>The port</h2>
 *
 * <p>{@link EventLoop#createTask(reactor.core.publisher.Mono)} and {@link
 * Asyncio#createTask(reactor.core.publisher.Mono)} are {@code create_task}: they take a {@code
 * Mono} (the type system does asyncio's "only a coroutine" check) and always return a new {@link
 * Task}. There is no public {@code ensureFuture}; its rule lives in {@link
 * EventLoop#runUntilComplete(Mono)}, which is where asyncio itself uses it: a {@link Future} (a
 * {@code Task} included) is awaited as it is, and any other {@code Mono} is first wrapped in a new
 * {@code Task}.
 *
 * <pre>{@code
 * Task<String> task = loop.createTask(fetch(url));
 * loop.runUntilComplete(task);              // the task itself
 * loop.runUntilComplete(fetch(url));        // wrapped: runs as a new Task
 * loop.runUntilComplete(future);            // a plain Future: as is
 * }</pre>
 *
 * <p>On the table's last row: in debug mode every task records where it was created, whichever way
 * it was made; see {@link io.github.asyncio4j.samples.s8.DebugMode}.
 */
public final class EnsureFuture {
  private EnsureFuture() {}

  /**
   * Gives {@code runUntilComplete} a task, a plain {@code Mono} and a plain future.
   *
   * @return what it printed
   */
  public static String run() {
    Transcript out = new Transcript();
    EventLoop loop = Asyncio.newEventLoop();
    try {
      Task<String> task = loop.createTask(fetch("https://example.com"));
      String result = loop.runUntilComplete(task);
      out.say("runUntilComplete(task) awaits that very task: " + result + ", done=" + task.done());

      Task<?> wrapper = loop.runUntilComplete(Mono.fromCallable(() -> Asyncio.currentTask()));
      out.say(
          "runUntilComplete(mono) wraps the Mono in a new Task first: currentTask() inside it is a "
              + (wrapper == null ? "null" : wrapper.getClass().getSimpleName()));

      Future<String> future = loop.createFuture();
      loop.callSoon(() -> future.setResult("set by a callback"));
      out.say(
          "runUntilComplete(future) awaits a plain Future as is: " + loop.runUntilComplete(future));
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
