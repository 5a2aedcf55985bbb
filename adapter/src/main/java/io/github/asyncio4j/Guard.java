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
 * there, else through {@code callSoonThreadsafe}; a cancel requested while that hand-off was under
 * way replaces a result with {@code CancelledError}, as a resumption does.
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
    private static final AtomicIntegerFieldUpdater<GuardSubscriber> DONE =
        AtomicIntegerFieldUpdater.newUpdater(GuardSubscriber.class, "done");

    private final EventLoop loop;
    private final @Nullable Task<?> task;
    private volatile @Nullable Subscription upstream;
    private volatile @Nullable T item;

    /** 0 while the publisher runs; 1 once its outcome, a cancel or the task's cancel won. */
    private volatile int done;

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
      if (!DONE.compareAndSet(this, 0, 1)) {
        if (!(e instanceof CancelledError)) {
          Operators.onErrorDropped(e, currentContext());
        }
        return;
      }
      hand(null, e);
    }

    @Override
    public void onComplete() {
      if (DONE.compareAndSet(this, 0, 1)) {
        hand(item, null);
      }
    }

    private void hand(@Nullable T value, @Nullable Throwable error) {
      Task<?> t = task;
      if (t != null) {
        t.removeGuard(this);
      }
      if (loop.inLoopThread()) {
        emit(value, error, false);
      } else {
        loop.callSoonAnyThread(() -> emit(value, error, true));
      }
    }

    /** Signals downstream on the loop's thread, as the task's step. */
    private void emit(@Nullable T value, @Nullable Throwable error, boolean resumed) {
      if (isCancelled()) {
        return;
      }
      Task<?> t = task;
      Task<?> previous = loop.currentTask;
      if (t != null) {
        loop.currentTask = t;
      }
      try {
        if (resumed && t != null && t.mustCancel && error == null) {
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
    }

    /** The task's cancel, when nothing else could take it. Loop thread. */
    boolean cancelFromTask(@Nullable String msg) {
      if (!DONE.compareAndSet(this, 0, 1)) {
        return false;
      }
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      Task<?> t = task;
      if (t != null) {
        t.removeGuard(this);
      }
      CancelledError error = new CancelledError(msg);
      loop.callSoonAnyThread(() -> emit(null, error, false));
      return true;
    }

    @Override
    public void cancel() {
      super.cancel();
      if (DONE.compareAndSet(this, 0, 1)) {
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        Task<?> t = task;
        if (t != null) {
          t.removeGuard(this);
        }
      }
    }
  }
}
