package io.github.asyncio4j;

import java.util.Comparator;
import java.util.Objects;

/**
 * A {@link Queue} whose smallest item leaves first: asyncio's {@code asyncio.PriorityQueue}. Items
 * are ordered by their natural order or a {@link Comparator}; unlike asyncio's heap, equal items
 * leave in the order they were put. Everything else is {@link Queue}'s.
 *
 * @param <T> the item type
 */
public final class PriorityQueue<T> extends Queue<T> {
  /**
   * An unbounded priority queue of {@link Comparable} items: asyncio's {@code PriorityQueue()}.
   *
   * @param <T> a comparable item type
   * @return a new queue
   */
  public static <T extends Comparable<? super T>> PriorityQueue<T> natural() {
    return new PriorityQueue<>(0, Comparator.naturalOrder());
  }

  /**
   * A priority queue of {@link Comparable} items holding at most {@code maxsize}: asyncio's {@code
   * PriorityQueue(maxsize)}.
   *
   * @param maxsize the capacity; zero or less means unbounded
   * @param <T> a comparable item type
   * @return a new queue
   */
  public static <T extends Comparable<? super T>> PriorityQueue<T> natural(int maxsize) {
    return new PriorityQueue<>(maxsize, Comparator.naturalOrder());
  }

  /**
   * A priority queue ordered by {@code order}, holding at most {@code maxsize} items.
   *
   * @param maxsize the capacity; zero or less means unbounded
   * @param order which item leaves first (the smallest)
   */
  public PriorityQueue(int maxsize, Comparator<? super T> order) {
    super(maxsize, new QueueStore.Priority<>(Objects.requireNonNull(order, "order")));
  }
}
