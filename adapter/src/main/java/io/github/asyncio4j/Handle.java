package io.github.asyncio4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * A callback scheduled on an {@link EventLoop}: asyncio's {@code asyncio.Handle}, returned by
 * {@link EventLoop#callSoon(Runnable)} and {@link EventLoop#callSoonThreadsafe(Runnable)}.
 *
 * <p>It runs at most once, on the loop's thread. {@link #cancel()} may be called from any thread: a
 * handle cancelled before it starts never runs (ordering rule 4); cancelling one that has run, or
 * is running, does nothing. As a Reactor {@link Disposable}, {@link #dispose()} is {@link
 * #cancel()} and {@link #isDisposed()} is true once it was cancelled or has run.
 */
public class Handle implements Disposable {
  /*
   * The callback field is the whole state (so a handle is 16 bytes):
   *   a Runnable   pending
   *   RUNNING      the loop took it and runs it now
   *   RAN          the loop ran it
   *   CANCELLED    cancel() won before the loop took it
   * One way only: pending -> RUNNING -> RAN, or pending -> CANCELLED. Only the loop writes
   * RUNNING and RAN. The loop reads it before running; a cancel racing with that read from another
   * thread may lose, which is the same outcome as a cancel that came just after the callback
   * started. RUNNING is not RAN so that isDisposed() stays false while the callback runs (Reactor's
   * Disposable: true only once the task is guaranteed finished or cancelled).
   */
  static final Object RUNNING = new Object();
  static final Object RAN = new Object();
  static final Object CANCELLED = new Object();

  static final VarHandle CALLBACK;

  static {
    try {
      CALLBACK = MethodHandles.lookup().findVarHandle(Handle.class, "callback", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // accessed through CALLBACK
  private volatile Object callback;

  Handle(Runnable callback) {
    CALLBACK.set(this, callback);
  }

  /** A handle that is its own callback: a subclass that implements {@link Runnable}. */
  Handle() {
    CALLBACK.set(this, this);
  }

  /**
   * Cancels the callback: asyncio's {@code Handle.cancel()}. Thread-safe; does nothing if the
   * callback already ran or was cancelled.
   */
  public void cancel() {
    tryCancel();
  }

  /** Moves a pending handle to CANCELLED; false if it had run or was cancelled. */
  final boolean tryCancel() {
    Object c = callback;
    return c instanceof Runnable && CALLBACK.compareAndSet(this, c, CANCELLED);
  }

  /**
   * Whether {@link #cancel()} was called before the callback ran: asyncio's {@code
   * Handle.cancelled()}.
   *
   * @return true if cancelled
   */
  public boolean cancelled() {
    return callback == CANCELLED;
  }

  /** Same as {@link #cancel()}, for Reactor. */
  @Override
  public void dispose() {
    cancel();
  }

  /**
   * Whether the handle is finished with: cancelled, or its callback has returned. False while the
   * callback runs.
   *
   * @return true once cancelled or run
   */
  @Override
  public boolean isDisposed() {
    Object c = callback;
    return c == RAN || c == CANCELLED;
  }

  /** Loop thread only: takes the callback to run; null if it was cancelled first. */
  final @Nullable Runnable claim() {
    Object c = callback;
    if (!(c instanceof Runnable)) {
      return null;
    }
    // Release store: only the loop leaves pending this way, and a racing cancel() CAS fails
    // harmlessly after it.
    CALLBACK.setRelease(this, RUNNING);
    return (Runnable) c;
  }

  /** Loop thread only: the callback taken by {@link #claim()} has returned (or thrown). */
  final void ran() {
    CALLBACK.setRelease(this, RAN);
  }

  String describeCallback() {
    Object c = callback;
    return c == RUNNING
        ? "running"
        : c == RAN ? "ran" : c == CANCELLED ? "cancelled" : String.valueOf(c);
  }

  /** asyncio's repr: {@code <Handle callback>} or {@code <Handle cancelled>}. */
  @Override
  public String toString() {
    return "<Handle " + describeCallback() + ">";
  }
}
