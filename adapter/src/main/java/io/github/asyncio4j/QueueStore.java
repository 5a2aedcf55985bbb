package io.github.asyncio4j;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Where a queue keeps its items: asyncio's {@code _put}/{@code _get} hooks. Guarded by the queue's
 * lock. {@link #giveBack} returns an item that a cancelled getter was handed, so that it is the
 * next one out.
 */
interface QueueStore<T> {
  void add(T item);

  T take();

  void giveBack(T item);

  int size();

  void clear();

  /**
   * First in, first out (asyncio's {@code Queue}) or last in, first out (asyncio's {@code
   * LifoQueue}): both take from one end of a deque, and a given-back item goes where the next
   * {@code take} looks.
   */
  final class Ends<T> implements QueueStore<T> {
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final boolean lifo;

    private Ends(boolean lifo) {
      this.lifo = lifo;
    }

    static <T> Ends<T> fifo() {
      return new Ends<>(false);
    }

    static <T> Ends<T> lifo() {
      return new Ends<>(true);
    }

    @Override
    public void add(T item) {
      items.addLast(item);
    }

    @Override
    public T take() {
      return lifo ? items.pollLast() : items.pollFirst();
    }

    @Override
    public void giveBack(T item) {
      if (lifo) {
        items.addLast(item);
      } else {
        items.addFirst(item);
      }
    }

    @Override
    public int size() {
      return items.size();
    }

    @Override
    public void clear() {
      items.clear();
    }

    @Override
    public String toString() {
      return items.toString();
    }
  }

  /**
   * Lowest first: asyncio's {@code PriorityQueue}. Unlike asyncio's heapq, equal items leave in
   * insertion order (a sequence number breaks ties), so {@code (priority, seq, item)} tuples are
   * not needed.
   */
  final class Priority<T> implements QueueStore<T> {
    private record Entry<T>(T item, long seq) {}

    private final PriorityQueue<Entry<T>> items;
    private long seq; // counts up from 0 for puts
    private long backSeq; // counts down from -1 for give-backs: the latest is first among equals

    Priority(Comparator<? super T> order) {
      Comparator<Entry<T>> byItem = (a, b) -> order.compare(a.item(), b.item());
      this.items = new PriorityQueue<>(byItem.thenComparingLong(Entry::seq));
    }

    @Override
    public void add(T item) {
      items.add(new Entry<>(item, seq++));
    }

    @Override
    public T take() {
      return items.remove().item();
    }

    @Override
    public void giveBack(T item) {
      items.add(new Entry<>(item, --backSeq)); // first among equals again
    }

    @Override
    public int size() {
      return items.size();
    }

    @Override
    public void clear() {
      items.clear();
    }

    @Override
    public String toString() {
      return items.stream().map(Entry::item).toList().toString();
    }
  }
}
