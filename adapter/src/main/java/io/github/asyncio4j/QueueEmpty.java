package io.github.asyncio4j;

/**
 * {@link Queue#getNowait()} found the queue empty: asyncio's {@code asyncio.QueueEmpty}. Like
 * asyncio's, it has no message.
 */
public class QueueEmpty extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The error, without a message. */
  public QueueEmpty() {
    super(null, null, false, false);
  }
}
