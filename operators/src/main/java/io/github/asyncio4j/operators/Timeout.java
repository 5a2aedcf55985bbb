package io.github.asyncio4j.operators;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionGroup;
import io.github.asyncio4j.Handle;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;

/**
 * A deadline around a piece of a task: asyncio's {@code asyncio.Timeout}, made by {@link
 * Asyncio#timeout(Duration)} and {@link Asyncio#timeoutAt(Double)}; {@link #wrap(Mono)} plays
 * {@code async with timeout:}.
 *
 * <h2>How it works (asyncio's C5)</h2>
 *
 * <p>Entering (subscribing to the wrapped {@code Mono}) needs a current task and records its {@link
 * Task#cancelling()} count. When the deadline passes, the task is cancelled: the body gets {@link
 * CancelledError} at whatever it awaits (a foreign publisher is cancelled there too), may clean up,
 * and when the {@code CancelledError} comes out of the body, the timeout turns it into {@link
 * TimeoutError} (its cause), and the task is {@code uncancel()}ed back to the recorded count, so
 * the task itself is not left cancelled. A cancellation from outside is never turned into a
 * timeout; with nested timeouts only the outermost expired one raises {@code TimeoutError}. A body
 * that suppresses the cancellation ends normally. A deadline already passed fires on the next
 * iteration, so a body that completes without waiting is not interrupted.
 *
 * <p>A Reactor {@code cancel()} of the wrapped {@code Mono} leaves the block: the timer is
 * cancelled and a cancellation the timeout already requested is taken back ({@code uncancel()}).
 *
 * <p>Lifecycle: {@code CREATED -> ENTERED -> (deadline) EXPIRING -> EXPIRED}, or {@code ENTERED ->
 * EXITED}. A {@code Timeout} is entered once. It is loop-only: its methods are called on the loop's
 * thread, from the task that entered it or another one (to move its deadline, say).
 */
public final class Timeout {
  private enum State {
    CREATED,
    ENTERED,
    EXPIRING,
    EXPIRED,
    EXITED
  }

  private final @Nullable Duration delay;
  private @Nullable Double when;
  private State state = State.CREATED;
  private @Nullable Task<?> task;
  private @Nullable EventLoop loop;
  private @Nullable Handle handle;
  private int cancelling;

  private Timeout(@Nullable Duration delay, @Nullable Double when) {
    this.delay = delay;
    this.when = when;
  }

  static Timeout after(@Nullable Duration delay) {
    return new Timeout(delay, null);
  }

  static Timeout at(@Nullable Double when) {
    return new Timeout(null, when);
  }

  /**
   * The deadline on the loop's clock, in seconds: asyncio's {@code Timeout.when()}. A relative
   * timeout has its deadline from the moment it is entered.
   *
   * @return the deadline, or null for none (also before a relative timeout is entered)
   */
  public @Nullable Double when() {
    return when;
  }

  /**
   * Moves the deadline: asyncio's {@code Timeout.reschedule(when)}.
   *
   * @param newWhen the new deadline on the loop's clock, or null for none
   * @throws IllegalStateException {@code "Timeout has not been entered"}, or {@code "Cannot change
   *     state of expiring|expired|finished Timeout"}
   */
  public void reschedule(@Nullable Double newWhen) {
    if (state == State.CREATED) {
      throw new IllegalStateException("Timeout has not been entered");
    }
    if (state != State.ENTERED) {
      String name = state == State.EXITED ? "finished" : state.name().toLowerCase(Locale.ROOT);
      throw new IllegalStateException("Cannot change state of " + name + " Timeout");
    }
    if (newWhen != null && newWhen.isNaN()) {
      throw new IllegalArgumentException("when must be a number but it was NaN");
    }
    when = newWhen;
    Handle h = handle;
    if (h != null) {
      h.cancel();
      handle = null;
    }
    if (newWhen != null) {
      EventLoop l = Objects.requireNonNull(loop);
      // Already due: fire on the next iteration, so a body that does not wait is not interrupted.
      handle =
          newWhen <= l.time() ? l.callSoon(this::onTimeout) : l.callAt(newWhen, this::onTimeout);
    }
  }

  /**
   * Whether the deadline passed: asyncio's {@code Timeout.expired()}.
   *
   * @return true once expiring or expired
   */
  public boolean expired() {
    return state == State.EXPIRING || state == State.EXPIRED;
  }

