package io.github.asyncio4j;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * The result of an operation that completes later: asyncio's {@code asyncio.Future}, and a {@link
 * Mono}: subscribing to it is awaiting it.
 *
 * <h2>States</h2>
 *
 * <p>{@code PENDING -> FINISHED} (a result or an exception) or {@code PENDING -> CANCELLED}; both
 * terminal states are final and {@link #done()} is true in both (rule F1). Completing a done future
 * throws {@link InvalidStateError} ({@code "invalid state"}).
 *
 * <h2>Callbacks and awaiting</h2>
 *
 * <p>Done-callbacks are never called synchronously: at completion each is scheduled with {@code
 * callSoon} on the future's loop, in registration order, exactly once, also when added after the
 * future is done (rule F4). An awaiter (a subscriber) is one such callback, so it resumes on the
 * loop's thread one iteration after completion, interleaved FIFO with other callbacks. Awaiting a
 * future that is already done does not suspend: the subscriber is signalled at once, on the
 * subscribing thread (rule F6). A {@code null} result is an empty {@code Mono}.
 *
 * <h2>Cancellation</h2>
 *
 * <p>{@link #cancel(String)} completes the future with {@link CancelledError}, which every awaiter
 * receives. A {@link Task} awaiting this future and cancelled cancels the future (asyncio's rule
 * T3), so cancelling a shared future cancels it for all its awaiters, as in asyncio. A Reactor
 * {@code cancel()} of one subscription only unsubscribes it.
 *
 * <h2>Threads</h2>
 *
 * <p>Unlike asyncio's, this future is thread-safe: it may be completed, cancelled or awaited from
 * any thread; callbacks and awaiters still run on the loop's thread. A future whose exception is
 * never retrieved ({@link #result()}, {@link #exception()}, or an awaiter) is reported to the
 * loop's exception handler when it is garbage-collected ({@code "Future exception was never
 * retrieved"}, rule F7).
 *
 * @param <T> the result type
 */
public class Future<T> extends Mono<T> {
  /*
   * Lifecycle, guarded by 'this', written once:
   *   PENDING -> FINISHED (result, or exception != null)
   *   PENDING -> CANCELLED (cancelledError holds the error to raise)
   * 'state' is volatile and written last, so a reader that sees it done sees the outcome.
   */
  static final int PENDING = 0;
  static final int FINISHED = 1;
  static final int CANCELLED = 2;

  private static final Cleaner CLEANER = Cleaner.create();

  /** The loop callbacks run on; null only for a primitive's off-loop waiter (see Hooks). */
  final @Nullable EventLoop loop;

  private volatile int state;
  private @Nullable T result;
  private @Nullable Throwable exception;
  private @Nullable CancelledError cancelledError;

  /** Null, one callback, or a list of them; an entry is an {@link Await} or a user Consumer. */
  private @Nullable Object callbacks;

  /**
   * Whether this future belongs to its one awaiter (a primitive's wait, a sleep, a wrapped
   * publisher): a Reactor cancel of that awaiter then cancels the future.
   */
  boolean owned;

  /** What an owned future tells its owner (a primitive, a sleep, a wrapped publisher). */
  @Nullable Hooks hooks;

  /**
   * The owner's side of an owned future. Each method runs at most once, outside the future's lock.
   *
   * <ul>
   *   <li>{@link #onCancelled()}: the future was cancelled while pending (the owner withdraws it);
   *   <li>{@link #onDropped()}: it was completed with a result that its awaiter will never see (the
   *       awaiter was cancelled after the hand-off), so the owner passes the result on;
   *   <li>{@link #onResumed()}: the awaiter is about to receive the result, on its thread.
   * </ul>
   */
  interface Hooks {
    void onCancelled();

    default void onDropped() {}

    default void onResumed() {}
  }

  private @Nullable Unretrieved unretrieved;

  /**
   * A pending future of {@code loop}, for subclasses, as asyncio allows subclassing {@code Future}
   * (a gathering future overrides {@link #cancel(String)}, for example). Others use {@link
   * EventLoop#createFuture()}.
   *
   * @param loop the loop its callbacks run on
   */
  protected Future(EventLoop loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  /**
   * An owned future for one awaiter: on {@code loop}, or, when it is null, resolved synchronously
   * on the thread that completes it (a primitive used off any loop).
   */
  Future(@Nullable EventLoop loop, @Nullable Hooks hooks) {
    this.loop = loop;
    this.owned = true;
    this.hooks = hooks;
  }

  // ---------------------------------------------------------------- asyncio API

  /**
   * Sets the result and schedules the callbacks: asyncio's {@code Future.set_result}. Thread-safe.
   *
   * @param value the result; {@code null} completes awaiters empty
   * @throws InvalidStateError {@code "invalid state"} if the future is done
   */
  public void setResult(@Nullable T value) {
    if (!complete(FINISHED, value, null)) {
      throw new InvalidStateError("invalid state");
    }
  }

  /**
   * Sets an exception and schedules the callbacks: asyncio's {@code Future.set_exception}.
   * Thread-safe.
   *
   * @param exception the failure
   * @throws InvalidStateError {@code "invalid state"} if the future is done
   */
  public void setException(Throwable exception) {
    Objects.requireNonNull(exception, "exception");
    if (!complete(FINISHED, null, exception)) {
      throw new InvalidStateError("invalid state");
    }
  }

  /**
   * Cancels the future without a message: asyncio's {@code Future.cancel()}.
   *
   * @return true if it was pending and is now cancelled
   */
  public final boolean cancel() {
    return cancel(null);
  }

  /**
   * Cancels the future and schedules the callbacks: asyncio's {@code Future.cancel(msg)}. Awaiters
   * receive {@code CancelledError(msg)}. Cancelling a future that already failed marks its
   * exception retrieved, as asyncio's {@code cancel()} clears {@code __log_traceback} (rule F7).
   * Thread-safe.
   *
   * @param msg the cancel message, or null
   * @return true if it was pending and is now cancelled; false if it was already done
   */
  public boolean cancel(@Nullable String msg) {
    // F7 (test_tb_logger_not_called_after_cancel): whoever cancels has dealt with the outcome, so a
    // failed future's exception is no longer reported at GC. Reading 'state' first makes the
    // 'unretrieved' written before it visible here.
    if (state == FINISHED) {
      markRetrieved();
    }
    return complete(CANCELLED, null, new CancelledError(msg));
  }

  /**
   * Whether the future was cancelled: asyncio's {@code Future.cancelled()}.
   *
   * @return true if cancelled
   */
  public final boolean cancelled() {
    return state == CANCELLED;
  }

  /**
   * Whether the future is done: finished with a result or exception, or cancelled. asyncio's {@code
   * Future.done()}.
   *
   * @return true once done
   */
  public final boolean done() {
    return state != PENDING;
  }

  /**
   * The result: asyncio's {@code Future.result()}. Reading it marks an exception retrieved.
   *
   * @return the result, possibly null
   * @throws CancelledError if the future was cancelled
   * @throws InvalidStateError {@code "Result is not set."} if it is pending
   * @throws RuntimeException the future's exception, checked ones wrapped by Reactor's {@link
   *     Exceptions#propagate}
   */
  public final @Nullable T result() {
    int s = state;
    if (s == CANCELLED) {
      throw cancelledErrorOrNew();
    }
    if (s == PENDING) {
      throw new InvalidStateError("Result is not set.");
    }
    Throwable e = exception;
    if (e != null) {
      markRetrieved();
      throw Exceptions.propagate(e);
    }
    return result;
  }

  /**
   * The exception, or null if the future finished with a result: asyncio's {@code
   * Future.exception()}. Reading it marks it retrieved.
   *
   * @return the exception or null
   * @throws CancelledError if the future was cancelled
   * @throws InvalidStateError {@code "Exception is not set."} if it is pending
   */
  public final @Nullable Throwable exception() {
    int s = state;
    if (s == CANCELLED) {
      throw cancelledErrorOrNew();
    }
    if (s == PENDING) {
      throw new InvalidStateError("Exception is not set.");
    }
    markRetrieved();
    return exception;
  }

  /**
   * Adds a callback run with this future once it is done: asyncio's {@code
   * Future.add_done_callback}. It is scheduled with {@code callSoon}, in registration order, also
   * when the future is already done; it runs on the loop's thread. Thread-safe.
   *
   * @param fn the callback; an exception it throws goes to the loop's exception handler
   */
  public final void addDoneCallback(Consumer<? super Future<T>> fn) {
    Objects.requireNonNull(fn, "fn");
    synchronized (this) {
      if (state == PENDING) {
        addCallback(fn);
        return;
      }
    }
    if (loop != null) {
      loop.checkClosed();
    }
    schedule(fn);
  }

  /**
   * Removes every registration of {@code fn}: asyncio's {@code Future.remove_done_callback}.
   *
   * @param fn the callback to remove (compared with {@code equals})
   * @return how many registrations were removed
   */
  public final synchronized int removeDoneCallback(Consumer<? super Future<T>> fn) {
    Objects.requireNonNull(fn, "fn");
    return removeCallbacks(fn);
  }

  /**
   * The loop this future belongs to: asyncio's {@code Future.get_loop()}.
   *
   * @return the loop
   */
  public final EventLoop getLoop() {
    return Objects.requireNonNull(loop, "an off-loop waiter has no loop");
  }

  /**
   * A {@link CompletableFuture} that completes when this future does, on the loop's thread:
   * cancellation becomes a {@link CancelledError} (a {@code CancellationException}); cancelling the
   * returned future cancels this one. The loop must run for it to complete.
   *
   * @return a new completable future mirroring this one
   */
  public final CompletableFuture<T> toCompletableFuture() {
    CompletableFuture<T> cf = new CompletableFuture<>();
    copyTo(cf);
    cf.whenComplete(
        (v, e) -> {
          if (cf.isCancelled() && !done()) {
            cancel();
          }
        });
    return cf;
  }

  final void copyTo(CompletableFuture<T> cf) {
    addDoneCallback(
        f -> {
          if (f.cancelled()) {
            cf.completeExceptionally(f.cancelledErrorOrNew());
          } else if (f.exception() != null) {
            cf.completeExceptionally(Objects.requireNonNull(f.exception()));
          } else {
            cf.complete(f.result);
          }
        });
  }

  // ---------------------------------------------------------------- Mono: awaiting

  /**
   * Awaits the future: the subscriber receives the result ({@code onNext} then {@code onComplete},
   * or only {@code onComplete} for a null result), the exception, or {@link CancelledError}, on the
   * loop's thread one iteration after completion; at once if the future is already done (F6).
   * Inside a {@link Task}, the task is now waiting on this future: cancelling the task cancels it.
   *
   * @param actual the awaiter
   */
  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    Task<?> awaiting = actual.currentContext().getOrDefault(Task.class, null);
    if (awaiting == this) {
      Operators.error(actual, new IllegalStateException("Task cannot await on itself: " + this));
      return;
    }
    if (awaiting != null && awaiting.loop != loop) {
      Operators.error(
          actual,
          new IllegalStateException(
              "Task " + awaiting + " got Future " + this + " attached to a different loop"));
      return;
    }
    if (hooks == null && state != PENDING) {
      deliverDone(actual); // F6, without an Await: the common case of awaiting a finished task
      return;
    }
    Await<T> a = new Await<>(actual, this, awaiting);
    actual.onSubscribe(a);
    if (a.isCancelled()) {
      return;
    }
    boolean pending;
    synchronized (this) {
      pending = state == PENDING;
      if (pending) {
        addCallback(a);
      }
    }
    if (!pending) {
      a.resume(); // F6: awaiting a done future does not suspend
    } else if (awaiting != null) {
      awaiting.suspendOn(a);
    }
  }

  /** Signals the outcome of a done future straight to a subscriber. */
  private void deliverDone(CoreSubscriber<? super T> actual) {
    if (state == CANCELLED) {
      Operators.error(actual, cancelledErrorOrNew());
      return;
    }
    Throwable e = exception;
    if (e != null) {
      markRetrieved();
      Operators.error(actual, e);
    } else if (result == null) {
      Operators.complete(actual);
    } else {
      actual.onSubscribe(Operators.scalarSubscription(actual, result));
    }
  }

  /** Signals the outcome to an awaiter; the future is done. */
  final void deliver(Await<T> a) {
    if (state == CANCELLED) {
      a.onError(cancelledErrorOrNew());
      return;
    }
    Throwable e = exception;
    if (e != null) {
      markRetrieved();
      a.onError(e);
    } else if (result == null) {
      a.onComplete();
    } else {
      a.complete(result);
    }
  }

  /** A Reactor cancel of one of our awaiters: only a future that belongs to it is cancelled. */
  void awaiterCancelled(Await<T> a) {
    synchronized (this) {
      removeCallbacks(a);
    }
    if (owned) {
      cancel();
    }
  }

  // ---------------------------------------------------------------- completion

  /**
   * The one completion path, for results, exceptions and cancellation alike; false if already done.
   * Callbacks are scheduled outside the lock, in registration order.
   */
  final boolean complete(int newState, @Nullable T value, @Nullable Throwable error) {
    Object cbs;
    synchronized (this) {
      if (state != PENDING) {
        return false;
      }
      if (newState == CANCELLED) {
        cancelledError = (CancelledError) error;
      } else {
        result = value;
        exception = error;
      }
      cbs = callbacks;
      callbacks = null;
      if (error != null
          && newState == FINISHED
          && !(error instanceof CancelledError)
          && !owned
          && loop != null) {
        // Described once the callbacks left, as asyncio's repr at that point has no cb=[...].
        Unretrieved u =
            new Unretrieved(
                loop,
                error,
                this instanceof Task,
                "<" + String.join(" ", reprInfo(FINISHED, null, error)) + ">");
        u.cleanable = CLEANER.register(this, u);
        unretrieved = u;
      }
      state = newState; // last: a reader that sees it done sees all of the above
    }
    if (newState == CANCELLED) {
      Hooks h = hooks;
      if (h != null) {
        h.onCancelled();
      }
    }
    if (cbs instanceof List<?> list) {
      for (Object cb : list) {
        schedule(cb);
      }
    } else if (cbs != null) {
      schedule(cbs);
    }
    return true;
  }

  /**
   * Completes from a foreign result, unless already done (cancelled meanwhile). Loop thread. A
   * foreign {@link CancellationException} (a cancelled {@code CompletableFuture}, whose {@code
   * isCancelled()} means exactly that) cancels this future, as asyncio's {@code _copy_future_state}
   * does for a cancelled source.
   */
  final void completeFromForeign(@Nullable T value, @Nullable Throwable error) {
    if (error instanceof CancelledError ce) {
      complete(CANCELLED, null, ce);
    } else if (error instanceof CancellationException foreign) {
      // wrapFuture(cf) with cf.cancel(): without this the future "finished" with an exception and
      // its awaiters never saw CancelledError.
      complete(CANCELLED, null, new CancelledError(foreign.getMessage()));
    } else {
      complete(FINISHED, value, error);
    }
  }

  @SuppressWarnings("unchecked") // entries are Awaits of this future or Consumers of it
  private void schedule(Object cb) {
    Runnable r =
        cb instanceof Await<?> a ? a : new DoneCallback<>((Consumer<? super Future<T>>) cb, this);
    EventLoop l = loop;
    if (l != null) {
      l.callSoonAnyThread(r);
    } else {
      resumeOffLoop(r); // an off-loop waiter resumes on the completing thread
    }
  }

  /** Off-loop resumptions waiting on this thread for the one it is running to return. */
  private static final ThreadLocal<OffLoopResumptions> OFF_LOOP =
      ThreadLocal.withInitial(OffLoopResumptions::new);

  private static final class OffLoopResumptions {
    final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    boolean running;
  }

  /**
   * Runs an off-loop resumption on this thread, after the one this thread is running, if any: a
   * trampoline. A resumed body that completes at once and releases a primitive resolves the next
   * waiter from inside the resumption, and so on down the queue; run nested, a long queue of such
   * waiters overflowed the stack and left the primitive's hand-off half done. Queued in order, they
   * run one after another at the same depth, still on this thread, in the order they were resolved.
   */
  private static void resumeOffLoop(Runnable r) {
    OffLoopResumptions t = OFF_LOOP.get();
    if (t.running) {
      t.pending.add(r);
      return;
    }
    t.running = true;
    Throwable failure = null;
    try {
      for (Runnable next = r; next != null; next = t.pending.poll()) {
        try {
          next.run();
        } catch (Throwable e) {
          // Every queued resumption still runs: each is another waiter's, owed its wake-up.
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    } finally {
      t.running = false;
    }
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure != null) {
      throw new IllegalStateException(failure); // run() declares no checked exception
    }
  }

  /** Whether the future finished with a result (not an exception, not cancelled). */
  final boolean succeeded() {
    return state == FINISHED && exception == null;
  }

  /** A user done-callback bound to its future, so its description names the callback. */
  private record DoneCallback<T>(Consumer<? super Future<T>> fn, Future<T> future)
      implements Runnable {
    @Override
    public void run() {
      fn.accept(future);
    }

    @Override
    public String toString() {
      return fn + "(" + future + ")";
    }
  }

  @SuppressWarnings("unchecked")
  private void addCallback(Object cb) {
    Object cbs = callbacks;
    if (cbs == null) {
      callbacks = cb;
    } else if (cbs instanceof ArrayList<?> list) {
      ((ArrayList<Object>) list).add(cb);
    } else {
      ArrayList<Object> list = new ArrayList<>(4);
      list.add(cbs);
      list.add(cb);
      callbacks = list;
    }
  }

  private int removeCallbacks(Object cb) {
    Object cbs = callbacks;
    if (cbs == null) {
      return 0;
    }
    if (cbs instanceof ArrayList<?> list) {
      int before = list.size();
      list.removeIf(cb::equals);
      int removed = before - list.size();
      if (list.isEmpty()) {
        callbacks = null;
      }
      return removed;
    }
    if (cb.equals(cbs)) {
      callbacks = null;
      return 1;
    }
    return 0;
  }

  synchronized int callbackCount() {
    Object cbs = callbacks;
    return cbs == null ? 0 : cbs instanceof List<?> list ? list.size() : 1;
  }

  final CancelledError cancelledErrorOrNew() {
    CancelledError e = cancelledError;
    return e != null ? e : new CancelledError();
  }

  final void markRetrieved() {
    Unretrieved u = unretrieved;
    if (u != null) {
      unretrieved = null;
      u.retrieved = true;
      u.cleanable.clean();
    }
  }

  /**
   * Reports an exception nobody read when its future is collected. It holds no reference to the
   * future, or the future would never become unreachable.
   */
  private static final class Unretrieved implements Runnable {
    final EventLoop loop;
    final Throwable error;
    final boolean task;
    final String future;
    volatile boolean retrieved;
    Cleaner.Cleanable cleanable;

    Unretrieved(EventLoop loop, Throwable error, boolean task, String future) {
      this.loop = loop;
      this.error = error;
      this.task = task;
      this.future = future;
    }

    @Override
    public void run() {
      if (retrieved) {
        return;
      }
      Map<String, Object> context = new LinkedHashMap<>();
      context.put(
          "message",
          task ? "Task exception was never retrieved" : "Future exception was never retrieved");
      context.put("exception", error);
      context.put(task ? "task" : "future", future);
      if (loop.isClosed()) {
        loop.callExceptionHandler(context);
      } else {
        try {
          loop.callSoonThreadsafe(() -> loop.callExceptionHandler(context));
        } catch (IllegalStateException closedMeanwhile) {
          loop.callExceptionHandler(context);
        }
      }
    }
  }

  // ---------------------------------------------------------------- repr

  /**
   * asyncio's repr: {@code <Future pending>}, {@code <Future pending cb=[2]>}, {@code <Future
   * finished result=42>}, {@code <Future finished exception=...>}, {@code <Future cancelled>}.
   *
   * @return the state, and the result or exception when done
   */
  @Override
  public String toString() {
    return "<" + describe() + ">";
  }

  final String describe() {
    return String.join(" ", reprInfo(state, result, exception));
  }

  /**
   * asyncio's {@code _future_repr_info}: the kind, the state, the result or exception, the number
   * of callbacks. Task adds its name and coroutine.
   */
  List<String> reprInfo(int s, @Nullable Object value, @Nullable Throwable error) {
    List<String> info = new ArrayList<>(4);
    info.add("Future");
    info.add(s == PENDING ? "pending" : s == CANCELLED ? "cancelled" : "finished");
    if (s == FINISHED) {
      info.add(error != null ? "exception=" + error : "result=" + reprOf(value));
    }
    int n = callbackCount();
    if (n > 0) {
      info.add("cb=[" + n + "]");
    }
    return info;
  }

  /** Python's {@code repr} of a result, as far as Java can: strings quoted. */
  static String reprOf(@Nullable Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof CharSequence cs) {
      return "'" + cs + "'";
    }
    return String.valueOf(value);
  }
}
