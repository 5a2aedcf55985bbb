package io.github.asyncio4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;

/**
 * Structured concurrency: asyncio's {@code asyncio.TaskGroup} (Python 3.11+). {@link #run} plays
 * {@code async with TaskGroup() as tg:}: the body creates tasks with {@link #createTask(Mono)}, and
 * the group ends only when the body and every task have ended.
 *
 * <pre>{@code
 * Mono<List<String>> all = TaskGroup.run(tg -> {
 *     Task<String> t1 = tg.createTask(fetch("https://api1.com"));
 *     Task<String> t2 = tg.createTask(fetch("https://api2.com"));
 *     return Mono.fromSupplier(() -> List.of(t1.result(), t2.result()));  // runs after both
 * }).then(...);
 * }</pre>
 *
 * <h2>What happens on failure (asyncio's G3–G5, Python 3.13)</h2>
 *
 * <ul>
 *   <li>The first task to fail with an exception other than {@link CancelledError} aborts the
 *       group: every other task is cancelled, and the parent task (the one running {@code run}) is
 *       cancelled once, which interrupts the body where it waits. The group still waits for every
 *       task, then takes back its own cancellation of the parent ({@code uncancel()}).
 *   <li>It then fails with {@link ExceptionGroup} {@code "unhandled errors in a TaskGroup"} holding
 *       the tasks' exceptions in completion order, then the body's own exception if it had one. A
 *       task's cancellation is never an error. A JVM-fatal error (Python's {@code BaseException}
 *       such as {@code SystemExit}) is re-thrown bare.
 *   <li>If the parent is cancelled from outside, the tasks are cancelled and awaited, and {@link
 *       CancelledError} propagates, unless tasks failed: their errors win. The parent's {@link
 *       Task#cancelling()} count is kept.
 * </ul>
 *
 * <p>The body runs in the parent task, on the loop's thread; a body that waits on a foreign
 * publisher is still interrupted, through {@link EventLoop#wrap}. Tasks see the parent's Reactor
 * context. A Reactor {@code cancel()} of the group's {@code Mono} cancels its tasks without
 * waiting, and takes back the group's own cancellation of the parent; errors the group holds then,
 * and those of tasks failing later, go to the loop's exception handler, as those of a task failing
 * after its parent task ended do. The group object is loop-only.
 */
public final class TaskGroup {
  /*
   * Lifecycle: ENTERED (body running) -> EXITING (waiting for tasks) -> FINISHED.
   * 'aborting' is set once the tasks were told to cancel; no new task may join after it.
   */
  private enum State {
    ENTERED,
    EXITING,
    FINISHED
  }

  private final Task<?> parent;
  private final EventLoop loop;
  private final Set<Task<?>> tasks = new LinkedHashSet<>();
  private final List<Throwable> errors = new ArrayList<>();
  private State state = State.ENTERED;
  private boolean aborting;
  private boolean parentCancelRequested;

  /** The group's Mono was cancelled by Reactor: nobody will raise the tasks' errors. */
  private boolean abandoned;

  private @Nullable Throwable baseError;
  private @Nullable Future<Void> onCompleted;
  private @Nullable Throwable propagateCancellation;

  private TaskGroup(Task<?> parent) {
    this.parent = parent;
    this.loop = parent.getLoop();
  }

  /**
   * Runs {@code body} as the body of a new task group: asyncio's {@code async with TaskGroup() as
   * tg: body}. Subscribing enters the group; it must happen inside a task (the parent).
   *
   * @param body makes the body from the group; it may create tasks right away or later
   * @param <T> the body's result type
   * @return the body's result, once every task of the group has ended; or {@link ExceptionGroup},
   *     {@link CancelledError}, a JVM-fatal error, or {@code IllegalStateException("TaskGroup
   *     cannot determine the parent task")} outside a task
   */
  public static <T> Mono<T> run(Function<? super TaskGroup, ? extends Mono<T>> body) {
    Objects.requireNonNull(body, "body");
    return Mono.deferContextual(
        ctx -> {
          Task<?> parent = ctx.getOrDefault(Task.class, null);
          if (parent == null) {
            return Mono.error(
                new IllegalStateException("TaskGroup cannot determine the parent task"));
          }
          TaskGroup tg = new TaskGroup(parent);
          Mono<T> b;
          try {
            b = Objects.requireNonNull(body.apply(tg), "body returned null");
          } catch (Throwable e) {
            Exceptions.throwIfJvmFatal(e);
            b = Mono.error(e);
          }
          return tg.loop.<T>wrap(b).materialize().flatMap(tg::exit).doOnCancel(tg::abandon);
        });
  }

  /**
   * Starts a task in the group: asyncio's {@code tg.create_task(coro)}. Allowed while the body runs
   * and while the group waits for its tasks, as long as it is not aborting. Loop-only.
   *
   * @param coroutine the work
   * @param <T> the result type
   * @return the task
   * @throws IllegalStateException if the group {@code is finished} or {@code is shutting down}
   */
  public <T> Task<T> createTask(Mono<T> coroutine) {
    return createTask(coroutine, null);
  }

