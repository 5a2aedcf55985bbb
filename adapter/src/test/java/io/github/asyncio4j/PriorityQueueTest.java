package io.github.asyncio4j;

import static io.github.asyncio4j.QueueTestSupport.script;
import static io.github.asyncio4j.QueueTestSupport.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;

/**
 * Q6: {@link PriorityQueue} takes the smallest item first, by natural order or a comparator. Unlike
 * asyncio's heap, equal items leave in the order they were put (our documented difference), so no
 * {@code (priority, seq, item)} tuples are needed.
 */
@Timeout(
    value = 10,
    threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up hangs the loop
class PriorityQueueTest {
  private final QueueTestSupport t = new QueueTestSupport();
  private final VirtualTimeEventLoop loop = t.loop;

  record Job(int priority, String name) {}

  private static final Comparator<Job> BY_PRIORITY = Comparator.comparingInt(Job::priority);

  @Test
  void theSmallestItemLeavesFirst() {
    // test_queues.py::PriorityQueueTests::test_order
    PriorityQueue<Integer> q = PriorityQueue.natural();
    List<Integer> got = new ArrayList<>();
    t.run(
        () ->
            script(
                Flux.just(1, 3, 2).concatMap(q::put),
                Flux.range(0, 3).concatMap(i -> q.get()).doOnNext(got::add)));
    assertThat(got).containsExactly(1, 2, 3);
  }

  @Test
  void aComparatorDecidesTheOrder() {
    PriorityQueue<String> q = new PriorityQueue<>(0, Comparator.reverseOrder());
    for (String s : List.of("b", "c", "a")) {
      q.putNowait(s);
    }
    assertThat(List.of(q.getNowait(), q.getNowait(), q.getNowait())).containsExactly("c", "b", "a");
  }

  @Test
  void equalItemsLeaveInTheOrderTheyWerePut() {
    // asyncio's heapq gives no such promise (Q6); ours does.
    PriorityQueue<Job> q = new PriorityQueue<>(0, BY_PRIORITY);
    String[] names = {"a", "b", "c", "d", "e", "f", "g", "h"};
    for (int i = 0; i < names.length; i++) {
      q.putNowait(new Job(i % 2, names[i])); // priorities 0,1,0,1,...
    }
    List<String> got = new ArrayList<>();
    while (!q.empty()) {
      got.add(q.getNowait().name());
    }
    assertThat(got).containsExactly("a", "c", "e", "g", "b", "d", "f", "h");
  }

  @Test
  void naturalWithMaxsizeIsBounded() {
    PriorityQueue<Integer> q = PriorityQueue.natural(2);
    assertThat(q.maxsize()).isEqualTo(2);
    q.putNowait(5);
    q.putNowait(1);
    assertThat(q.full()).isTrue();
    assertThatThrownBy(() -> q.putNowait(0)).isInstanceOf(QueueFull.class);
    assertThat(q.getNowait()).isEqualTo(1);
    assertThat(q.toString()).startsWith("<PriorityQueue maxsize=2 _queue=[5]");
  }

  @Test
  void aNullComparatorIsRefused() {
    assertThatThrownBy(() -> new PriorityQueue<String>(0, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("order");
  }

  @Test
  void anItemGivenBackLeavesFirstAmongEquals() {
    // g is handed job "x" (priority 1), then cancelled before it resumed; meanwhile "y", also
    // priority 1, was queued. The given-back "x" leaves first: it was put first.
    PriorityQueue<Job> q = new PriorityQueue<>(0, BY_PRIORITY);
    t.run(
        () -> {
          Task<Job> g = loop.createTask(q.get());
          return script(
              t.yieldOnce(),
              step(
                  () -> {
                    q.putNowait(new Job(1, "x"));
                    q.putNowait(new Job(1, "y"));
                    q.putNowait(new Job(2, "z"));
                    g.cancel();
                  }),
              g.onErrorResume(CancelledError.class, e -> step(() -> {})),
              Flux.range(0, 3).concatMap(i -> q.get()).doOnNext(j -> t.log.add(j.name())).then());
        });
    assertThat(t.log).containsExactly("x", "y", "z");
  }

  @Test
  void itemsGivenBackTwiceLeaveNewestGivenBackFirst() {
    // Two getters handed equal items and both cancelled: the store's give-back order is
    // deterministic (the last one given back is first out, as for the FIFO queue's head).
    PriorityQueue<Job> q = new PriorityQueue<>(0, BY_PRIORITY);
    t.run(
        () -> {
          Task<Job> g1 = loop.createTask(q.get());
          Task<Job> g2 = loop.createTask(q.get());
          return script(
              t.yieldOnce(),
              step(
                  () -> {
                    q.putNowait(new Job(1, "first"));
                    q.putNowait(new Job(1, "second"));
                    q.putNowait(new Job(1, "third"));
                    g1.cancel();
                    g2.cancel();
                  }),
              t.yieldTimes(2),
              Flux.range(0, 3).concatMap(i -> q.get()).doOnNext(j -> t.log.add(j.name())).then());
        });
    assertThat(t.log).containsExactly("second", "first", "third");
  }
}
