package io.github.asyncio4j;

import org.jspecify.annotations.Nullable;

/**
 * The FIFO of a primitive's waiters: an intrusive doubly-linked list, so that a cancelled waiter
 * leaves in O(1) and memory is not held by waiters that are gone. Guarded by the owner's lock.
 */
final class WaiterQueue {
  private @Nullable Waiter<?> head;
  private @Nullable Waiter<?> tail;
  private int size;

  void add(Waiter<?> w) {
    w.queued = true;
    w.prev = tail;
    w.next = null;
    if (tail == null) {
      head = w;
    } else {
      tail.next = w;
    }
    tail = w;
    size++;
  }

  @Nullable Waiter<?> poll() {
    Waiter<?> w = head;
    if (w != null) {
      remove(w);
    }
    return w;
  }

  /** Removes {@code w} if it is still queued; false if it was already taken out. */
  boolean remove(Waiter<?> w) {
    if (!w.queued) {
      return false;
    }
    Waiter<?> p = w.prev;
    Waiter<?> n = w.next;
    if (p == null) {
      head = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      tail = p;
    } else {
      n.prev = p;
    }
    w.prev = null;
    w.next = null;
    w.queued = false;
    size--;
    return true;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Takes every waiter out, oldest first. */
  Waiter<?>[] drain() {
    Waiter<?>[] all = new Waiter<?>[size];
    for (int i = 0; i < all.length; i++) {
      all[i] = poll();
    }
    return all;
  }
}
