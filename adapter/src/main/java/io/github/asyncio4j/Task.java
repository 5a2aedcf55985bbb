package io.github.asyncio4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Fuseable;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * A {@link Mono} run as a task on an {@link EventLoop}: asyncio's {@code asyncio.Task}. The {@code
 * Mono} plays the coroutine; the task is a {@link Future} of its result and, like every future, a
 * {@code Mono} to await.
 *
 * <h2>Starting</h2>
 *
 * <p>{@link EventLoop#createTask(Mono)} schedules the first step with {@code callSoon}: the {@code
 * Mono} is subscribed on a later iteration than the code that created the task, and tasks start in
 * creation order (rule T1). A task cancelled before its first step never subscribes to its {@code
 * Mono}. The task's chain sees the Reactor {@code Context} of the task that created it.
 *
 * <h2>Cancellation: the design</h2>
 *
 * <p>Reactor's {@code cancel()} cannot be caught; asyncio's cancellation is an exception thrown at
 * the coroutine's current {@code await}. Here is how a task gets the latter on Reactor. Every
 * asyncio4j awaitable is a {@link Future} (a primitive's wait, a sleep, a wrapped publisher, a
 * task); subscribed inside a task's chain, it finds the task in the subscriber's {@code Context}
 * and registers as one of the task's <em>waiters</em> until it resumes the chain. Then:
 *
 * <ol>
 *   <li>{@link #cancel(String)} counts the request ({@link #cancelling()}) and cancels every future
 *       the task waits on, synchronously, with the message. Each one signals {@code
 *       onError(CancelledError)} into the chain one iteration later, at the point that awaited it;
 *       an awaited task is cancelled in turn (recursively), and the awaiting chain sees its outcome
 *       when it ends.
 *   <li>If no waiter accepted (the task has not started, is running right now, or the future it
 *       waits on is already done and about to resume it), the request is remembered ({@code
 *       mustCancel}) and delivered at its next await: the pending future it then waits on is
 *       cancelled at once, or the outcome already on its way is replaced by {@code CancelledError};
 *       if the step ends waiting on a foreign publisher, point 3 applies then; if the chain returns
 *       first, the task ends cancelled (asyncio's {@code _must_cancel}).
 *   <li>If the task waits on something that is not an asyncio4j awaitable (a foreign publisher),
 *       nothing can deliver the error: the chain gets Reactor's plain {@code cancel()} and the task
 *       ends cancelled on the next iteration. Wrap foreign publishers with {@link
 *       EventLoop#wrap(org.reactivestreams.Publisher)} to let the chain clean up.
 *   <li>The chain handles {@code CancelledError} like any error: {@code onErrorResume(
 *       CancelledError.class, e -> cleanup.then(Mono.error(e)))} cleans up and re-raises; returning
 *       a value suppresses the cancellation (rule T4). The task is cancelled exactly when a {@code
 *       CancelledError} reaches the end of its chain; its awaiters see that after the clean-up.
 * </ol>
 *
 * <p>Worked example: task A awaits {@code b} (a task) which sleeps. {@code a.cancel("bye")} cancels
 * {@code b}, whose sleep is cancelled; {@code b}'s chain gets {@code CancelledError("bye")}, may
 * clean up, and ends cancelled; then A's chain gets {@code CancelledError("bye")} where it awaited
 * {@code b}. Right after {@code cancel} returns, neither is {@code cancelled()} yet.
 *
 * <p>A Reactor {@code cancel()} of a subscription to a task (a WebFlux client going away) is a
 * {@code task.cancel()}. {@code shield} is how to await a task without passing cancellation on.
 *
 * <h2>Threads</h2>
 *
 * <p>The chain's first subscription and every resumption by an asyncio4j awaitable run on the
 * loop's thread; a foreign publisher may resume it on another thread, from which the task's outcome
 * is handed back to the loop. {@link #cancel(String)} is thread-safe: from another thread it is
 * forwarded to the loop, so {@link #cancelling()} counts it one iteration later. Other methods are
 * loop-only, or read-only and thread-safe where documented on {@link Future}.
 *
 * @param <T> the result type
 */
public final class Task<T> extends Future<T> {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  /*
   * Phase, loop thread only: NEW (first step scheduled) -> STARTED (chain subscribed).
   * Completion is the Future's state.
   */
  private static final int NEW = 0;
  private static final int STARTED = 1;

  private final @Nullable Mono<T> coroutine;
  private final int id;
  private @Nullable String name;
  final Context userContext;
  private final Chain chain;
  private final StackTraceElement @Nullable [] createdAt;
  private int phase;

  /** asyncio's {@code _num_cancels_requested}. Loop thread only. */
  private int cancelRequests;

  /** asyncio's {@code _must_cancel} and {@code _cancel_message}. Loop thread only. */
  boolean mustCancel;

  private @Nullable String cancelMessage;

  /** The awaits this task is suspended on: null, one Await, or a list. Guarded by 'this'. */
  private @Nullable Object waiters;

  /** Links of the loop's list of pending tasks. Loop thread only. */
  Task<?> prevTask = this;

  Task<?> nextTask = this;

  Task(EventLoop loop, Mono<T> coroutine, @Nullable String name, Context userContext) {
    super(loop);
    this.coroutine = coroutine;
    this.id = COUNTER.incrementAndGet();
    this.name = name;
    this.userContext = userContext;
    // One Context2 for the common empty case, not a Context1 then a Context2.
    this.chain = new Chain(userContext);
    this.createdAt = loop.getDebug() ? new Throwable().getStackTrace() : null;
  }

  private Task(EventLoop loop) {
    super(loop);
    this.coroutine = null;
    this.id = 0;
    this.userContext = Context.empty();
    this.chain = new Chain(Context.empty());
    this.createdAt = null;
  }

  /** The head of a loop's task list; never run. */
  static Task<?> sentinel(EventLoop loop) {
    return new Task<>(loop);
  }

  // ---------------------------------------------------------------- the task's steps

  void link() {
    Task<?> head = loop.tasks;
    prevTask = head.prevTask;
    nextTask = head;
    head.prevTask.nextTask = this;
    head.prevTask = this;
  }

  private void unlink() {
    prevTask.nextTask = nextTask;
    nextTask.prevTask = prevTask;
    prevTask = this;
    nextTask = this;
  }

  /** The handle of the first step, for the loop's ready queue. */
  Handle firstStep() {
    return chain;
  }

  void linkAndStep0() {
    link();
    step0();
  }

  /** The first step: subscribe to the coroutine, unless cancelled first. Loop thread. */
  void step0() {
    if (done()) {
      return;
    }
    if (mustCancel) {
      // Cancelled before it started: the body never runs (test_cancel_with_message_before_...).
      mustCancel = false;
      finish(null, newCancelledError());
      return;
    }
    phase = STARTED;
    Task<?> previous = loop.currentTask;
    loop.currentTask = this;
    try {
      Mono<T> coro = Objects.requireNonNull(coroutine);
      if (coro instanceof Fuseable.ScalarCallable<?> constant) {
        // Mono.just / Mono.empty / Mono.error: no subscription needed, as Reactor's own
        // operators shortcut scalar sources.
        @SuppressWarnings("unchecked") // a Mono<T>'s scalar value is a T
        T v = (T) constant.call();
        finish(v, null);
      } else {
        coro.subscribe(chain);
      }
    } catch (Throwable e) {
      Exceptions.throwIfJvmFatal(e);
      // A constant Mono.error(x) throws x from call(), wrapped by Exceptions.propagate when x is
      // an Error: the task keeps x itself, as it would through onError.
      chain.onError(Exceptions.unwrap(e));
    } finally {
      loop.currentTask = previous;
    }
    endOfStep();
  }

  /** The coroutine ended: record the outcome. Loop thread. */
  void finish(@Nullable T value, @Nullable Throwable error) {
    if (done()) {
      return;
    }
    unlink();
    if (error instanceof CancelledError ce) {
      complete(CANCELLED, null, ce);
    } else if (error != null) {
      complete(FINISHED, null, error);
    } else if (mustCancel) {
      // Cancel requested after the last await: the task still ends cancelled (test_cancel_at_end).
      mustCancel = false;
      complete(CANCELLED, null, newCancelledError());
    } else {
      complete(FINISHED, value, null);
    }
  }

  CancelledError newCancelledError() {
    return new CancelledError(cancelMessage);
  }

  /** The task's subscriber to its coroutine, and its first step (a Runnable for the loop). */
  /**
   * The task's subscriber to its coroutine, and the handle of its first step (so creating a task
   * costs one object less). Its context is built on first use: a coroutine that is a constant never
   * asks for it.
   */
  private final class Chain extends Handle implements CoreSubscriber<T>, Runnable {
    private final Context userContext;
    private @Nullable Context context;
    private volatile @Nullable Subscription upstream;
    private volatile boolean upstreamCancelled;
    private @Nullable T value;

    Chain(Context userContext) {
      this.userContext = userContext;
    }

    @Override
    public Context currentContext() {
      Context c = context;
      if (c == null) {
        // One Context2 for the common empty case, not a Context1 then a Context2.
        c =
            userContext.isEmpty()
                ? Context.of(Task.class, Task.this, EventLoop.class, loop)
                : userContext.put(Task.class, Task.this).put(EventLoop.class, loop);
        context = c;
      }
      return c;
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(T t) {
      value = t;
    }

    @Override
    public void onError(Throwable t) {
      terminate(null, t);
    }

    @Override
    public void onComplete() {
      terminate(value, null);
    }

    private void terminate(@Nullable T v, @Nullable Throwable e) {
      if (upstreamCancelled) {
        if (e != null && !(e instanceof CancelledError)) {
          Operators.onErrorDropped(e, currentContext());
        }
        return;
      }
      if (loop.inLoopThread()) {
        finish(v, e);
      } else {
        // A foreign publisher resumed the chain on its own thread: hand the outcome to the loop.
        loop.callSoonAnyThread(() -> finish(v, e));
      }
    }

    void cancelUpstream() {
      upstreamCancelled = true;
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public void run() {
      step0();
    }

    @Override
    public String toString() {
      return Task.this.toString();
    }
  }

  // ---------------------------------------------------------------- waiters

  /**
   * The chain now waits on {@code a}'s pending future. A cancel requested while the task ran (its
   * {@code mustCancel}, e.g. a task cancelling itself) is passed on to that future at once, as
   * asyncio's {@code __step} does after the coroutine yields: the future or task it awaits is
   * cancelled (test_cancel_current_task, test_cancel_awaited_task). Without this, the request would
   * wait until the future completes on its own, possibly never.
   */
  void suspendOn(Await<?> a) {
    if (addWaiter(a) && mustCancel && loop.inLoopThread() && a.future.cancel(cancelMessage)) {
      mustCancel = false; // the future delivers CancelledError(msg) now
    }
  }

  private synchronized boolean addWaiter(Await<?> a) {
    if (a.resumed || a.isCancelled()) {
      return false; // resumed or unsubscribed before we got here
    }
    Object w = waiters;
    if (w == null) {
      waiters = a;
    } else if (w instanceof ArrayList<?> list) {
      @SuppressWarnings("unchecked") // the list only ever holds Awaits
      ArrayList<Object> l = (ArrayList<Object>) list;
      l.removeIf(x -> ((Await<?>) x).isCancelled());
      l.add(a);
    } else {
      ArrayList<Object> l = new ArrayList<>(4);
      l.add(w);
      l.add(a);
      waiters = l;
    }
    return true;
  }

  /** Wrapped foreign publishers the chain is inside, innermost last. Guarded by 'this'. */
  private @Nullable ArrayList<Guard.GuardSubscriber<?>> guards;

  synchronized void addGuard(Guard.GuardSubscriber<?> g) {
    ArrayList<Guard.GuardSubscriber<?>> l = guards;
    if (l == null) {
      l = new ArrayList<>(2);
      guards = l;
    }
    l.add(g);
  }

  synchronized void removeGuard(Guard.GuardSubscriber<?> g) {
    ArrayList<Guard.GuardSubscriber<?>> l = guards;
    if (l != null) {
      l.remove(g);
    }
  }

  private synchronized Guard.@Nullable GuardSubscriber<?> innermostGuard() {
    ArrayList<Guard.GuardSubscriber<?>> l = guards;
    return l == null || l.isEmpty() ? null : l.get(l.size() - 1);
  }

  synchronized void removeWaiter(Await<?> a) {
    a.resumed = true;
    Object w = waiters;
    if (w == a) {
      waiters = null;
    } else if (w instanceof ArrayList<?> list) {
      list.remove(a);
      if (list.isEmpty()) {
        waiters = null;
      }
    }
  }

  private synchronized Await<?>[] waitersSnapshot() {
    Object w = waiters;
    if (w == null) {
      return new Await<?>[0];
    }
    if (w instanceof ArrayList<?> list) {
      return list.toArray(new Await<?>[0]);
    }
    return new Await<?>[] {(Await<?>) w};
  }

  // ---------------------------------------------------------------- asyncio API

  /**
   * Requests cancellation: asyncio's {@code Task.cancel(msg)}. It counts the request, then cancels
   * the futures and tasks this task waits on, whose awaits signal {@code CancelledError(msg)} into
   * the chain on the next iteration; see the class comment for the whole model. Returns true even
   * on repeated calls; {@link #cancelled()} stays false until the chain has ended. Thread-safe:
   * from another thread the request is forwarded to the loop.
   *
   * @param msg the cancel message, or null
   * @return false if the task is done, else true
   */
  @Override
  public boolean cancel(@Nullable String msg) {
    if (done()) {
      // asyncio's Task.cancel clears _log_traceback first: a failed task that is cancelled is no
      // longer reported as "Task exception was never retrieved" (rule F7).
      if (!cancelled()) {
        markRetrieved();
      }
      return false;
    }
    if (!loop.inLoopThread() && loop.isRunning()) {
      loop.callSoonAnyThread(() -> cancel(msg));
      return true;
    }
    cancelRequests++;
    Await<?>[] awaited = waitersSnapshot();
    boolean accepted = false;
    for (Await<?> a : awaited) {
      if (a.future.cancel(msg)) {
        accepted = true;
      }
    }
    if (accepted) {
      return true; // a waiter will deliver CancelledError(msg) into the chain
    }
    mustCancel = true;
    cancelMessage = msg;
    if (phase == STARTED && awaited.length == 0 && loop.currentTask != this) {
      cancelForeignAwait(msg);
    }
    return true;
  }

  /**
   * The task is suspended, but on nothing of ours that could take the cancellation: a wrapped
   * publisher's guard delivers it, else the chain gets Reactor's plain cancel. Loop thread.
   */
  private void cancelForeignAwait(@Nullable String msg) {
    if (chain.upstreamCancelled) {
      return; // already cancelled this way: the first message stands
    }
    Guard.GuardSubscriber<?> guard = innermostGuard();
    if (guard != null && guard.cancelFromTask(msg)) {
      // Suspended inside a wrapped foreign publisher: the error is delivered where it was
      // wrapped, one iteration from now, and the chain may handle it there.
      mustCancel = false;
      return;
    }
    // Suspended on a foreign publisher: nothing of ours can deliver the error. Reactor's plain
    // cancel, and the task ends cancelled next iteration (so cancelled() is still false now).
    // The outcome is fixed here: the chain is gone, so a later uncancel() must not turn it into
    // a null result, and a second cancel(msg) must not replace the first message (T3).
    CancelledError error = newCancelledError();
    chain.cancelUpstream();
    loop.callSoonAnyThread(() -> finish(null, error));
  }

  /**
   * The end of a step (the first subscription, or a resumption by an {@link Await}): asyncio's
   * {@code __step} after the coroutine yields. A cancel requested during the step that no await of
   * ours took, because the chain now waits on a foreign publisher, is applied now; without this a
   * task that cancels itself and then awaits {@code Mono.never()} would never end. Loop thread.
   */
  void endOfStep() {
    if (mustCancel && phase == STARTED && !done() && !hasWaiters()) {
      cancelForeignAwait(cancelMessage);
    }
  }

  private synchronized boolean hasWaiters() {
    return waiters != null;
  }

  /** A Reactor cancel of a subscription to this task cancels the task. */
  @Override
  void awaiterCancelled(Await<T> a) {
    super.awaiterCancelled(a);
    cancel();
  }

  /**
   * How many cancellation requests are pending: asyncio's {@code Task.cancelling()}. Handling a
   * {@code CancelledError} does not lower it; {@link #uncancel()} does. Loop-only.
   *
   * @return the number of {@code cancel()} calls not yet matched by {@code uncancel()}
   */
  public int cancelling() {
    return cancelRequests;
  }

  /**
   * Decrements the cancellation count, never below 0: asyncio's {@code Task.uncancel()} (Python
   * 3.13). At 0 a cancel not yet delivered is withdrawn too, so {@code cancel(); uncancel();}
   * before the next resumption does nothing. Loop-only.
   *
   * @return the remaining count
   */
  public int uncancel() {
    if (cancelRequests > 0) {
      cancelRequests--;
      if (cancelRequests == 0) {
        mustCancel = false;
      }
    }
    return cancelRequests;
  }

  /**
   * Not supported on a task: its result comes from its coroutine.
   *
   * @param value ignored
   * @throws IllegalStateException {@code "Task does not support set_result operation"}
   */
  @Override
  public void setResult(@Nullable T value) {
    throw new IllegalStateException("Task does not support set_result operation");
  }

  /**
   * Not supported on a task: its exception comes from its coroutine.
   *
   * @param exception ignored
   * @throws IllegalStateException {@code "Task does not support set_exception operation"}
   */
  @Override
  public void setException(Throwable exception) {
    throw new IllegalStateException("Task does not support set_exception operation");
  }

  /**
   * The task's name: asyncio's {@code Task.get_name()}; {@code Task-N} unless given.
   *
   * @return the name
   */
  public String getName() {
    String n = name;
    if (n == null) {
      n = "Task-" + id;
      name = n;
    }
    return n;
  }

  /**
   * Renames the task: asyncio's {@code Task.set_name}.
   *
   * @param name the new name
   */
  public void setName(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * The coroutine this task runs: asyncio's {@code Task.get_coro()}.
   *
   * @return the {@code Mono} given to {@code createTask}
   */
  public Mono<T> getCoro() {
    return Objects.requireNonNull(coroutine);
  }

  /**
   * The Reactor context the task's chain sees (without the task's own entries): asyncio's {@code
   * Task.get_context()}.
   *
   * @return the creator's context
   */
  public ContextView getContext() {
    return userContext;
  }

  /**
   * Where the task was created, recorded in debug mode only.
   *
   * @return the creation stack, empty when debug mode was off
   */
  public List<StackTraceElement> getCreationStack() {
    StackTraceElement[] s = createdAt;
    return s == null ? List.of() : List.of(s);
  }

  /**
   * The task running on the calling thread's loop, or null inside a plain callback: asyncio's
   * {@code asyncio.current_task()}.
   *
   * @return the current task or null
   * @throws IllegalStateException {@code "no running event loop"}
   */
  public static @Nullable Task<?> currentTask() {
    return EventLoop.running().currentTask();
  }

  /**
   * The pending tasks of the calling thread's loop: asyncio's {@code asyncio.all_tasks()}.
   *
   * @return a snapshot of the tasks that are not done
   * @throws IllegalStateException {@code "no running event loop"}
   */
  public static List<Task<?>> allTasks() {
    return EventLoop.running().allTasks();
  }

  /** asyncio's {@code _task_repr_info}: the future's, with 'cancelling', name and coroutine. */
  @Override
  List<String> reprInfo(int s, @Nullable Object value, @Nullable Throwable error) {
    List<String> info = super.reprInfo(s, value, error);
    info.set(0, "Task");
    if (s == PENDING && cancelRequests > 0) {
      info.set(1, "cancelling");
    }
    info.add(2, "name='" + getName() + "'");
    if (coroutine != null) {
      info.add(3, "coro=<" + Scannable.from(coroutine).name() + ">");
    }
    StackTraceElement[] stack = createdAt;
    if (stack != null) {
      for (StackTraceElement e : stack) {
        String c = e.getClassName();
        if (!c.startsWith("io.github.asyncio4j.") || c.startsWith("io.github.asyncio4j.samples")) {
          info.add("created at " + e);
          break;
        }
      }
    }
    return info;
  }
}