  /**
   * Starts a named task in the group: asyncio's {@code tg.create_task(coro, name=name)}.
   *
   * @param coroutine the work
   * @param name the task's name, or null for {@code Task-N}
   * @param <T> the result type
   * @return the task
   * @throws IllegalStateException if the group {@code is finished} or {@code is shutting down}
   */
  public <T> Task<T> createTask(Mono<T> coroutine, @Nullable String name) {
    Objects.requireNonNull(coroutine, "coroutine");
    if (state == State.FINISHED) {
      throw new IllegalStateException("TaskGroup " + this + " is finished");
    }
    if (aborting) {
      throw new IllegalStateException("TaskGroup " + this + " is shutting down");
    }
    Task<T> task = loop.createTask(coroutine, name, parent.getContext());
    tasks.add(task);
    task.addDoneCallback(this::onTaskDone);
    return task;
  }

  private void onTaskDone(Future<?> done) {
    Task<?> task = (Task<?>) done;
    tasks.remove(task);
    Future<Void> completed = onCompleted;
    if (tasks.isEmpty() && completed != null && !completed.done()) {
      completed.setResult(null);
    }
    if (task.cancelled()) {
      return;
    }
    Throwable error = task.exception();
    if (error == null) {
      return;
    }
    errors.add(error);
    if (Exceptions.isJvmFatal(error) && baseError == null) {
      baseError = error;
    }
    if (parent.done() || abandoned) {
      Map<String, Object> context = new LinkedHashMap<>();
      context.put(
          "message",
          parent.done()
              ? "Task "
                  + task
                  + " has errored out but its parent task "
                  + parent
                  + " is already completed"
              : "Task " + task + " has errored out but its TaskGroup was cancelled by Reactor");
      context.put("exception", error);
      context.put("task", task);
      loop.callExceptionHandler(context);
      return;
    }
    if (!aborting && !parentCancelRequested) {
      // Interrupt the body where it waits; exit() takes the cancellation back (uncancel).
      abort();
      parentCancelRequested = true;
      parent.cancel();
    }
  }

  /**
   * A Reactor cancel of the group's Mono: nobody awaits the group any more. Its tasks are cancelled
   * without waiting for them; its own cancellation of the parent is taken back, as exiting would;
   * errors it holds, and those of tasks failing later, go to the loop's exception handler.
   */
  private void abandon() {
    if (state == State.FINISHED) {
      return;
    }
    abandoned = true;
    if (parentCancelRequested) {
      parentCancelRequested = false;
      parent.uncancel();
    }
    if (!errors.isEmpty()) {
      Map<String, Object> context = new LinkedHashMap<>();
      context.put(
          "message", "TaskGroup " + this + " was cancelled by Reactor with unhandled errors");
      context.put("exception", new ExceptionGroup("unhandled errors in a TaskGroup", errors));
      loop.callExceptionHandler(context);
    }
    abort();
  }

  private void abort() {
    aborting = true;
    for (Task<?> t : new ArrayList<>(tasks)) {
      if (!t.done()) {
        t.cancel();
      }
    }
  }

  /** asyncio's {@code __aexit__}: wait for the tasks, then decide what the group raises. */
  private <T> Mono<T> exit(Signal<T> body) {
    state = State.EXITING;
    Throwable error = body.getThrowable();
    if (error != null && Exceptions.isJvmFatal(error) && baseError == null) {
      baseError = error;
    }
    propagateCancellation = error instanceof CancelledError ? error : null;
    if (error != null && !aborting) {
      abort(); // the parent is being cancelled, or the body failed
    }
    return awaitTasks().then(Mono.defer(() -> finish(body, error)));
  }

  /** Waits until no task is left; a cancel of the parent meanwhile aborts, then keeps waiting. */
  private Mono<Void> awaitTasks() {
    return Mono.defer(
        () -> {
          if (tasks.isEmpty()) {
            return Mono.empty();
          }
          Future<Void> completed = loop.createFuture();
          onCompleted = completed;
          return completed
              .onErrorResume(
                  CancelledError.class,
                  e -> {
                    if (!aborting) {
                      propagateCancellation = e; // the parent was cancelled from outside
                      abort();
                    }
                    return Mono.empty();
                  })
              .then(
                  Mono.defer(
                      () -> {
                        onCompleted = null;
                        return awaitTasks();
                      }));
        });
  }

  private <T> Mono<T> finish(Signal<T> body, @Nullable Throwable error) {
    state = State.FINISHED;
    if (baseError != null) {
      return Mono.error(baseError);
    }
    Throwable cancellation = propagateCancellation;
    if (parentCancelRequested && parent.uncancel() == 0) {
      cancellation = null; // only our own cancellation was pending: do not propagate it
    }
    if (cancellation != null && errors.isEmpty()) {
      return Mono.error(cancellation);
    }
    if (error != null && !(error instanceof CancelledError)) {
      errors.add(error);
    }
    if (!errors.isEmpty()) {
      if (parent.cancelling() > 0) {
        // Cancelled from outside too: keep the count stable and the cancellation pending.
        parent.uncancel();
        parent.cancel();
      }
      return Mono.error(new ExceptionGroup("unhandled errors in a TaskGroup", errors));
    }
    return body.isOnNext() ? Mono.justOrEmpty(body.get()) : Mono.empty();
  }

  /**
   * asyncio's repr: {@code <TaskGroup tasks=2 errors=1 cancelling>}; {@code entered}, {@code
   * exiting} or {@code finished} when not cancelling.
   *
   * @return the state
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("<TaskGroup");
    if (!tasks.isEmpty()) {
      sb.append(" tasks=").append(tasks.size());
    }
    if (!errors.isEmpty()) {
      sb.append(" errors=").append(errors.size());
    }
    sb.append(' ')
        .append(aborting ? "cancelling" : state.name().toLowerCase(java.util.Locale.ROOT));
    return sb.append('>').toString();
  }
}
