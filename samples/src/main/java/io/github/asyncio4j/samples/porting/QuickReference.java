package io.github.asyncio4j.samples.porting;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Semaphore;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.operators.Asyncio;
import java.util.List;
import java.util.concurrent.Callable;
import reactor.core.publisher.Mono;

/**
 * The asyncio guide's section 10, its quick-reference table, in Java: every expression of the
 * porting guide's table is here, so that it compiles.
 */
public final class QuickReference {
  private QuickReference() {}

  static String run(Mono<String> main) {
    return Asyncio.run(main); // asyncio.run(main())
  }

  static Mono<List<String>> insideATask(
      Mono<String> coro,
      List<Mono<String>> tasks,
      Mono<String> body,
      Callable<String> func,
      int n) {
    return Mono.defer(
        () -> {
          Task<String> task = Asyncio.createTask(coro); // asyncio.create_task(coro)
          Mono<List<String>> all = Asyncio.gather(tasks); // await asyncio.gather(*tasks)
          Mono<String> limited = Asyncio.timeout(5.0, body); // async with asyncio.timeout(5.0):
          task.cancel(); // task.cancel()
          Mono<Void> nap = Asyncio.sleep(1.0); // await asyncio.sleep(1.0)
          EventLoop loop = Asyncio.getRunningLoop(); // asyncio.get_running_loop()
          Future<String> blocking = loop.runInExecutor(func); // loop.run_in_executor(None, func)
          Mono<String> threaded = Asyncio.toThread(func); // asyncio.to_thread(func)
          Semaphore sem = new Semaphore(n); // asyncio.Semaphore(n)
          Mono<String> capped = sem.withPermit(body); // async with sem:
          List<Task<?>> pending = Asyncio.allTasks(); // asyncio.all_tasks()
          return nap.then(all);
        });
  }
}
