package io.github.asyncio4j.operators;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * asyncio's {@code _GatheringFuture}: completes when every child is done, with the outcomes in
 * argument order; without {@code returnExceptions}, fails at once with the first failure while the
 * other children go on. Cancelling it cancels the unfinished children and, once all are done, fails
 * with {@link CancelledError} even with {@code returnExceptions} (bpo-32684). Loop-only.
 */
final class GatheringFuture<T> extends Future<List<Outcome<T>>> {
  private final List<Future<T>> children;
  private final boolean returnExceptions;
  private int remaining;
  private boolean cancelRequested;
  private @Nullable String cancelMessage;

  GatheringFuture(EventLoop loop, List<Future<T>> children, boolean returnExceptions) {
    super(loop);
    this.children = children;
    this.returnExceptions = returnExceptions;
    Set<Future<T>> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.addAll(children);
    this.remaining = distinct.size();
    for (Future<T> child : distinct) {
      child.addDoneCallback(this::childDone);
    }
  }

  private void childDone(Future<T> child) {
    remaining--;
    if (done()) {
      if (!child.cancelled()) {
        child.exception(); // later failures are marked retrieved (test_exception_marking)
      }
      return;
    }
    if (!returnExceptions) {
      if (child.cancelled()) {
        setException(cancelledError(child)); // a cancelled child counts as raising it (C1)
        return;
      }
      Throwable e = child.exception();
      if (e != null) {
        setException(e);
        return;
      }
    }
    if (remaining > 0) {
      return;
    }
    List<Outcome<T>> outcomes = new ArrayList<>(children.size());
    for (Future<T> c : children) {
      if (c.cancelled()) {
        outcomes.add(new Outcome.Failure<>(cancelledError(c)));
      } else if (c.exception() != null) {
        outcomes.add(new Outcome.Failure<>(c.exception()));
      } else {
        outcomes.add(new Outcome.Success<>(c.result()));
      }
    }
    if (cancelRequested) {
      setException(new CancelledError(cancelMessage));
    } else {
      setResult(outcomes);
    }
  }

  /** The error a cancelled future raises, with its message. */
  static CancelledError cancelledError(Future<?> cancelled) {
    try {
      cancelled.result();
    } catch (CancelledError e) {
      return e;
    }
    throw new IllegalStateException("not cancelled: " + cancelled);
  }

  /**
   * Cancels the unfinished children; the gather then ends with {@link CancelledError} once they are
   * all done. Once the gather is done it returns false and cancels nothing.
   *
   * @param msg the message passed to the children
   * @return true if any child accepted the cancellation
   */
  @Override
  public boolean cancel(@Nullable String msg) {
    if (done()) {
      // Returns false and leaves the children alone. Like Future.cancel, it marks a failure
      // retrieved: the task awaiting the gather and cancelled before it resumed gets
      // CancelledError instead, and asyncio's Task.__wakeup had read the result by then.
      return super.cancel(msg);
    }
    boolean accepted = false;
    for (Future<T> c : children) {
      if (c.cancel(msg)) {
        accepted = true;
      }
    }
    if (accepted) {
      cancelRequested = true;
      cancelMessage = msg;
    }
    return accepted;
  }
}
