package io.github.asyncio4j;

import org.jspecify.annotations.Nullable;

/**
 * A deadline passed: Python's built-in {@code TimeoutError}, which {@code asyncio.TimeoutError} is
 * since Python 3.11. Raised by {@code waitFor}, {@code timeout} and {@code asCompleted}; when it
 * comes from cancelling the work that overran, the {@link CancelledError} is its cause.
 */
public class TimeoutError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A timeout without a message. */
  public TimeoutError() {
    super();
  }

  /**
   * A timeout with a message.
   *
   * @param message what timed out
   */
  public TimeoutError(@Nullable String message) {
    super(message);
  }

  /**
   * A timeout caused by the given exception, typically the {@link CancelledError} of the work that
   * was cancelled when the deadline passed.
   *
   * @param message what timed out
   * @param cause the exception that the timeout replaced
   */
  public TimeoutError(@Nullable String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