  /**
   * Runs {@code body} under this deadline: asyncio's {@code async with timeout: body}. Subscribing
   * enters the timeout, inside a task.
   *
   * @param body the work
   * @param <T> the result type
   * @return {@code body}'s outcome, or {@link TimeoutError} if the deadline cut it short; {@code
   *     IllegalStateException("Timeout should be used inside a task")} outside a task, {@code
   *     "Timeout has already been entered"} on a second subscription
   */
  public <T> Mono<T> wrap(Mono<T> body) {
    Objects.requireNonNull(body, "body");
    return Mono.deferContextual(
        ctx -> {
          if (state != State.CREATED) {
            return Mono.error(new IllegalStateException("Timeout has already been entered"));
          }
          Task<?> t = ctx.getOrDefault(Task.class, null);
          if (t == null) {
            return Mono.error(new IllegalStateException("Timeout should be used inside a task"));
          }
          EventLoop l = t.getLoop();
          task = t;
          loop = l;
          state = State.ENTERED;
          cancelling = t.cancelling();
          Duration d = delay;
          if (d != null) {
            // Seconds and nanos apart: Duration.toNanos() overflows beyond 292 years.
            when = l.time() + d.getSeconds() + d.getNano() / 1e9;
          }
          reschedule(when);
          return l.wrap(body).materialize().flatMap(this::exit).doOnCancel(this::abandoned);
        });
  }

  private void onTimeout() {
    if (state != State.ENTERED) {
      return;
    }
    handle = null;
    Objects.requireNonNull(task).cancel();
    state = State.EXPIRING;
  }

  private <T> Mono<T> exit(Signal<T> body) {
    cancelTimer();
    Throwable error = body.getThrowable();
    if (state == State.EXPIRING) {
      state = State.EXPIRED;
      // No cancel request newer than ours: the cancellation is the timeout's to handle.
      if (Objects.requireNonNull(task).uncancel() <= cancelling && error != null) {
        if (error instanceof CancelledError) {
          return Mono.error(new TimeoutError(null, error));
        }
        // Python 3.13: a failure raised while expiring carries the timeout in its context, and
        // so do the members of a group (a TaskGroup's errors).
        insertTimeoutError(error);
        if (error instanceof ExceptionGroup eg) {
          for (Throwable e : eg.exceptions()) {
            insertTimeoutError(e);
          }
        }
      }
    } else if (state == State.ENTERED) {
      state = State.EXITED;
    }
    if (error != null) {
      return Mono.error(error);
    }
    return body.isOnNext() ? Mono.justOrEmpty(body.get()) : Mono.empty();
  }

  private static void insertTimeoutError(Throwable error) {
    error.addSuppressed(new TimeoutError("the timeout expired while this was raised"));
  }

  /**
   * A Reactor cancel of the wrapped {@code Mono}: the block is left without an outcome. The timer
   * goes, and a cancellation the timeout already requested is taken back, as leaving the block
   * would; the timeout is finished, so it can no longer cancel the task.
   */
  private void abandoned() {
    cancelTimer();
    if (state == State.ENTERED) {
      state = State.EXITED;
    } else if (state == State.EXPIRING) {
      state = State.EXPIRED;
      Objects.requireNonNull(task).uncancel();
    }
  }

  private void cancelTimer() {
    Handle h = handle;
    if (h != null) {
      h.cancel();
      handle = null;
    }
  }

  /**
   * asyncio's repr: {@code <Timeout [active] when=12.5>} (the deadline rounded to milliseconds, or
   * {@code None}) while active, else {@code <Timeout [created]>}, {@code [expiring]}, {@code
   * [expired]} or {@code [finished]}.
   *
   * @return the state, and the deadline while active
   */
  @Override
  public String toString() {
    String s =
        switch (state) {
          case CREATED -> "created";
          case ENTERED -> "active";
          case EXPIRING -> "expiring";
          case EXPIRED -> "expired";
          case EXITED -> "finished";
        };
    if (state != State.ENTERED) {
      return "<Timeout [" + s + "]>";
    }
    Double w = when;
    String shown =
        w == null
            ? "None"
            : Double.toString(Math.abs(w) < 1e12 ? Math.round(w * 1000) / 1000.0 : w);
    return "<Timeout [" + s + "] when=" + shown + ">";
  }
}
