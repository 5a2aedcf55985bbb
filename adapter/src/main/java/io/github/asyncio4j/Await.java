package io.github.asyncio4j;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
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
 * asyncio's {@code __step} does; a cancelled future's own error, which came first, is kept. A
 * cancel requested during the step itself is applied when the step ends ({@code Task.endOfStep}).
 */
final class Await<T> extends Operators.MonoSubscriber<T, T> implements Runnable {
  private static final AtomicIntegerFieldUpdater<Await> OUTCOME =
      AtomicIntegerFieldUpdater.newUpdater(Await.class, "outcome");
  private static final int WAITING = 0;
  private static final int RESUMED = 1;
  private static final int DROPPED = 2;

  final Future<T> future;
  final @Nullable Task<?> task;

  /** WAITING -> RESUMED (the outcome was delivered) or DROPPED (a result it will never see). */
  private volatile int outcome;

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
      resume();
      return;
    }
    t.removeWaiter(this);
    EventLoop loop = Objects.requireNonNull(future.loop);
    Task<?> previous = loop.currentTask;
    loop.currentTask = t;
    try {
      if (t.mustCancel && !future.cancelled()) {
        // Cancelled after the future completed (asyncio's __step with _must_cancel): the chain
        // sees CancelledError instead, and an owner gets back what it handed over.
        t.mustCancel = false;
        if (OUTCOME.compareAndSet(this, WAITING, DROPPED)) {
          dropped();
        }
        onError(t.newCancelledError());
      } else {
        t.mustCancel = false;
        resume();
      }
    } finally {
      loop.currentTask = previous;
    }
    t.endOfStep(); // a cancel requested during this step, not taken by an await of ours
  }

  /** Delivers the outcome, once; an owned future's owner hears of it first. */
  void resume() {
    if (!OUTCOME.compareAndSet(this, WAITING, RESUMED)) {
      return;
    }
    Future.Hooks h = future.hooks;
    if (h != null && future.succeeded()) {
      h.onResumed();
    }
    future.deliver(this);
  }

  private void dropped() {
    Future.Hooks h = future.hooks;
    if (h != null && future.succeeded()) {
      h.onDropped();
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
    // Withdraw first (an owned future is cancelled), then look: a hand-off that won the race
    // left the future done, and what it handed over goes back to the owner.
    future.awaiterCancelled(this);
    if (future.done() && OUTCOME.compareAndSet(this, WAITING, DROPPED)) {
      dropped();
    }
  }

  @Override
  public String toString() {
    return "await " + future + (task != null ? " in " + task : "");
  }
}
