package io.github.asyncio4j;

/**
 * {@link Queue#putNowait(Object)} found the queue full: asyncio's {@code asyncio.QueueFull}. Like
 * asyncio's, it has no message.
 */
public class QueueFull extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The error, without a message. */
  public QueueFull() {
    super(null, null, false, false);
  }
}
