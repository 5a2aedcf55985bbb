package io.github.asyncio4j.operators;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TaskGroup;
import io.github.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
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
   * @throws CancelledError if the main task was cancelled; its other exceptions are thrown as is,
   *     checked ones wrapped as by Reactor's {@code Exceptions.propagate} (unwrap them with {@code
   *     Exceptions.unwrap})
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

  // ---------------------------------------------------------------- combinators

  /**
   * Runs the awaitables concurrently and collects their results in argument order: asyncio's {@code
   * asyncio.gather(*aws)}. Each {@code Mono} that is not a future becomes a task (the same {@code
   * Mono} given twice becomes one task whose result appears twice); they start when the gather is
   * subscribed, in argument order. The first failure (a cancelled child counts as {@link
   * CancelledError}) fails the gather at once, and the other children keep running, as in asyncio.
   * Cancelling the gather (cancelling the task awaiting it, or a Reactor {@code cancel()}) cancels
   * every unfinished child; it then fails with {@code CancelledError} once all are done. An empty
   * gather completes with an empty list. A future of another loop fails the gather with {@link
   * IllegalArgumentException} before any child starts. Children resume on the loop's thread.
   *
   * @param aws the awaitables
   * @param <T> the result type
   * @return a {@code Mono} of the results; a null entry for an empty {@code Mono}
   * @throws NullPointerException if {@code aws} or one of them is null
   */
  public static <T> Mono<List<T>> gather(List<? extends Mono<? extends T>> aws) {
    return Asyncio.<T>gatherOutcomes(aws, false)
        .map(outcomes -> outcomes.stream().map(Outcome::get).toList());
  }

  /**
   * {@link #gather(List)} with the awaitables as arguments: asyncio's {@code gather(a, b, c)}.
   *
   * @param aws the awaitables
   * @param <T> the result type
   * @return a {@code Mono} of the results in argument order
   */
  @SafeVarargs
  public static <T> Mono<List<T>> gather(Mono<? extends T>... aws) {
    return gather(Arrays.asList(Objects.requireNonNull(aws, "aws")));
  }

  /**
   * Runs the awaitables concurrently and collects every outcome in argument order, failures
   * included: asyncio's {@code asyncio.gather(*aws, return_exceptions=True)}. A failed or cancelled
   * child gives an {@link Outcome.Failure} in its place; nothing fails the gather except cancelling
   * it, which cancels the children and then fails with {@link CancelledError} (bpo-32684). See
   * {@link #gather(List)}.
   *
   * @param aws the awaitables
   * @param <T> the result type
   * @return a {@code Mono} of the outcomes in argument order
   */
  public static <T> Mono<List<Outcome<T>>> gatherReturnExceptions(
      List<? extends Mono<? extends T>> aws) {
    return gatherOutcomes(aws, true);
  }

  @SuppressWarnings("unchecked") // a Mono<? extends T> is read as a Mono<T>: it only produces T
  private static <T> Mono<List<Outcome<T>>> gatherOutcomes(
      List<? extends Mono<? extends T>> aws, boolean returnExceptions) {
    Objects.requireNonNull(aws, "aws");
    List<Mono<T>> given = new ArrayList<>(aws.size());
    for (Mono<? extends T> m : aws) {
      given.add((Mono<T>) Objects.requireNonNull(m, "aws must not contain null"));
    }
    if (given.isEmpty()) {
      return Mono.just(List.of());
    }
    return Mono.deferContextual(
        ctx -> {
          EventLoop loop = EventLoop.running(ctx);
          IdentityHashMap<Mono<T>, Future<T>> ensured = ensureFutures(loop, given);
          List<Future<T>> children = new ArrayList<>(given.size());
          for (Mono<T> m : given) {
            children.add(Objects.requireNonNull(ensured.get(m)));
          }
          GatheringFuture<T> gathering = new GatheringFuture<>(loop, children, returnExceptions);
          return gathering.doOnCancel(gathering::cancel);
        });
  }

  /**
   * asyncio's {@code ensure_future} for each awaitable, once per distinct {@code Mono} (compared by
   * identity, as asyncio's gather and as_completed treat the same coroutine object given twice):
   * the futures as they are, the others as new tasks, started in argument order. A future of
   * another loop is rejected before any task is created, so none is left running unawaited.
   *
   * @return the future of each distinct awaitable, keyed by identity
   * @throws IllegalArgumentException if a future belongs to another loop
   */
  private static <T> IdentityHashMap<Mono<T>, Future<T>> ensureFutures(
      EventLoop loop, List<Mono<T>> aws) {
    IdentityHashMap<Mono<T>, Future<T>> ensured = new IdentityHashMap<>();
    for (Mono<T> m : aws) {
      if (m instanceof Future<T>) {
        ensured.computeIfAbsent(m, loop::ensureFuture); // checks the loop, starts nothing
      }
    }
    for (Mono<T> m : aws) {
      ensured.computeIfAbsent(m, loop::ensureFuture);
    }
    return ensured;
  }

  /** The distinct futures of {@code aws}, in the order of first appearance. */
  private static <T> List<Future<T>> distinctFutures(
      List<Mono<T>> aws, IdentityHashMap<Mono<T>, Future<T>> ensured) {
    Set<Future<T>> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Future<T>> out = new ArrayList<>(ensured.size());
    for (Mono<T> m : aws) {
      Future<T> f = Objects.requireNonNull(ensured.get(m));
      if (distinct.add(f)) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * Waits for the futures without cancelling any: asyncio's {@code asyncio.wait(fs, timeout,
   * return_when)}. It returns the done and pending sets when {@code returnWhen} is met or the
   * timeout passes (a timeout does not fail). Cancelling the wait leaves the futures running.
   *
   * @param fs the futures or tasks (not coroutines: start them as tasks first)
   * @param timeout the longest wait on the loop's clock, or null for none
   * @param returnWhen when to return
   * @param <T> the result type
   * @return a {@code Mono} of the done and pending sets
   * @throws IllegalArgumentException {@code "Set of Tasks/Futures is empty."}
   */
  public static <T> Mono<DoneAndPending<T>> wait(
      Collection<? extends Future<T>> fs, @Nullable Duration timeout, ReturnWhen returnWhen) {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(returnWhen, "returnWhen");
    if (fs.isEmpty()) {
      throw new IllegalArgumentException("Set of Tasks/Futures is empty.");
    }
    Set<Future<T>> set = new LinkedHashSet<>();
    for (Future<T> f : fs) {
      set.add(Objects.requireNonNull(f, "fs must not contain null"));
    }
    return Mono.deferContextual(
        ctx -> {
          EventLoop loop = EventLoop.running(ctx);
          for (Future<T> f : set) {
            if (f.getLoop() != loop) {
              return Mono.error(
                  new IllegalArgumentException("future " + f + " belongs to another loop"));
            }
          }
          return Waiting.await(loop, set, timeout, returnWhen);
        });
  }

  /**
   * Waits until all the futures are done: asyncio's {@code asyncio.wait(fs)}.
   *
   * @param fs the futures or tasks
   * @param <T> the result type
   * @return a {@code Mono} of the done and (empty) pending sets
   * @throws IllegalArgumentException {@code "Set of Tasks/Futures is empty."}
   */
  public static <T> Mono<DoneAndPending<T>> wait(Collection<? extends Future<T>> fs) {
    return wait(fs, null, ReturnWhen.ALL_COMPLETED);
  }

  /**
   * The awaitables' futures in the order they complete: asyncio's {@code asyncio.as_completed}
   * iterated with {@code async for} (Python 3.13: the original futures). {@code Mono}s that are not
   * futures become tasks, started when the {@code Flux} is subscribed; duplicates count once.
   * {@code .concatMap(f -> f)} gives the results, raising each failure in turn. The futures are
   * delivered with the subscriber's demand. If {@code timeout} passes before all completed, the
   * {@code Flux} fails with {@link TimeoutError} after what completed by then, and what completes
   * later is not delivered; once all completed the timeout no longer applies, however slowly they
   * are consumed. Nothing is cancelled, also when the {@code Flux} is cancelled.
   *
   * @param aws the awaitables
   * @param timeout the longest wait, or null for none
   * @param <T> the result type
   * @return a {@code Flux} of futures, each done, in completion order
   */
  public static <T> Flux<Future<T>> asCompleted(
      Collection<? extends Mono<T>> aws, @Nullable Duration timeout) {
    List<Mono<T>> given = new ArrayList<>(Objects.requireNonNull(aws, "aws"));
    for (Mono<T> m : given) {
      Objects.requireNonNull(m, "aws must not contain null");
    }
    return Flux.deferContextual(
        ctx -> {
          EventLoop loop = EventLoop.running(ctx);
          List<Future<T>> fs = distinctFutures(given, ensureFutures(loop, given));
          return Waiting.asCompleted(loop, fs, timeout);
        });
  }

  /**
   * {@link #asCompleted(Collection, Duration)} without a timeout.
   *
   * @param aws the awaitables
   * @param <T> the result type
   * @return a {@code Flux} of futures in completion order
   */
  public static <T> Flux<Future<T>> asCompleted(Collection<? extends Mono<T>> aws) {
    return asCompleted(aws, null);
  }

  /**
   * Protects {@code aw} from cancellation: asyncio's {@code await asyncio.shield(aw)}. {@code aw}
   * runs as a task (a future is used as is; one already done is returned as is); the returned
   * {@code Mono} mirrors its outcome. Cancelling the task that awaits the shield raises {@link
   * CancelledError} there while the inner task keeps running; if the inner task is cancelled by
   * other means, the shield is cancelled too. A Reactor {@code cancel()} of the shield is asyncio's
   * {@code outer.cancel()}: the inner task keeps running too. Keep a reference to the inner task if
   * you need its result after cancelling: once nobody awaits it, a failure of it is reported as
   * never retrieved (asyncio's retrieval gap). The inner task starts when the shield is subscribed.
   *
   * @param aw the work to protect
   * @param <T> the result type
   * @return a {@code Mono} of {@code aw}'s outcome
   */
  public static <T> Mono<T> shield(Mono<T> aw) {
    Objects.requireNonNull(aw, "aw");
    return Mono.deferContextual(ctx -> Waiting.shield(EventLoop.running(ctx), aw));
  }

  /**
   * A timeout {@code delay} from when it is entered: asyncio's {@code asyncio.timeout(delay)}.
   * Enter it with {@link Timeout#wrap(Mono)} inside a task.
   *
   * @param delay how long the wrapped work may take; null for no deadline, zero or negative for one
   *     already passed
   * @return a new, not entered timeout
   */
  public static Timeout timeout(@Nullable Duration delay) {
    return Timeout.after(delay);
  }

  /**
   * Runs {@code body} with a deadline {@code delay} away: asyncio's {@code async with
   * asyncio.timeout(delay): return await body}. See {@link Timeout}.
   *
   * @param delay the time allowed; null for none
   * @param body the work
   * @param <T> the result type
   * @return {@code body}'s outcome, or {@link TimeoutError}
   */
  public static <T> Mono<T> timeout(@Nullable Duration delay, Mono<T> body) {
    Objects.requireNonNull(body, "body");
    return Mono.defer(() -> Timeout.after(delay).wrap(body));
  }

  /**
   * Runs {@code body} with a deadline {@code seconds} away: asyncio's {@code async with
   * asyncio.timeout(5.0)}. See {@link #timeout(Duration, Mono)}.
   *
   * @param seconds the time allowed, in seconds
   * @param body the work
   * @param <T> the result type
   * @return {@code body}'s outcome, or {@link TimeoutError}
   * @throws IllegalArgumentException if {@code seconds} is NaN
   */
  public static <T> Mono<T> timeout(double seconds, Mono<T> body) {
    return timeout(secondsToDuration(seconds, "seconds"), body);
  }

  /**
   * Awaits {@code aw} for at most {@code seconds}: asyncio's {@code asyncio.wait_for(aw,
   * timeout=5.0)}. See {@link #waitFor(Mono, Duration)}.
   *
   * @param aw the work
   * @param seconds the time allowed, in seconds
   * @param <T> the result type
   * @return {@code aw}'s outcome, or {@link TimeoutError}
   * @throws IllegalArgumentException if {@code seconds} is NaN
   */
  public static <T> Mono<T> waitFor(Mono<T> aw, double seconds) {
    return waitFor(aw, secondsToDuration(seconds, "timeout"));
  }

  private static Duration secondsToDuration(double seconds, String name) {
    if (Double.isNaN(seconds)) {
      throw new IllegalArgumentException(name + " must be a number but it was NaN");
    }
    if (seconds >= Long.MAX_VALUE / 1e9) {
      return Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L);
    }
    if (seconds <= Long.MIN_VALUE / 1e9) {
      return Duration.ofSeconds(Long.MIN_VALUE / 1_000_000_000L);
    }
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  /**
   * A timeout at an absolute time on the loop's clock: asyncio's {@code asyncio.timeout_at(when)}.
   *
   * @param when the deadline in seconds ({@link EventLoop#time()}), or null for none
   * @return a new, not entered timeout
   */
  public static Timeout timeoutAt(@Nullable Double when) {
    if (when != null && when.isNaN()) {
      throw new IllegalArgumentException("when must be a number but it was NaN");
    }
    return Timeout.at(when);
  }

  /**
   * Awaits {@code aw} for at most {@code timeout}: asyncio's {@code asyncio.wait_for(aw, timeout)}
   * (Python 3.12+). A {@code Mono} runs in the caller's task, under a {@link Timeout}: on expiry it
   * is cancelled, its clean-up is awaited, and {@link TimeoutError} is raised (its cause the {@link
   * CancelledError}), unless it suppressed the cancellation and returned a value, which is
   * returned. A cancellation from outside stays a {@link CancelledError}. With a timeout of zero or
   * less, a done future gives its result; a pending future is cancelled and awaited, then gives its
   * outcome, {@code TimeoutError} if it ended cancelled; and a {@code Mono} that is not a future
   * never starts. Must be awaited inside a task unless {@code timeout} is null.
   *
   * @param aw the work
   * @param timeout the time allowed, or null to wait as long as it takes
   * @param <T> the result type
   * @return {@code aw}'s outcome, or {@link TimeoutError}
   */
  public static <T> Mono<T> waitFor(Mono<T> aw, @Nullable Duration timeout) {
    Objects.requireNonNull(aw, "aw");
    if (timeout == null) {
      return aw;
    }
    if (timeout.isNegative() || timeout.isZero()) {
      return Mono.deferContextual(
          ctx -> {
            if (!(aw instanceof Future<T> f)) {
              // A coroutine given no time never starts: asyncio wraps it in a task and cancels
              // that before its first step.
              return Mono.error(new TimeoutError(null, new CancelledError()));
            }
            if (f.done()) {
              return f;
            }
            // asyncio's _cancel_and_wait(fut): a cancel of the caller meanwhile is the caller's,
            // and must not come out as a TimeoutError. It shows in the caller's cancel count.
            Task<?> caller = ctx.getOrDefault(Task.class, null);
            int before = caller != null ? caller.cancelling() : 0;
            f.cancel();
            return f.onErrorMap(
                CancelledError.class,
                e ->
                    caller != null && caller.cancelling() > before ? e : new TimeoutError(null, e));
          });
    }
    return timeout(timeout, aw);
  }

  /**
   * Runs {@code body} in a new task group: asyncio's {@code async with asyncio.TaskGroup() as tg}.
   * See {@link TaskGroup#run(Function)}.
   *
   * @param body makes the body from the group
   * @param <T> the body's result type
   * @return the body's result once every task of the group ended, or {@link
   *     io.github.asyncio4j.ExceptionGroup}
   */
  public static <T> Mono<T> taskGroup(Function<? super TaskGroup, ? extends Mono<T>> body) {
    return TaskGroup.run(body);
  }
}
