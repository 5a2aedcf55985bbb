package io.github.asyncio4j;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * asyncio's {@code sleep}: per subscription, a future owned by its awaiter and completed by a
 * timer, or, for a delay of zero or less, completed at once so that the awaiter resumes after
 * exactly one pass of the loop (a bare yield). Cancelling the future cancels the timer.
 */
final class Sleep<T> extends Mono<T> {
  private final EventLoop loop;
  private final long delayNanos;
  private final @Nullable T result;

  Sleep(EventLoop loop, long delayNanos, @Nullable T result) {
    this.loop = loop;
    this.delayNanos = delayNanos;
    this.result = result;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    if (loop.isClosed()) {
      Operators.error(actual, new IllegalStateException("Event loop is closed"));
      return;
    }
    if (delayNanos <= 0) {
      Future<T> f = new Future<>(loop, () -> {});
      f.subscribe(actual);
      f.complete(Future.FINISHED, result, null); // resumes the awaiter one iteration from now
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
