package io.github.asyncio4j.operators;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The {@code asyncio} module in Java: its functions in camelCase, for {@code import static
 * io.github.asyncio4j.operators.Asyncio.*}. Functions that need a loop find it in the calling
 * chain's Reactor context (inside a task) or as the loop running on the calling thread, as
 * asyncio's {@code get_running_loop()} does; where they return a {@code Mono}, they find it when
 * subscribed.
 */
public final class Asyncio {
  private Asyncio() {}

  /**
   * Runs {@code main} on a new event loop on the calling thread and returns its result: asyncio's
   * {@code asyncio.run(main())}. When {@code main} is done, the tasks still pending are cancelled
   * and awaited (their clean-up runs; errors other than cancellation go to the loop's exception
   * handler as {@code "unhandled exception during asyncio.run() shutdown"}), the default executor
   * is shut down, and the loop is closed.
   *
   * @param main the coroutine to run as the main task
   * @param <T> the result type
   * @return the main task's result; {@code null} for an empty {@code Mono}
   * @throws IllegalStateException {@code "asyncio.run() cannot be called from a running event
   *     loop"}
   * @throws CancelledError if the main task was cancelled; its other exceptions are thrown as is
   */
  public static <T> @Nullable T run(Mono<T> main) {
    return run(main, EventLoop.debugDefault());
  }

  /**
   * Runs {@code main} as {@link #run(Mono)} does, with debug mode on or off: asyncio's {@code
   * asyncio.run(main(), debug=debug)}.
   *
   * @param main the coroutine to run as the main task
   * @param debug whether the loop runs in debug mode
   * @param <T> the result type
   * @return the main task's result
   */
  public static <T> @Nullable T run(Mono<T> main, boolean debug) {
    return run(main, debug, EventLoop::newEventLoop);
  }

  /**
   * Runs {@code main} as {@link #run(Mono)} does, on a loop made by {@code loopFactory}: asyncio's
   * {@code asyncio.run(main(), loop_factory=...)} (Python 3.12+), for example {@code
   * VirtualTimeEventLoop::create} in tests.
   *
   * @param main the coroutine to run as the main task
   * @param debug whether the loop runs in debug mode
   * @param loopFactory makes the new, not running loop; it is closed afterwards
   * @param <T> the result type
   * @return the main task's result
   */
  public static <T> @Nullable T run(
      Mono<T> main, boolean debug, Supplier<? extends EventLoop> loopFactory) {
    Objects.requireNonNull(main, "main");
    Objects.requireNonNull(loopFactory, "loopFactory");
    if (EventLoop.runningOrNull() != null) {
      throw new IllegalStateException("asyncio.run() cannot be called from a running event loop");
    }
    EventLoop loop = Objects.requireNonNull(loopFactory.get(), "loopFactory.get()");
    loop.setDebug(debug);
    try {
      return loop.runUntilComplete(main);
    } finally {
      try {
        cancelAllTasks(loop);
      } finally {
        loop.close();
      }
    }
  }

