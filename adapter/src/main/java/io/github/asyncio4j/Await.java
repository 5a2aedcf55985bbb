package io.github.asyncio4j;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;

/**
 * One awaiter of a {@link Future}: the subscription its subscriber holds, the done-callback the
 * future schedules, and, inside a task, the entry by which {@link Task#cancel(String)} finds what
 * the task waits on.
 *
 * <p>It runs on the loop's thread as the task's step: {@link EventLoop#currentTask()} is the
 * awaiting task while the subscriber handles the outcome. A cancel requested while the outcome was
 * on its way (the task's {@code mustCancel}) replaces a result with {@link CancelledError}, as
 * asyncio's {@code __step} does; a cancelled future's own error, which came first, is kept.
 */
final class Await<T> extends Operators.MonoSubscriber<T, T> implements Runnable {
  final Future<T> future;
  final @Nullable Task<?> task;

  /** Whether the outcome was handed over; guarded by the task's lock. */
  boolean resumed;

  Await(CoreSubscriber<? super T> actual, Future<T> future, @Nullable Task<?> task) {
    super(actual);
    this.future = future;
    this.task = task;
  }

  /** The future is done: resume the awaiter. Loop thread. */
  @Override
  public void run() {
    if (isCancelled()) {
      return;
    }
    Task<?> t = task;
    if (t == null) {
      future.deliver(this);
      return;
    }
    t.removeWaiter(this);
    EventLoop loop = future.loop;
    Task<?> previous = loop.currentTask;
    loop.currentTask = t;
    try {
      if (t.mustCancel && !future.cancelled()) {
        t.mustCancel = false;
        onError(t.newCancelledError());
      } else {
        t.mustCancel = false;
        future.deliver(this);
      }
    } finally {
      loop.currentTask = previous;
    }
  }

  /** A Reactor cancel from downstream: unsubscribe, and cancel what belongs to this awaiter. */
  @Override
  public void cancel() {
    if (isCancelled()) {
      return;
    }
    super.cancel();
    Task<?> t = task;
    if (t != null) {
      t.removeWaiter(this);
    }
    future.awaiterCancelled(this);
  }

  @Override
  public String toString() {
    return "await " + future + (task != null ? " in " + task : "");
  }
}
