package io.github.asyncio4j;

/**
 * An operation is not allowed in the future's current state: asyncio's {@code
 * asyncio.InvalidStateError}, for example {@code setResult} on a future that is already done
 * ({@code "invalid state"}) or {@code result()} on a pending one ({@code "Result is not set."}).
 */
public class InvalidStateError extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * An invalid-state error with asyncio's message.
   *
   * @param message what was attempted and why it is not allowed
   */
  public InvalidStateError(String message) {
    super(message);
  }
}
