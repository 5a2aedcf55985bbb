package io.github.asyncio4j;

import java.util.Arrays;
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
   * Adds {@code items[from..from+count)} in their order, as {@code count} calls of {@link #add}
   * would: the bulk path of {@link Queue#putAll}.
   */
  @SuppressWarnings("unchecked") // 'items' holds only the queue's items
  default void addAll(Object[] items, int from, int count) {
    for (int i = from; i < from + count; i++) {
      add((T) items[i]);
    }
  }

  /**
   * Takes {@code count} items (at most {@link #size()}) into {@code into[0..count)}, in the order
   * {@code count} calls of {@link #take} would return them: the bulk path of {@link
   * Queue#asFlux()}.
   */
  default void takeInto(Object[] into, int count) {
    for (int i = 0; i < count; i++) {
      into[i] = take();
    }
  }

  /**
   * First in, first out (asyncio's {@code Queue}) or last in, first out (asyncio's {@code
   * LifoQueue}): both take from one end of a ring buffer, and a given-back item goes where the next
   * {@code take} looks. The buffer's length is a power of two, so positions wrap with a mask; it
   * doubles when full and never shrinks (as {@code ArrayDeque}). Bulk adds and FIFO bulk takes are
   * at most two {@code System.arraycopy} calls each.
   */
  final class Ends<T> implements QueueStore<T> {
    private static final int INITIAL_CAPACITY = 16;

    private Object[] items = new Object[INITIAL_CAPACITY];

    /** Where the oldest item is; the items are at head, head + 1, ... (mod length). */
    private int head;

    private int size;
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
      ensureRoom(1);
      Object[] a = items;
      a[(head + size) & (a.length - 1)] = item;
      size++;
    }

    @Override
    @SuppressWarnings("unchecked") // the buffer holds only the queue's items
    public T take() {
      Object[] a = items;
      int i = lifo ? (head + size - 1) & (a.length - 1) : head;
      T item = (T) a[i];
      a[i] = null;
      if (!lifo) {
        head = (head + 1) & (a.length - 1);
      }
      size--;
      return item;
    }

    @Override
    public void giveBack(T item) {
      if (lifo) {
        add(item); // the end a LIFO takes from
        return;
      }
      ensureRoom(1);
      Object[] a = items;
      head = (head - 1) & (a.length - 1);
      a[head] = item;
      size++;
    }

    @Override
    public void addAll(Object[] src, int from, int count) {
      ensureRoom(count);
      Object[] a = items;
      int tail = (head + size) & (a.length - 1);
      int first = Math.min(count, a.length - tail); // up to the end of the buffer, then wrap
      System.arraycopy(src, from, a, tail, first);
      System.arraycopy(src, from + first, a, 0, count - first);
      size += count;
    }

    @Override
    public void takeInto(Object[] into, int count) {
      if (lifo) {
        QueueStore.super.takeInto(into, count); // newest first: the reverse of the buffer
        return;
      }
      Object[] a = items;
      int first = Math.min(count, a.length - head);
      System.arraycopy(a, head, into, 0, first);
      System.arraycopy(a, 0, into, first, count - first);
      Arrays.fill(a, head, head + first, null);
      Arrays.fill(a, 0, count - first, null);
      head = (head + count) & (a.length - 1);
      size -= count;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public void clear() {
      Object[] a = items;
      int first = Math.min(size, a.length - head);
      Arrays.fill(a, head, head + first, null);
      Arrays.fill(a, 0, size - first, null);
      head = 0;
      size = 0;
    }

    /** Makes room for {@code extra} more items, doubling the buffer, oldest item first. */
    private void ensureRoom(int extra) {
      Object[] a = items;
      int needed = size + extra;
      if (needed <= a.length) {
        return;
      }
      int capacity = a.length;
      while (capacity < needed) {
        capacity <<= 1;
        if (capacity <= 0) {
          throw new IllegalStateException("queue too large: " + needed + " items");
        }
      }
      Object[] grown = new Object[capacity];
      int first = Math.min(size, a.length - head);
      System.arraycopy(a, head, grown, 0, first);
      System.arraycopy(a, 0, grown, first, size - first);
      items = grown;
      head = 0;
    }

    /** Oldest first, as {@code ArrayDeque}'s: {@code [1, 2, 3]}. */
    @Override
    public String toString() {
      Object[] a = items;
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < size; i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(a[(head + i) & (a.length - 1)]);
      }
      return sb.append(']').toString();
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
