package io.github.asyncio4j;

import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * One {@code runInExecutor} call: runs on the executor's thread, completes its future on the loop,
 * and is also the future's done-callback so that cancelling the future disposes the scheduled work
 * (which only helps before it starts: threads are never interrupted).
 */
final class ExecutorCall<T> implements Runnable, Consumer<Future<T>> {
  private final EventLoop loop;
  private final Future<T> future;
  private final Callable<? extends T> fn;
  volatile @Nullable Disposable disposable;

  ExecutorCall(EventLoop loop, Future<T> future, Callable<? extends T> fn) {
    this.loop = loop;
    this.future = future;
    this.fn = fn;
  }

  @Override
  public void run() {
    if (future.done()) {
      return; // cancelled before it started
    }
    T value = null;
    Throwable error = null;
    try {
      value = fn.call();
    } catch (Throwable e) {
      error = e;
    }
    if (loop.isClosed()) {
      return;
    }
    T v = value;
    Throwable e = error;
    loop.callSoonAnyThread(() -> future.completeFromForeign(v, e));
  }

  @Override
  public void accept(Future<T> done) {
    Disposable d = disposable;
    if (done.cancelled() && d != null) {
      d.dispose();
    }
  }

  @Override
  public String toString() {
    return "runInExecutor(" + fn + ")";
  }
}
