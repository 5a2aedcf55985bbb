package io.github.asyncio4j.samples.porting;

import static io.github.asyncio4j.samples.Fetch.fetch;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Queue;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.operators.Outcome;
import io.github.asyncio4j.operators.RateLimiter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The porting guide's Java for the asyncio guide's section 6, patterns and practice. */
public final class Section6Patterns {
  private Section6Patterns() {}

  // [gather]
  static Mono<List<Outcome<String>>> gather() {
    // gather(..., return_exceptions=True): each slot an Outcome, a result or an exception
    return Asyncio.gatherReturnExceptions(
        List.of(fetch("https://api1.com"), fetch("https://api2.com"), fetch("https://api3.com")));
  }

  static Mono<List<String>> gatherStrict() {
    // gather(...): the first exception fails it, and the others keep running
    return Asyncio.gather(
        fetch("https://api1.com"), fetch("https://api2.com"), fetch("https://api3.com"));
  }

  // [/gather]

  static Mono<String> slowOperation() {
    return Asyncio.sleep(10.0).thenReturn("slow result");
  }

  static Mono<Void> cleanupCoro() {
    return Asyncio.sleep(1.0);
  }

  // [timeout]
  static Mono<String> timeoutBlock() {
    return Asyncio.timeout(Duration.ofSeconds(5), slowOperation()); // async with timeout(5.0):
  }

  static Mono<String> waitForOrMessage() {
    return Asyncio.waitFor(slowOperation(), 5.0) // await wait_for(slow_operation(), timeout=5.0)
        .onErrorResume(TimeoutError.class, e -> Mono.just("Operation timed out"));
  }

  static Mono<Void> robustOperation() {
    return Asyncio.waitFor(slowOperation(), 5.0)
        .then()
        // except TimeoutError: await shield(cleanup_coro()) -- awaited, not "with shield(...)"
        .onErrorResume(TimeoutError.class, e -> Asyncio.shield(cleanupCoro()));
  }

  // [/timeout]

  static Mono<Void> doWork() {
    return Asyncio.sleep(0.8);
  }

  static Mono<Void> cleanup() {
    return Asyncio.sleep(0.5);
  }

  // [cancel]
  static Mono<Void> longRunning() {
    return doWork()
        .repeat() // while True: await do_work()
        .then()
        .onErrorResume(
            CancelledError.class, // except asyncio.CancelledError:
            e -> cleanup().then(Mono.error(e))); // await cleanup(); raise
  }

  static Mono<String> cancelMain() {
    return Mono.defer(
        () -> {
          Task<Void> task = Asyncio.createTask(longRunning());
          return Asyncio.sleep(3.0)
              .then(
                  Mono.defer(
                      () -> {
                        task.cancel(); // a request: the task sees CancelledError where it waits
                        return task; // await task
                      }))
              .thenReturn("not cancelled?!")
              .onErrorResume(CancelledError.class, e -> Mono.just("Task was cancelled"));
        });
  }

  // [/cancel]

  static Mono<Void> process(String item) {
    return Asyncio.sleep(0.25);
  }

  // [producer-consumer]
  static Mono<Void> producer(Queue<Optional<String>> queue) {
    return Flux.range(0, 10) // for i in range(10):
        .concatMap(i -> Asyncio.sleep(0.1).then(queue.put(Optional.of("item-" + i))))
        .then(queue.put(Optional.empty())); // the sentinel: None is Optional.empty()
  }

  static Mono<Void> consumer(Queue<Optional<String>> queue) {
    return queue
        .get() // item = await queue.get()
        .flatMap(
            item ->
                item.isEmpty()
                    ? Mono.fromRunnable(queue::taskDone).thenReturn(false) // task_done(); break
                    : process(item.get()).then(Mono.fromRunnable(queue::taskDone)).thenReturn(true))
        .repeat() // while True:
        .takeWhile(goOn -> goOn)
        .then();
  }

  static Mono<Void> producerConsumer() {
    return Mono.defer(
        () -> {
          Queue<Optional<String>> queue = new Queue<>(5);
          return Asyncio.gather(producer(queue), consumer(queue)).then();
        });
  }

  // [/producer-consumer]

  // [rate-limit]
  static <T> Mono<List<T>> rateLimited(List<Mono<T>> tasks, double rate) {
    return Mono.defer(
        () -> {
          // what the guide meant: at most `rate` starts a second (a token bucket, burst 1)
          RateLimiter limiter = RateLimiter.of(rate, Duration.ofSeconds(1), 1);
          return Asyncio.gather(tasks.stream().map(task -> limiter.acquire().then(task)).toList());
        });
  }
  // [/rate-limit]
}