  /** asyncio's {@code runners._cancel_all_tasks}: cancel, await, report what failed. */
  private static void cancelAllTasks(EventLoop loop) {
    List<Task<?>> pending = loop.allTasks();
    if (pending.isEmpty()) {
      return;
    }
    for (Task<?> t : pending) {
      t.cancel();
    }
    List<Mono<Void>> all = new ArrayList<>(pending.size());
    for (Task<?> t : pending) {
      all.add(t.then().onErrorResume(e -> Mono.empty()));
    }
    loop.runUntilComplete(Mono.when(all));
    for (Task<?> t : pending) {
      if (!t.cancelled() && t.exception() != null) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("message", "unhandled exception during asyncio.run() shutdown");
        context.put("exception", Objects.requireNonNull(t.exception()));
        context.put("task", t);
        loop.callExceptionHandler(context);
      }
    }
  }

  /**
   * The loop running on the calling thread: asyncio's {@code asyncio.get_running_loop()}.
   *
   * @return the running loop
   * @throws IllegalStateException {@code "no running event loop"}
   */
  public static EventLoop getRunningLoop() {
    return EventLoop.running();
  }

  /**
   * A new event loop: asyncio's {@code asyncio.new_event_loop()}.
   *
   * @return a new loop, not running
   */
  public static EventLoop newEventLoop() {
    return EventLoop.newEventLoop();
  }

  /**
   * Starts {@code coroutine} as a task on the running loop: asyncio's {@code
   * asyncio.create_task(coro)}. See {@link EventLoop#createTask(Mono)}.
   *
   * @param coroutine the work
   * @param <T> the result type
   * @return the task
   * @throws IllegalStateException {@code "no running event loop"}
   */
  public static <T> Task<T> createTask(Mono<T> coroutine) {
    return EventLoop.running().createTask(coroutine);
  }

  /**
   * Starts {@code coroutine} as a task named {@code name}: asyncio's {@code
   * asyncio.create_task(coro, name=name)}.
   *
   * @param coroutine the work
   * @param name the task's name
   * @param <T> the result type
   * @return the task
   * @throws IllegalStateException {@code "no running event loop"}
   */
  public static <T> Task<T> createTask(Mono<T> coroutine, @Nullable String name) {
    return EventLoop.running().createTask(coroutine, name);
  }

  /**
   * A future for {@code awaitable} on the running loop: asyncio's {@code asyncio.ensure_future}.
   * See {@link EventLoop#ensureFuture(Mono)}.
   *
   * @param awaitable a future, a task or a coroutine
   * @param <T> the result type
   * @return the future itself, or a new task running the coroutine
   * @throws IllegalStateException {@code "no running event loop"}
   */
  public static <T> Future<T> ensureFuture(Mono<T> awaitable) {
    return EventLoop.running().ensureFuture(awaitable);
  }

  /**
   * The running task: asyncio's {@code asyncio.current_task()}.
   *
   * @return the task whose step runs now, or null in a plain callback
   * @throws IllegalStateException {@code "no running event loop"}
   */
  public static @Nullable Task<?> currentTask() {
    return EventLoop.running().currentTask();
  }

  /**
   * The running loop's pending tasks: asyncio's {@code asyncio.all_tasks()}.
   *
   * @return a snapshot of the tasks not done
   * @throws IllegalStateException {@code "no running event loop"}
   */
  public static List<Task<?>> allTasks() {
    return EventLoop.running().allTasks();
  }

  /**
   * Sleeps for {@code delay} on the loop's clock: asyncio's {@code asyncio.sleep(delay)}. The loop
   * is the awaiting task's (or the loop running where it is subscribed). See {@link
   * EventLoop#sleep(Duration)}.
   *
   * @param delay how long
   * @return an empty {@code Mono} completing after the delay
   */
  public static Mono<Void> sleep(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    return Mono.deferContextual(ctx -> EventLoop.running(ctx).sleep(delay));
  }

  /**
   * Sleeps for {@code seconds}: asyncio's {@code asyncio.sleep(seconds)}.
   *
   * @param seconds how long
   * @return an empty {@code Mono} completing after the delay
   * @throws IllegalArgumentException {@code "Invalid delay: NaN (not a number)"}
   */
  public static Mono<Void> sleep(double seconds) {
    if (Double.isNaN(seconds)) {
      throw new IllegalArgumentException("Invalid delay: NaN (not a number)");
    }
    return Mono.deferContextual(ctx -> EventLoop.running(ctx).sleep(seconds));
  }

  /**
   * Sleeps, then completes with {@code result}: asyncio's {@code asyncio.sleep(delay, result)}.
   *
   * @param delay how long
   * @param result the value to complete with
   * @param <T> the result type
   * @return a {@code Mono} of {@code result} after the delay
   */
  public static <T> Mono<T> sleep(Duration delay, T result) {
    Objects.requireNonNull(delay, "delay");
    return Mono.deferContextual(ctx -> EventLoop.running(ctx).sleep(delay, result));
  }

  /**
   * Runs blocking {@code fn} on the running loop's default executor: asyncio's {@code
   * asyncio.to_thread(fn)}.
   *
   * @param fn the blocking work
   * @param <T> the result type
   * @return a {@code Mono} of the result, resumed on the loop
   */
  public static <T> Mono<T> toThread(Callable<? extends T> fn) {
    Objects.requireNonNull(fn, "fn");
    return Mono.deferContextual(ctx -> EventLoop.running(ctx).<T>toThread(fn));
  }

  /**
   * Submits {@code coroutine} to {@code loop} from any thread: asyncio's {@code
   * asyncio.run_coroutine_threadsafe(coro, loop)}. See {@link EventLoop#submit(Mono)}.
   *
   * @param coroutine the work
   * @param loop the loop to run it on
   * @param <T> the result type
   * @return a future of the task's result; cancelling it cancels the task
   */
  public static <T> CompletableFuture<T> runCoroutineThreadsafe(Mono<T> coroutine, EventLoop loop) {
    Objects.requireNonNull(loop, "loop");
    return loop.submit(coroutine);
  }

  /**
   * Wraps a {@link CompletionStage} as a future of the running loop: asyncio's {@code
   * asyncio.wrap_future}. See {@link EventLoop#wrapFuture(CompletionStage)}.
   *
   * @param stage the foreign result
   * @param <T> the result type
   * @return a future completed on the loop
   */
  public static <T> Future<T> wrapFuture(CompletionStage<? extends T> stage) {
    return EventLoop.running().wrapFuture(stage);
  }
}
