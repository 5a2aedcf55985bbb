package io.github.asyncio4j.samples.porting;

import static io.github.asyncio4j.samples.Fetch.fetch;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.operators.Asyncio;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/** The porting guide's Java for the asyncio guide's section 8, debugging. */
public final class Section8Debugging {
  private Section8Debugging() {}

  // [debug-mode]
  static void debugMode(Mono<Void> main) {
    Asyncio.run(main, true); // asyncio.run(main(), debug=True)
    // PYTHONASYNCIODEBUG=1: ASYNCIO4J_DEBUG=1 java ..., or java -Dasyncio4j.debug=true ...
    EventLoop loop = EventLoop.newEventLoop(); // not get_event_loop(): make one, or run
    try {
      loop.setDebug(true); // loop.set_debug(True)
      loop.setSlowCallbackDuration(Duration.ofMillis(100)); // slow_callback_duration
      loop.runUntilComplete(main);
    } finally {
      loop.close();
    }
  }

  // [/debug-mode]

  // [debug-tasks]
  static Mono<List<String>> debugTasks() {
    return Mono.fromCallable(
        () -> {
          List<String> lines = new ArrayList<>();
          for (Task<?> task : Asyncio.allTasks()) { // asyncio.all_tasks()
            lines.add(
                task.getName()
                    + ": "
                    + task.getCoro()
                    + " done="
                    + task.done()
                    + " cancelled="
                    + task.cancelled());
          }
          return lines;
        });
  }

  static Mono<List<String>> namedTask() {
    return Mono.defer(
        () -> {
          Task<String> task = Asyncio.createTask(fetch("https://api1.com"), "fetch-api-1");
          return debugTasks().flatMap(lines -> task.thenReturn(lines));
        });
  }
  // [/debug-tasks]
}
