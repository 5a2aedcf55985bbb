package io.github.asyncio4j;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A Reactor {@link Scheduler.Worker} on an {@link EventLoop}. Its tasks are the loop's handles and
 * timers, so they keep the loop's order; it tracks the pending ones so that {@link #dispose()}
 * cancels them (ordering rule 9) and later schedules are rejected.
 */
final class LoopWorker implements Scheduler.Worker {
  private final EventLoop loop;
  private final Disposable.Composite pending = Disposables.composite();

  LoopWorker(EventLoop loop) {
    this.loop = loop;
  }

  @Override
  public Disposable schedule(Runnable task) {
    return schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(unit, "unit");
    if (pending.isDisposed()) {
      throw Exceptions.failWithRejected();
    }
    loop.rejectIfDisposed();
    WorkerTask w = new WorkerTask(this, Schedulers.onSchedule(task));
    // Track it before the loop can see it: scheduled first, a task submitted from another thread
    // could run (and try to untrack itself) before it was tracked, and stay tracked forever.
    if (!pending.add(w)) {
      throw Exceptions.failWithRejected(); // disposed meanwhile
    }
    Handle h;
    try {
      h =
          delay <= 0
              ? loop.scheduleNow(w)
              : loop.callAtNanos(
                  EventLoop.saturatedAdd(loop.nanoTime(), unit.toNanos(delay)), w, false);
    } catch (IllegalStateException closedMeanwhile) {
      pending.remove(w);
      throw Exceptions.failWithRejected();
    }
    w.setHandle(h);
    return w;
  }

  @Override
  public Disposable schedulePeriodically(
      Runnable task, long initialDelay, long period, TimeUnit unit) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(unit, "unit");
    if (pending.isDisposed()) {
      throw Exceptions.failWithRejected();
    }
    loop.rejectIfDisposed();
    PeriodicTask p =
        new PeriodicTask(
            loop,
            Schedulers.onSchedule(task),
            EventLoop.saturatedAdd(loop.nanoTime(), unit.toNanos(initialDelay)),
            unit.toNanos(period),
            this);
    if (!pending.add(p)) {
      throw Exceptions.failWithRejected();
    }
    try {
      p.start();
    } catch (IllegalStateException closedMeanwhile) {
      pending.remove(p);
      throw Exceptions.failWithRejected();
    }
    return p;
  }

  void remove(Disposable d) {
    pending.remove(d);
  }

  @Override
  public void dispose() {
    pending.dispose();
  }

  @Override
  public boolean isDisposed() {
    return pending.isDisposed();
  }

  /** Number of tracked tasks: for tests that the worker forgets tasks once run or disposed. */
  int pendingCount() {
    return pending.size();
  }

  /**
   * One task of the worker, and the {@link Disposable} its caller gets: it untracks itself when it
   * runs or is disposed, so the worker does not keep finished or cancelled tasks.
   */
  private static final class WorkerTask implements Runnable, Disposable {
    private final LoopWorker worker;
    private final Runnable task;
    private volatile @Nullable Handle handle;
    private volatile boolean disposed;

    WorkerTask(LoopWorker worker, Runnable task) {
      this.worker = worker;
      this.task = task;
    }

    void setHandle(Handle h) {
      handle = h;
      if (disposed) {
        h.cancel(); // disposed before the handle was known: dispose() could not cancel it
      }
    }

    @Override
    public void run() {
      worker.remove(this);
      if (!disposed) {
        task.run();
      }
    }

    @Override
    public void dispose() {
      disposed = true;
      Handle h = handle;
      if (h != null) {
        h.cancel();
      }
      worker.remove(this);
    }

    @Override
    public boolean isDisposed() {
      Handle h = handle;
      return disposed || (h != null && h.isDisposed());
    }

    @Override
    public String toString() {
      return task.toString();
    }
  }
}
