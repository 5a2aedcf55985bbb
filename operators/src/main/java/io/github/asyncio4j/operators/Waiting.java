package io.github.asyncio4j.operators;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Handle;
import io.github.asyncio4j.Queue;
import io.github.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** asyncio's {@code wait} and {@code as_completed}: waiting on futures without cancelling them. */
final class Waiting {
  private Waiting() {}

  static <T> Mono<DoneAndPending<T>> await(
      EventLoop loop, Set<Future<T>> fs, @Nullable Duration timeout, ReturnWhen returnWhen) {
    Future<Void> waiter = loop.createFuture();
    int[] counter = {fs.size()};
    Consumer<Future<T>> onDone =
        f -> {
          counter[0]--;
          if (waiter.done()) {
            return;
          }
          if (counter[0] <= 0
              || returnWhen == ReturnWhen.FIRST_COMPLETED
              || (returnWhen == ReturnWhen.FIRST_EXCEPTION
                  && !f.cancelled()
                  && f.exception() != null)) {
            waiter.setResult(null);
          }
        };
    for (Future<T> f : fs) {
      f.addDoneCallback(onDone);
    }
    Handle timer =
        timeout == null
            ? null
            : loop.callLater(
                timeout,
                () -> {
                  if (!waiter.done()) {
                    waiter.setResult(null);
                  }
                });
    return waiter
        .then(Mono.fromSupplier(() -> split(fs)))
        .doFinally(
            signal -> {
              if (timer != null) {
                timer.cancel();
              }
              for (Future<T> f : fs) {
                f.removeDoneCallback(onDone);
              }
            });
  }

  private static <T> DoneAndPending<T> split(Set<Future<T>> fs) {
    Set<Future<T>> done = new LinkedHashSet<>();
    Set<Future<T>> pending = new LinkedHashSet<>();
    for (Future<T> f : fs) {
      (f.done() ? done : pending).add(f);
    }
    return new DoneAndPending<>(
        Collections.unmodifiableSet(done), Collections.unmodifiableSet(pending));
  }

  /**
   * asyncio's {@code as_completed}: each future of {@code fs} (distinct) as it completes. Before
   * the timeout, every completion goes into a queue that the returned {@code Flux} drains with the
   * subscriber's demand; the timer is cancelled once all are in, so a slow consumer never sees a
   * timeout (asyncio's {@code _handle_completion}). When the timeout passes first, the futures stop
   * being watched (asyncio's {@code _on_timeout}): what completed already is still delivered, then
   * {@link TimeoutError}; a completion after that, even one whose callback is already scheduled, is
   * ignored. Nothing is cancelled. Callbacks and timer run on the loop's thread.
   */
  static <T> Flux<Future<T>> asCompleted(
      EventLoop loop, List<Future<T>> fs, @Nullable Duration timeout) {
    int n = fs.size();
    if (n == 0) {
      return Flux.empty();
    }
    AsCompleted<T> state = new AsCompleted<>(fs);
    for (Future<T> f : fs) {
      f.addDoneCallback(state);
    }
    if (timeout != null) {
      state.timer = loop.callLater(timeout, state::onTimeout);
    }
    return state
        .completed
        .asFlux()
        .take(n, true)
        .concatWith(
            Mono.defer(() -> state.timedOut ? Mono.error(new TimeoutError()) : Mono.empty()))
        .doFinally(signal -> state.stop());
  }

  /** The state of one {@link #asCompleted} subscription. Loop thread only. */
  private static final class AsCompleted<T> implements Consumer<Future<T>> {
    private final List<Future<T>> fs;
    final Queue<Future<T>> completed = new Queue<>();
    private int todo;
    boolean timedOut;
    @Nullable Handle timer;

    AsCompleted(List<Future<T>> fs) {
      this.fs = fs;
      this.todo = fs.size();
    }

    /** A future completed. */
    @Override
    public void accept(Future<T> f) {
      if (timedOut) {
        return; // scheduled before the timeout removed us: asyncio no longer watches it
      }
      completed.putNowait(f);
      if (--todo == 0) {
        cancelTimer(); // everything is in: however slowly it is consumed, no timeout
      }
    }

    void onTimeout() {
      timedOut = true;
      removeCallbacks();
      completed.shutdown(); // what completed already is still delivered, then TimeoutError
    }

    void stop() {
      cancelTimer();
      removeCallbacks();
    }

    private void cancelTimer() {
      Handle t = timer;
      if (t != null) {
        t.cancel();
      }
    }

    private void removeCallbacks() {
      for (Future<T> f : fs) {
        f.removeDoneCallback(this);
      }
    }
  }

  /**
   * asyncio's {@code shield}: {@code aw}'s future as is when done, else a new outer future, private
   * to this subscription, that mirrors it. Cancelling the outer (the awaiting task cancelled, or a
   * Reactor cancel, which here is asyncio's {@code outer.cancel()}) stops watching the inner and
   * leaves it running; a failure of it is then nobody's to retrieve, and is reported as such.
   */
  static <T> Mono<T> shield(EventLoop loop, Mono<T> aw) {
    Future<T> inner = loop.ensureFuture(aw);
    if (inner.done()) {
      return inner;
    }
    Future<T> outer = loop.createFuture();
    Consumer<Future<T>> copy =
        i -> {
          if (outer.done()) {
            if (!i.cancelled()) {
              i.exception(); // mark retrieved: the outer's awaiter was told already
            }
          } else if (i.cancelled()) {
            outer.cancel();
          } else if (i.exception() != null) {
            outer.setException(i.exception());
          } else {
            outer.setResult(i.result());
          }
        };
    inner.addDoneCallback(copy);
    outer.addDoneCallback(
        o -> {
          if (o.cancelled() && !inner.done()) {
            // The retrieval gap of asyncio's shield: nobody awaits the inner any more, so a
            // failure of it is reported as never retrieved.
            inner.removeDoneCallback(copy);
          }
        });
    // The outer has one awaiter: a Reactor cancel of it cancels the outer, so the inner is not
    // watched for nobody (and its failure is reported as its own, as in asyncio).
    return outer.doOnCancel(outer::cancel);
  }
}
