package io.github.asyncio4j;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Exceptions;

/**
 * A Reactor periodic task on the loop: a chain of timers at {@code start + k * period} on the
 * loop's clock (fixed rate, as Reactor's schedulers do). Disposing cancels the pending timer; a
 * task that throws stops repeating and its error goes to the loop's exception handler.
 */
final class PeriodicTask implements Runnable, Disposable {
  private final EventLoop loop;
  private final Runnable task;
  private final long periodNanos;
  private final @Nullable LoopWorker worker;
  private long nextNanos;
  private volatile @Nullable Handle current;
  private volatile boolean disposed;

  PeriodicTask(
      EventLoop loop,
      Runnable task,
      long firstNanos,
      long periodNanos,
      @Nullable LoopWorker worker) {
    this.loop = loop;
    this.task = task;
    this.nextNanos = firstNanos;
    this.periodNanos = periodNanos;
    this.worker = worker;
  }

  void start() {
    current = loop.callAtNanos(nextNanos, this, false);
  }

  @Override
  public void run() {
    if (disposed) {
      return;
    }
    try {
      task.run();
    } catch (Throwable e) {
      Exceptions.throwIfJvmFatal(e);
      dispose();
      Map<String, Object> context = new LinkedHashMap<>();
      context.put("message", "Exception in periodic task " + task);
      context.put("exception", e);
      loop.callExceptionHandler(context);
      return;
    }
    if (disposed || loop.isDisposed()) {
      return;
    }
    nextNanos = periodNanos > 0 ? EventLoop.saturatedAdd(nextNanos, periodNanos) : loop.nanoTime();
    current = loop.callAtNanos(nextNanos, this, false);
    if (disposed) {
      Handle c = current;
      if (c != null) {
        c.cancel();
      }
    }
  }

  @Override
  public void dispose() {
    disposed = true;
    Handle c = current;
    if (c != null) {
      c.cancel();
    }
    LoopWorker w = worker;
    if (w != null) {
      w.remove(this);
    }
  }

  @Override
  public boolean isDisposed() {
    return disposed;
  }

  @Override
  public String toString() {
    return "PeriodicTask(" + task + ")";
  }
}
