package io.github.asyncio4j.samples.webflux;

import io.github.asyncio4j.EventLoop;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Runs a request's work as a task on the service's one {@link EventLoop}, and gives its outcome
 * back as a {@code Mono} for WebFlux to write: the bridge between a Netty thread, which has no
 * loop, and the operators that need one ({@code gather}, {@code timeout}, {@code shield}).
 *
 * <p>asyncio's {@code asyncio.run_coroutine_threadsafe(coro, loop)}: {@link EventLoop#submit(Mono)}
 * starts the task from any thread. (Not {@code loop.createTask} from the Netty thread: that method
 * is loop-only, forwarded when called from elsewhere but refused in the loop's debug mode.) The
 * task starts when WebFlux subscribes, on a later iteration of the loop.
 *
 * <p><b>Cancellation.</b> When the client goes away, WebFlux cancels its subscription; the
 * subscription cancels the submitted future, and that cancels the task: asyncio's {@code
 * task.cancel()}. The task's chain then sees {@link io.github.asyncio4j.CancelledError} at what it
 * awaits, and every downstream call it made through {@link EventLoop#wrap} is cancelled in turn,
 * unless it is shielded.
 *
 * <p><b>Threads.</b> The work runs on the loop's thread. The returned {@code Mono} signals on the
 * loop's thread, so WebFlux encodes the answer there: keep answers small, or {@code publishOn} a
 * Reactor scheduler.
 */
public final class OnLoop {
  private final EventLoop loop;

  /**
   * A bridge to {@code loop}.
   *
   * @param loop a running loop, e.g. {@link EventLoop#newThreadEventLoop(String)}
   */
  public OnLoop(EventLoop loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  /**
   * The loop the work runs on.
   *
   * @return the loop
   */
  public EventLoop loop() {
    return loop;
  }

  /**
   * Runs {@code coroutine} as a task on the loop when the returned {@code Mono} is subscribed, once
   * per subscription. Cancelling the subscription cancels the task.
   *
   * @param coroutine the work; subscribed on the loop's thread, inside the task
   * @param <T> the result type
   * @return the task's outcome, signalled on the loop's thread
   */
  public <T> Mono<T> run(Mono<T> coroutine) {
    Objects.requireNonNull(coroutine, "coroutine");
    // fromFuture without suppressCancel: a Reactor cancel is future.cancel(), which cancels the
    // task.
    return Mono.fromFuture(() -> loop.submit(coroutine));
  }
}
