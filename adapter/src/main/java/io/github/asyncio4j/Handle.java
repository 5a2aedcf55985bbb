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
   *   RAN          the loop ran it
   *   CANCELLED    cancel() won before the loop took it
   * The loop reads it before running; a cancel racing with that read from another thread may
   * lose, which is the same outcome as a cancel that came just after the callback started.
   */
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
   * Whether the handle is finished with: cancelled, or already run.
   *
   * @return true once cancelled or run
   */
  @Override
  public boolean isDisposed() {
    return !(callback instanceof Runnable);
  }

  /** Loop thread only: takes the callback to run; null if it was cancelled first. */
  final @Nullable Runnable claim() {
    Object c = callback;
    if (!(c instanceof Runnable)) {
      return null;
    }
    // Release store: only the loop writes RAN, and a racing cancel() CAS fails harmlessly after.
    CALLBACK.setRelease(this, RAN);
    return (Runnable) c;
  }

  String describeCallback() {
    Object c = callback;
    return c == RAN ? "ran" : c == CANCELLED ? "cancelled" : String.valueOf(c);
  }

  /** asyncio's repr: {@code <Handle callback>} or {@code <Handle cancelled>}. */
  @Override
  public String toString() {
    return "<Handle " + describeCallback() + ">";
  }
}
