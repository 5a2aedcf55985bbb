package io.github.asyncio4j;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * asyncio's {@code sleep}: per subscription, a future owned by its awaiter and completed by a
 * timer; cancelling the future cancels the timer.
 *
 * <p>A delay of zero or less is a bare yield (asyncio's {@code __sleep0}): the awaiter resumes
 * after exactly one pass of the loop. It needs no future of its own: every subscription awaits one
 * future, done from the start with the result, and schedules its {@link Await} with {@code
 * callSoon} itself, which is one object and one handle per yield. Inside a task the await is one of
 * the task's waiters, so a {@link Task#cancel(String)} during the yield finds it: the done future
 * cannot be cancelled, so the task remembers the request and the await delivers {@link
 * CancelledError} instead of the result when it runs, as asyncio's {@code __step} does after a bare
 * yield with {@code _must_cancel}. A Reactor cancel unsubscribes it: the callback then does
 * nothing.
 */
final class Sleep<T> extends Mono<T> {
  private final EventLoop loop;
  private final long delayNanos;
  private final @Nullable T result;

  /** For a yield: the result, as a done future every subscription awaits; null for a timer. */
  private final @Nullable Future<T> yielded;

  Sleep(EventLoop loop, long delayNanos, @Nullable T result) {
    this.loop = loop;
    this.delayNanos = delayNanos;
    this.result = result;
    if (delayNanos <= 0) {
      Future<T> done = new Future<>(loop);
      done.complete(Future.FINISHED, result, null);
      this.yielded = done;
    } else {
      this.yielded = null;
    }
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    if (loop.isClosed()) {
      Operators.error(actual, new IllegalStateException("Event loop is closed"));
      return;
    }
    Future<T> done = yielded;
    if (done != null) {
      bareYield(actual, done);
      return;
    }
    TimerCancel cancel = new TimerCancel();
    Future<T> f = new Future<>(loop, cancel);
    cancel.timer =
        loop.callAtNanos(
            EventLoop.saturatedAdd(loop.nanoTime(), delayNanos),
            () -> f.complete(Future.FINISHED, result, null),
            false);
    f.subscribe(actual);
  }

  /** A bare yield: resume {@code actual} with the result on the next iteration. */
  private void bareYield(CoreSubscriber<? super T> actual, Future<T> done) {
    Task<?> awaiting = actual.currentContext().getOrDefault(Task.class, null);
    if (awaiting != null && awaiting.loop != loop) {
      Operators.error(
          actual,
          new IllegalStateException(
              "Task " + awaiting + " got Future " + done + " attached to a different loop"));
      return;
    }
    Await<T> a = new Await<>(actual, done, awaiting);
    actual.onSubscribe(a);
    if (a.isCancelled()) {
      return;
    }
    if (awaiting != null) {
      awaiting.suspendOn(a); // so that the task's cancel finds it (and leaves it mustCancel)
    }
    loop.callSoonAnyThread(a); // runs after every callback already queued
  }

  /** Cancelling the sleep cancels its timer. */
  private static final class TimerCancel implements Future.Hooks {
    @Nullable TimerHandle timer;

    @Override
    public void onCancelled() {
      TimerHandle t = timer;
      if (t != null) {
        t.cancel();
      }
    }
  }

  @Override
  public String toString() {
    return "sleep(" + delayNanos / 1e9 + ")";
  }
}
