package io.github.asyncio4j;

/**
 * The barrier was aborted or reset while waited on: asyncio's {@code asyncio.BrokenBarrierError}.
 */
public class BrokenBarrierError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * The error with a message.
   *
   * @param message why the barrier broke
   */
  public BrokenBarrierError(String message) {
    super(message);
  }
}
