package io.github.asyncio4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import reactor.core.publisher.Mono;

/**
 * The vocabulary of the primitives' deterministic tests: a test is the main coroutine of one {@code
 * runUntilComplete} on a {@link VirtualTimeEventLoop}, written as a flat script the way CPython's
 * {@code test_locks.py} writes its test bodies:
 *
 * <pre>{@code
 * t1 = asyncio.create_task(c1())      spawn("t1", c1())
 * await asyncio.sleep(0)              yield0()
 * self.assertEqual([], result)        step(() -> assertThat(result).isEmpty())
 * await t1                            join("t1")
 * }</pre>
 *
 * <p>An assertion that fails inside the script fails the main task, and so the test.
 */
abstract class PrimitiveScript {
  private static final double WATCHDOG_SECONDS = 1e6;

  final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();

  /** The ordered event log of the test; only the loop's thread writes it. */
  final List<String> log = new ArrayList<>();

  private final Map<String, Task<?>> tasks = new HashMap<>();

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  /**
   * Runs {@code main}, built when the loop starts, to completion; returns its result. A watchdog
   * far beyond any test's virtual horizon turns a task left waiting forever (a lost wake-up) into
   * "Event loop stopped before Future completed." instead of a parked test thread.
   */
  <T> T run(Supplier<Mono<T>> main) {
    TimerHandle watchdog = loop.callLater(WATCHDOG_SECONDS, loop::stop);
    try {
      return loop.runUntilComplete(Mono.defer(main));
    } finally {
      watchdog.cancel();
    }
  }

  /** asyncio's {@code await asyncio.sleep(0)}: resume after every callback already queued. */
  Mono<Void> yield0() {
    return loop.sleep(0);
  }

  /** Plain code at this point of the script. */
  static Mono<Void> step(Runnable r) {
    return Mono.fromRunnable(r);
  }

  /** Appends {@code event} to the log at this point of the script. */
  Mono<Void> note(String event) {
    return step(() -> log.add(event));
  }

  /** {@code name = asyncio.create_task(body)} at this point of the script. */
  Mono<Void> spawn(String name, Mono<?> body) {
    return step(() -> tasks.put(name, loop.createTask(body, name)));
  }

  /** The task spawned as {@code name}. */
  @SuppressWarnings("unchecked") // each test knows what its tasks return
  <T> Task<T> task(String name) {
    return (Task<T>) Objects.requireNonNull(tasks.get(name), name);
  }

  /** {@code name.cancel()} at this point of the script. */
  Mono<Void> cancel(String name) {
    return step(() -> task(name).cancel());
  }

  /**
   * {@code try: await name except CancelledError: log}: awaits the task; a cancelled one logs
   * {@code "<name> cancelled"}, any other failure fails the script.
   */
  Mono<Void> join(String name) {
    return Mono.defer(() -> task(name))
        .then()
        .onErrorResume(CancelledError.class, e -> note(name + " cancelled"));
  }

  /** {@code body}, logging {@code "<who> sees CancelledError"} when one passes through it. */
  <T> Mono<T> seeingCancel(String who, Mono<T> body) {
    return body.onErrorResume(
        CancelledError.class, e -> note(who + " sees CancelledError").then(Mono.error(e)));
  }
}
