package io.github.asyncio4j;

/**
 * The queue was shut down: asyncio's {@code asyncio.QueueShutDown} (Python 3.13). {@code put}
 * raises it once the queue is shut down; {@code get} raises it once the queue is also empty.
 */
public class QueueShutDown extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The error, without a message, as asyncio raises it. */
  public QueueShutDown() {
    super();
  }
}
