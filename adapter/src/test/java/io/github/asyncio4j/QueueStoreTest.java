package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link QueueStore.Ends}, the ring buffer behind {@link Queue} and {@link LifoQueue}: single and
 * bulk adds and takes, give-backs at the head, all across the wrap of the buffer and its growth,
 * checked against the order a plain list gives.
 */
class QueueStoreTest {
  private static List<Object> takeAll(QueueStore<Object> s) {
    List<Object> out = new ArrayList<>();
    while (s.size() > 0) {
      out.add(s.take());
    }
    return out;
  }

  @Test
  void fifoBulkAddsAndTakesAcrossTheWrapKeepTheOrder() {
    QueueStore<Object> s = QueueStore.Ends.fifo();
    List<Object> model = new ArrayList<>();
    int next = 0;
    // Move the head around a 16-slot buffer so that bulk copies wrap, and grow it while wrapped.
    for (int round = 0; round < 50; round++) {
      int n = 1 + (round * 7) % 13;
      Object[] src = new Object[n + 2];
      for (int i = 0; i < n; i++) {
        src[i + 1] = next++;
      }
      s.addAll(src, 1, n);
      model.addAll(Arrays.asList(src).subList(1, n + 1));
      int k = Math.min(s.size(), 1 + (round * 5) % 11);
      Object[] into = new Object[k];
      s.takeInto(into, k);
      for (int i = 0; i < k; i++) {
        assertThat(into[i]).isEqualTo(model.remove(0));
      }
      if (round % 3 == 0 && !model.isEmpty()) {
        Object head = s.take();
        assertThat(head).isEqualTo(model.remove(0));
        s.giveBack(head);
        model.add(0, head);
      }
      assertThat(s.size()).isEqualTo(model.size());
      assertThat(s.toString()).isEqualTo(model.toString());
    }
    assertThat(takeAll(s)).isEqualTo(model);
  }

  @Test
  void aGiveBackAtTheHeadWrapsBackwards() {
    QueueStore<Object> s = QueueStore.Ends.fifo();
    s.add("a");
    s.add("b");
    Object a = s.take(); // the head is now at slot 1
    s.giveBack(a);
    s.giveBack("z"); // slot 15: before the start of the array
    assertThat(s.toString()).isEqualTo("[z, a, b]");
    assertThat(takeAll(s)).containsExactly("z", "a", "b");
  }

  @Test
  void lifoTakesTheNewestFirstAlsoInBulk() {
    QueueStore<Object> s = QueueStore.Ends.lifo();
    s.addAll(new Object[] {1, 2, 3, 4, 5}, 0, 5);
    Object[] into = new Object[3];
    s.takeInto(into, 3);
    assertThat(into).containsExactly(5, 4, 3);
    s.giveBack(3); // where the next take looks
    assertThat(takeAll(s)).containsExactly(3, 2, 1);
  }

  @Test
  void clearDropsEveryItemAcrossTheWrap() {
    QueueStore<Object> s = QueueStore.Ends.fifo();
    for (int i = 0; i < 12; i++) {
      s.add(i);
    }
    for (int i = 0; i < 10; i++) {
      s.take();
    }
    for (int i = 12; i < 20; i++) {
      s.add(i); // wraps
    }
    s.clear();
    assertThat(s.size()).isZero();
    assertThat(s.toString()).isEqualTo("[]");
    s.add("x");
    assertThat(takeAll(s)).containsExactly("x");
  }

  @Test
  void thePriorityStoreTakesInBulkInPriorityOrder() {
    QueueStore<Object> s = new QueueStore.Priority<>((a, b) -> ((Integer) a) - ((Integer) b));
    s.addAll(new Object[] {5, 1, 4, 2, 3}, 0, 5);
    Object[] into = new Object[5];
    s.takeInto(into, 5);
    assertThat(into).containsExactly(1, 2, 3, 4, 5);
  }
}
