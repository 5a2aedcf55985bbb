package io.github.asyncio4j;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
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
    Handle h =
        delay <= 0
            ? loop.scheduleNow(w)
            : loop.callAtNanos(
                EventLoop.saturatedAdd(loop.nanoTime(), unit.toNanos(delay)), w, false);
    w.handle = h;
    if (!pending.add(h)) {
      h.cancel(); // disposed meanwhile
      throw Exceptions.failWithRejected();
    }
    return h;
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
    p.start();
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

  /** Runs the task and forgets its handle, so the worker does not keep finished tasks. */
  private static final class WorkerTask implements Runnable {
    private final LoopWorker worker;
    private final Runnable task;
    volatile Handle handle;

    WorkerTask(LoopWorker worker, Runnable task) {
      this.worker = worker;
      this.task = task;
    }

    @Override
    public void run() {
      Handle h = handle;
      if (h != null) {
        worker.remove(h);
      }
      task.run();
    }

    @Override
    public String toString() {
      return task.toString();
    }
  }
}
