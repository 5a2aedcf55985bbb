package io.github.asyncio4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
   * Lifecycle, one way only: PENDING -> RAN (the loop ran it) or PENDING -> CANCELLED.
   * The loop reads the state before running; a cancel racing with that read from another thread
   * may lose, which is the same outcome as a cancel that came just after the callback started.
   */
  static final int PENDING = 0;
  static final int RAN = 1;
  static final int CANCELLED = 2;

  static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Handle.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Runnable callback;

  @SuppressWarnings("unused") // accessed through STATE
  volatile int state;

  Handle(Runnable callback) {
    this.callback = callback;
  }

  /**
   * Cancels the callback: asyncio's {@code Handle.cancel()}. Thread-safe; does nothing if the
   * callback already ran or was cancelled.
   */
  public void cancel() {
    STATE.compareAndSet(this, PENDING, CANCELLED);
  }

  /**
   * Whether {@link #cancel()} was called before the callback ran: asyncio's {@code
   * Handle.cancelled()}.
   *
   * @return true if cancelled
   */
  public boolean cancelled() {
    return state == CANCELLED;
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
    return state != PENDING;
  }

  /** Loop thread only: marks the handle run; false if it was cancelled first. */
  final boolean claim() {
    if (state != PENDING) {
      return false;
    }
    // Release store: only the loop writes RAN, and a racing cancel() CAS fails harmlessly after.
    STATE.setRelease(this, RAN);
    return true;
  }

  String describeCallback() {
    return String.valueOf(callback);
  }

  /** asyncio's repr: {@code <Handle callback>} or {@code <Handle cancelled>}. */
  @Override
  public String toString() {
    return cancelled() ? "<Handle cancelled>" : "<Handle " + describeCallback() + ">";
  }
}
