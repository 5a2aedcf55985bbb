package io.github.asyncio4j.operators;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Handle;
import io.github.asyncio4j.Queue;
import io.github.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
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

  static <T> Flux<Future<T>> asCompleted(
      EventLoop loop, List<Future<T>> fs, @Nullable Duration timeout) {
    Set<Future<T>> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.addAll(fs);
    int n = distinct.size();
    if (n == 0) {
      return Flux.empty();
    }
    Queue<Future<T>> completed = new Queue<>();
    boolean[] timedOut = {false};
    Consumer<Future<T>> onDone = completed::putNowait;
    for (Future<T> f : distinct) {
      f.addDoneCallback(onDone);
    }
    Handle timer =
        timeout == null
            ? null
            : loop.callLater(
                timeout,
                () -> {
                  timedOut[0] = true;
                  completed.shutdown(); // what completed already is still delivered
                });
    return completed
        .asFlux()
        .take(n, true)
        .concatWith(Mono.defer(() -> timedOut[0] ? Mono.error(new TimeoutError()) : Mono.empty()))
        .doFinally(
            signal -> {
              if (timer != null) {
                timer.cancel();
              }
              for (Future<T> f : distinct) {
                f.removeDoneCallback(onDone);
              }
            });
  }

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
    return outer;
  }
}
