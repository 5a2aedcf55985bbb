package io.github.asyncio4j;

/**
 * A {@link Queue} whose most recently added item leaves first: asyncio's {@code asyncio.LifoQueue}.
 * Everything else (capacity, fairness between waiters, cancellation, shutdown, threads) is {@link
 * Queue}'s.
 *
 * @param <T> the item type
 */
public final class LifoQueue<T> extends Queue<T> {
  /** An unbounded LIFO queue: asyncio's {@code LifoQueue()}. */
  public LifoQueue() {
    this(0);
  }

  /**
   * A LIFO queue of at most {@code maxsize} items: asyncio's {@code LifoQueue(maxsize)}.
   *
   * @param maxsize the capacity; zero or less means unbounded
   */
  public LifoQueue(int maxsize) {
    super(maxsize, QueueStore.Ends.lifo());
  }
}
