package io.github.asyncio4j.benchmarks;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * A subscriber to empty {@code Mono}s that counts their completions, reused for every subscription
 * of a run: what awaiting costs when nothing else is chained, so that a benchmark subscribing
 * through it measures the publisher alone ({@code acquire()} of a lock, a semaphore or a limiter),
 * not a new operator per call.
 *
 * <p>Subscribe it with {@code mono.subscribe(completions)}, the public {@code Mono} API. Not
 * thread-safe: the benchmarks that use it complete every {@code Mono} at once on the subscribing
 * thread (the uncontended, non-waiting path), and {@link #take()} checks that they did.
 */
final class Completions implements CoreSubscriber<Object> {
  private int completed;

  @Override
  public void onSubscribe(Subscription s) {
    s.request(Long.MAX_VALUE); // an empty Mono ignores it; a waiting one would need it
  }

  @Override
  public void onNext(Object value) {
    throw new IllegalStateException("an empty Mono was expected, not " + value);
  }

  @Override
  public void onError(Throwable error) {
    throw new IllegalStateException("the acquisition failed", error);
  }

  @Override
  public void onComplete() {
    completed++;
  }

  /**
   * Checks that exactly one subscription completed since the last call, then resets the count.
   *
   * @throws IllegalStateException if none did (it had to wait) or more than one did
   */
  void take() {
    if (completed != 1) {
      throw new IllegalStateException(
          "expected the acquisition to complete at once, but " + completed + " completed");
    }
    completed = 0;
  }
}
