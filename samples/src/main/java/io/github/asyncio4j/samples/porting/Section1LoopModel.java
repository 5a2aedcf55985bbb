package io.github.asyncio4j.samples.porting;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.operators.Asyncio;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;

/** The porting guide's Java for the asyncio guide's section 1, the loop's model. */
public final class Section1LoopModel {
  private Section1LoopModel() {}

  // [loop-model]
  static Mono<List<String>> loopModel() {
    List<String> log = new CopyOnWriteArrayList<>();
    return Mono.defer(
        () -> {
          EventLoop loop = Asyncio.getRunningLoop();
          loop.callSoon(() -> log.add("callback")); // ready at the next iteration
          Task<Void> task =
              Asyncio.createTask(
                  Mono.fromRunnable(() -> log.add("task: step 1")) // runs up to its first await
                      .then(Asyncio.sleep(0)) // await: hands the thread back to the loop
                      .then(Mono.fromRunnable(() -> log.add("task: step 2")))); // a later iteration
          log.add("main: nothing else has run yet");
          return task.thenReturn(log); // await task
        });
  }
  // [/loop-model]
}
