package io.github.asyncio4j.samples.porting;

import static io.github.asyncio4j.samples.Fetch.fetch;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.operators.Asyncio;
import java.util.List;
import reactor.core.publisher.Mono;

/** The porting guide's Java for the asyncio guide's section 3, tasks and futures. */
public final class Section3Tasks {
  private Section3Tasks() {}

  // [create-task]
  static Mono<String> createTask() {
    return Mono.defer(
        () -> {
          // way 1: asyncio.create_task(fetch(...))
          Task<String> task = Asyncio.createTask(fetch("https://example.com"));
          // way 2: asyncio.get_running_loop().create_task(fetch(...))
          EventLoop loop = Asyncio.getRunningLoop();
          Task<String> task2 = loop.createTask(fetch("https://example.com"));
          return task.then(task2); // result = await task; await task2
        });
  }

  // [/create-task]

  // [ensure-future]
  static Mono<String> ensureFuture(Task<String> running) {
    Future<String> same = Asyncio.ensureFuture(running); // a Future or Task is returned as is
    Future<String> wrapped = Asyncio.ensureFuture(fetch("https://example.com")); // a Mono: a task
    return same.then(wrapped);
  }

  // [/ensure-future]

  // [task-group]
  static Mono<List<String>> taskGroup() {
    return Asyncio.taskGroup( // async with asyncio.TaskGroup() as tg:
            tg ->
                Mono.just(
                    List.of(
                        tg.createTask(fetch("https://api1.com")),
                        tg.createTask(fetch("https://api2.com")),
                        tg.createTask(fetch("https://api3.com")))))
        // after the block every task is done: print(task1.result(), ...)
        .map(tasks -> tasks.stream().map(Task::result).toList());
  }

  // [/task-group]

  // [future]
  static Mono<String> future() {
    return Mono.defer(
        () -> {
          EventLoop loop = Asyncio.getRunningLoop();
          Future<String> future = loop.createFuture(); // loop.create_future()
          loop.callLater(1.0, () -> future.setResult("Done!")); // call_later(1.0, set_result, ...)
          return future; // result = await future
        });
  }
  // [/future]
}
