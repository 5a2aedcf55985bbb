package io.github.asyncio4j.samples.porting;

import static io.github.asyncio4j.samples.Fetch.fetch;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.operators.Asyncio;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** The porting guide's Java for "Where Java and Reactor differ, and what to do instead". */
public final class Differences {
  private Differences() {}

  static Mono<Void> longRunning() {
    return Asyncio.sleep(0.8).repeat().then();
  }

  static Mono<Void> cleanup() {
    return Asyncio.sleep(0.5);
  }

  // [catch-does-not-work]
  static Mono<Void> wrong() {
    try {
      return longRunning(); // only builds the chain: nothing has run yet
    } catch (CancelledError e) { // never reached: the cancellation comes later, as onError
      return cleanup();
    }
  }

  // [/catch-does-not-work]

  // [catch-in-the-chain]
  static Mono<Void> right() {
    return longRunning()
        .onErrorResume(
            CancelledError.class, // except CancelledError:
            e -> cleanup().then(Mono.error(e))); // await cleanup(); raise
  }

  // [/catch-in-the-chain]

  // [task-is-a-mono]
  static Mono<String> taskIsAMono() {
    return Mono.defer(
        () -> {
          Task<String> task = Asyncio.createTask(fetch("https://example.com")); // runs once
          return task.zipWith(task, (a, b) -> a + " = " + b); // awaited twice: one result
        });
  }

  static Mono<String> monoIsCold() {
    Mono<String> coro = fetch("https://example.com"); // a recipe, like a coroutine object
    return coro.zipWith(coro, (a, b) -> a + " = " + b); // subscribed twice: fetched twice
  }

  // [/task-is-a-mono]

  // [laziness]
  static Mono<Void> laziness() {
    return Mono.fromRunnable(
        () -> {
          fetch("https://example.com"); // never runs, and no "never awaited" warning either
          Asyncio.createTask(fetch("https://example.com")); // eager: starts next iteration
        });
  }

  // [/laziness]

  // [wrap]
  static Mono<String> foreign() {
    return Mono.defer(
        () -> {
          EventLoop loop = Asyncio.getRunningLoop();
          Mono<Long> delay = Mono.delay(Duration.ofMillis(10)); // signals on Reactor's parallel()
          return loop.wrap(delay) // resumes on the loop's thread; a cancel arrives as onError
              .map(tick -> Thread.currentThread().getName());
        });
  }

  // [/wrap]

  // [blocking]
  static Mono<String> blocking(Path path) {
    // never Files.readString(path) on the loop's thread: one blocked call stalls every task
    return Asyncio.toThread(() -> Files.readString(path)); // asyncio.to_thread(...)
  }
  // [/blocking]
}
