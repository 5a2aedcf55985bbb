package io.github.asyncio4j;

import static io.github.asyncio4j.QueueTestSupport.script;
import static io.github.asyncio4j.QueueTestSupport.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;

/** Q6: {@link LifoQueue} takes the newest item first; waiters are still served FIFO. */
@Timeout(
    value = 10,
    threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up hangs the loop
class LifoQueueTest {
  private final QueueTestSupport t = new QueueTestSupport();
  private final VirtualTimeEventLoop loop = t.loop;

  @Test
  void theNewestItemLeavesFirst() {
    // test_queues.py::LifoQueueTests::test_order
    LifoQueue<Integer> q = new LifoQueue<>();
    List<Integer> got = new ArrayList<>();
    t.run(
        () ->
            script(
                Flux.just(1, 3, 2).concatMap(q::put),
                Flux.range(0, 3).concatMap(i -> q.get()).doOnNext(got::add)));
    assertThat(got).containsExactly(2, 3, 1);
  }

  @Test
  void capacityAndNonBlockingCallsAreTheQueues() {
    LifoQueue<Integer> q = new LifoQueue<>(2);
    assertThat(q.maxsize()).isEqualTo(2);
    assertThat(new LifoQueue<Integer>().maxsize()).isZero();
    assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmpty.class);
    q.putNowait(1);
    q.putNowait(2);
    assertThat(q.full()).isTrue();
    assertThatThrownBy(() -> q.putNowait(3)).isInstanceOf(QueueFull.class);
    assertThat(q).hasToString("<LifoQueue maxsize=2 _queue=[1, 2] tasks=2>");
    assertThat(q.getNowait()).isEqualTo(2);
  }

  @Test
  void waitingGettersAreServedFifoAndWaitingPuttersToo() {
    LifoQueue<String> q = new LifoQueue<>(1);
    t.run(
        () -> {
          Task<String> g1 = t.getter(q, "g1");
          Task<String> g2 = t.getter(q, "g2");
          return script(
              t.yieldOnce(),
              step(
                  () -> {
                    q.putNowait("a");
                    q.putNowait("b"); // room again: "a" went straight to g1
                  }),
              g1,
              g2,
              step(() -> q.putNowait("c")),
              step(() -> t.putter(q, "p1", "d")),
              step(() -> t.putter(q, "p2", "e")),
              t.yieldOnce(),
              Flux.range(0, 3).concatMap(i -> q.get()).doOnNext(v -> t.log.add("got " + v)));
        });
    assertThat(t.log)
        .containsExactly("g1<-a", "g2<-b", "got c", "p1 put d", "got d", "p2 put e", "got e");
  }

  @Test
  void anItemGivenBackIsTheNextOneOut() {
    // A getter handed "new" and cancelled before it resumed gives it back on top of the stack.
    LifoQueue<String> q = new LifoQueue<>();
    t.run(
        () -> {
          Task<String> g = loop.createTask(q.get());
          return script(
              t.yieldOnce(),
              step(
                  () -> {
                    q.putNowait("new");
                    q.putNowait("later");
                    g.cancel();
                  }),
              g.onErrorResume(CancelledError.class, e -> step(() -> t.log.add(q.toString()))),
              q.get().doOnNext(v -> t.log.add("got " + v)));
        });
    assertThat(t.log)
        .containsExactly("<LifoQueue maxsize=0 _queue=[later, new] tasks=2>", "got new");
  }
}
