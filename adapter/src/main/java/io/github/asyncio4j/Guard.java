package io.github.asyncio4j;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * {@link EventLoop#wrap(Publisher)}: a foreign publisher awaited as an asyncio4j awaitable.
 *
 * <p>Inside a task, the guard registers with the task while the publisher runs. When the task is
 * cancelled and nothing of ours inside can take the cancellation (no future it waits on accepts
 * it), {@link Task#cancel(String)} asks the innermost guard: the guard cancels the publisher
 * (Reactor's plain cancel, all a foreign publisher understands) and delivers {@link CancelledError}
 * to its own subscriber on the next iteration, where the task's chain can handle it. The
 * publisher's own outcome is handed to the subscriber on the loop's thread: at once when it arrives
 * there, else through {@code callSoonThreadsafe}; a task's cancel requested while that hand-off is
 * under way is still taken by the guard, and replaces the outcome with {@code CancelledError}, as a
 * resumption does.
 */
final class Guard<T> extends Mono<T> {
  private final EventLoop loop;
  private final Publisher<? extends T> source;

  Guard(EventLoop loop, Publisher<? extends T> source) {
    this.loop = loop;
    this.source = source;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    Task<?> task = actual.currentContext().getOrDefault(Task.class, null);
    if (task != null && task.loop != loop) {
      task = null; // another loop's task: it cannot cancel through us
    }
    GuardSubscriber<T> g = new GuardSubscriber<>(loop, actual, task);
    actual.onSubscribe(g);
    if (g.isCancelled()) {
      return;
    }
    if (task != null) {
      task.addGuard(g);
    }
    Mono.<T>from(source).subscribe(g);
  }

  @Override
  public String toString() {
    return "wrap(" + source + ")";
  }

  static final class GuardSubscriber<T> extends Operators.MonoSubscriber<T, T> {
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<GuardSubscriber> STATE =
        AtomicIntegerFieldUpdater.newUpdater(GuardSubscriber.class, "state");

    /*
     * Lifecycle:
     *   RUNNING -> DONE     the outcome arrived on the loop's thread, a Reactor cancel, or the
     *                       task's cancel (the publisher is cancelled)
     *   RUNNING -> HANDING  the outcome arrived on another thread and is on its way to the loop
     *   HANDING -> DONE     on the loop, as the hand-off runs
     * While HANDING the guard stays registered with the task, so that a task's cancel in that
     * window is taken here (lateCancel) and replaces the outcome, as a resumption's would.
     */
    private static final int RUNNING = 0;
    private static final int HANDING = 1;
    private static final int DONE = 2;

    private final EventLoop loop;
    private final @Nullable Task<?> task;
    private volatile @Nullable Subscription upstream;
    private volatile @Nullable T item;
    private volatile int state;

    /** The task's cancel that came while the outcome was on its way. Loop thread only. */
    private @Nullable CancelledError lateCancel;

    GuardSubscriber(EventLoop loop, CoreSubscriber<? super T> actual, @Nullable Task<?> task) {
      super(actual);
      this.loop = loop;
      this.task = task;
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
      if (item == null) {
        item = t;
      }
    }

    @Override
    public void onError(Throwable e) {
      if (!hand(null, e) && !(e instanceof CancelledError)) {
        Operators.onErrorDropped(e, currentContext());
      }
    }

    @Override
    public void onComplete() {
      hand(item, null);
    }

    /** The publisher's outcome: to the subscriber now on the loop's thread, else through it. */
    private boolean hand(@Nullable T value, @Nullable Throwable error) {
      if (loop.inLoopThread()) {
        if (!STATE.compareAndSet(this, RUNNING, DONE)) {
          return false; // cancelled first
        }
        unregister();
        emit(value, error, false);
      } else {
        if (!STATE.compareAndSet(this, RUNNING, HANDING)) {
          return false;
        }
        loop.callSoonAnyThread(
            () -> {
              state = DONE;
              unregister();
              emit(value, error, true);
            });
      }
      return true;
    }

    private void unregister() {
      Task<?> t = task;
      if (t != null) {
        t.removeGuard(this);
      }
    }

    /** Signals downstream on the loop's thread, as the task's step. */
    private void emit(@Nullable T value, @Nullable Throwable error, boolean resumed) {
      if (isCancelled()) {
        if (error != null && !(error instanceof CancelledError)) {
          Operators.onErrorDropped(error, currentContext());
        }
        return;
      }
      Task<?> t = task;
      Task<?> previous = loop.currentTask;
      if (t != null) {
        loop.currentTask = t;
      }
      try {
        CancelledError late = lateCancel;
        if (late != null) {
          // The task was cancelled while the outcome was on its way: as a resumption, the chain
          // sees CancelledError instead. A failure it replaces is not lost.
          if (error != null && !(error instanceof CancelledError)) {
            Operators.onErrorDropped(error, currentContext());
          }
          actual.onError(late);
        } else if (resumed && t != null && t.mustCancel && error == null) {
          t.mustCancel = false; // cancelled while the result was on its way: as a resumption
          actual.onError(t.newCancelledError());
        } else if (error != null) {
          actual.onError(error);
        } else if (value == null) {
          actual.onComplete();
        } else {
          complete(value);
        }
      } finally {
        loop.currentTask = previous;
      }
      if (t != null && previous != t) {
        // This was a step of the task of its own (not a synchronous completion inside one): a
        // cancel requested during it that no await of ours took is applied now, as an Await's
        // resumption does. Else a task that cancels itself, then awaits a foreign publisher,
        // would wait for as long as the publisher does.
        t.endOfStep();
      }
    }

    /**
     * The task's cancel, when nothing else could take it: the publisher is cancelled and the
     * subscriber gets {@code CancelledError(msg)} on the next iteration; or, if the outcome is on
     * its way, that outcome is replaced by it. Loop thread.
     *
     * @return false if the outcome was already delivered or the subscriber cancelled
     */
    boolean cancelFromTask(@Nullable String msg) {
      for (; ; ) {
        int s = state;
        if (s == HANDING) {
          if (lateCancel == null) {
            lateCancel = new CancelledError(msg); // a second cancel keeps the first message (T3)
          }
          return true;
        }
        if (s == DONE) {
          return false;
        }
        // Losing this race to the publisher's outcome on another thread makes it HANDING: retry.
        if (STATE.compareAndSet(this, RUNNING, DONE)) {
          break;
        }
      }
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      unregister();
      CancelledError error = new CancelledError(msg);
      loop.callSoonAnyThread(() -> emit(null, error, false));
      return true;
    }

    @Override
    public void cancel() {
      super.cancel();
      // While HANDING, the hand-off unregisters and finds the subscriber cancelled.
      if (STATE.compareAndSet(this, RUNNING, DONE)) {
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        unregister();
      }
    }
  }
}
