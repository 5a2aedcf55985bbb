package io.github.asyncio4j;

import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;

/**
 * The operation was cancelled: asyncio's {@code asyncio.CancelledError}.
 *
 * <p>A task is cancelled exactly when a {@code CancelledError} reaches the end of its chain. {@link
 * Task#cancel(String)} delivers one, carrying the message, to the asyncio4j awaitable the task
 * waits on; the chain may handle it as {@code except CancelledError:} would, for example {@code
 * onErrorResume(CancelledError.class, e -> cleanup.then(Mono.error(e)))}.
 *
 * <p>It extends {@link CancellationException}, so code that knows {@link
 * java.util.concurrent.CompletableFuture} recognises it. Unlike asyncio, where it derives from
 * {@code BaseException}, a Java {@code catch (RuntimeException e)} also catches it: re-throw it
 * unless you mean to suppress the cancellation.
 */
public class CancelledError extends CancellationException {
  private static final long serialVersionUID = 1L;

  /** A cancellation without a message, as {@code CancelledError()}. */
  public CancelledError() {
    super();
  }

  /**
   * A cancellation with the message given to {@code cancel(msg)}.
   *
   * @param message the cancel message, or {@code null} for none
   */
  public CancelledError(@Nullable String message) {
    super(message);
  }
}
