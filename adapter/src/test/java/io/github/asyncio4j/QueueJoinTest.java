package io.github.asyncio4j;

import static io.github.asyncio4j.QueueTestSupport.script;
import static io.github.asyncio4j.QueueTestSupport.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Q5: {@code taskDone()} and {@code join()}, on all three kinds, as asyncio's join mixin runs. */
@Timeout(
    value = 10,
    threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up hangs the loop
class QueueJoinTest {
  private final QueueTestSupport t = new QueueTestSupport();
  private final VirtualTimeEventLoop loop = t.loop;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.github.asyncio4j.QueueTestSupport#kinds")
  void taskDoneOnAQueueWithNothingUnfinishedRaises(String kind, IntFunction<Queue<Object>> kinds) {
    // test_queues.py::_QueueJoinTestMixin::test_task_done_underflow
    Queue<Object> q = kinds.apply(0);
    assertThatThrownBy(q::taskDone)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("task_done() called too many times");
    q.putNowait("a");
    q.taskDone();
    assertThatThrownBy(q::taskDone).hasMessage("task_done() called too many times");
    assertThat(q.statistics().unfinished()).isZero(); // still usable, the count unharmed
    assertThat(q.getNowait()).isEqualTo("a");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.github.asyncio4j.QueueTestSupport#kinds")
  void joinReturnsOnceEveryItemIsMarkedDone(String kind, IntFunction<Queue<Object>> kinds) {
    // test_queues.py::_QueueJoinTestMixin::test_task_done
    Queue<Object> q = kinds.apply(0);
    for (int i = 0; i < 100; i++) {
      q.putNowait(i);
    }
    AtomicInteger accumulator = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Task<Void>> workers = new ArrayList<>();
    t.run(
        () -> {
          for (int w = 0; w < 2; w++) {
            workers.add(
                loop.createTask(
                    Mono.defer(
                            () ->
                                q.get()
                                    .doOnNext(
                                        item -> {
                                          accumulator.addAndGet((Integer) item);
                                          q.taskDone();
                                        }))
                        .repeat(running::get)
                        .then()));
          }
          return script(
              q.join(),
              step(() -> t.log.add("joined, sum " + accumulator.get())),
              step(
                  () -> {
                    running.set(false); // close the workers
                    workers.forEach(w -> q.putNowait(0));
                  }),
              Flux.fromIterable(workers).concatMap(w -> w));
        });
    assertThat(t.log).containsExactly("joined, sum 4950");
    assertThat(workers).allMatch(w -> w.done() && !w.cancelled());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.github.asyncio4j.QueueTestSupport#kinds")
  void joinOfAQueueWithNothingUnfinishedReturnsAtOnce(
      String kind, IntFunction<Queue<Object>> kinds) {
    // test_queues.py::_QueueJoinTestMixin::test_join_empty_queue: join()s successfully, and
    // before anything else (twice for insurance): no yield to the loop.
    Queue<Object> q = kinds.apply(0);
    t.run(
        () ->
            script(
                step(() -> loop.callSoon(() -> t.log.add("callback"))),
                q.join(),
                q.join(),
                step(() -> t.log.add("joined twice")),
                t.yieldOnce()));
    assertThat(t.log).containsExactly("joined twice", "callback");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.github.asyncio4j.QueueTestSupport#kinds")
  void reprShowsTheUnfinishedCount(String kind, IntFunction<Queue<Object>> kinds) {
    // test_queues.py::_QueueJoinTestMixin::test_format
    Queue<Object> q = kinds.apply(0);
    assertThat(q).hasToString("<" + kind + " maxsize=0>");
    q.putNowait("x");
    q.putNowait("x");
    q.getNowait();
    q.getNowait();
    assertThat(q).hasToString("<" + kind + " maxsize=0 tasks=2>");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.github.asyncio4j.QueueTestSupport#kinds")
  void everyJoinerIsReleasedInTheOrderItJoined(String kind, IntFunction<Queue<Object>> kinds) {
    Queue<Object> q = kinds.apply(0);
    t.run(
        () -> {
          q.putNowait("a");
          q.putNowait("b");
          List<Task<Void>> joiners = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            String name = "j" + i;
            joiners.add(loop.createTask(q.join().then(step(() -> t.log.add(name)))));
          }
          return script(
              t.yieldOnce(),
              step(q::getNowait),
              step(q::taskDone),
              t.yieldOnce(),
              step(() -> t.log.add("one done")),
              step(q::getNowait),
              step(q::taskDone),
              Flux.fromIterable(joiners).concatMap(j -> j));
        });
    assertThat(t.log).containsExactly("one done", "j0", "j1", "j2");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.github.asyncio4j.QueueTestSupport#kinds")
  void anItemHandedToAGetterCountsOnceAndAGivenBackItemIsNotCountedAgain(
      String kind, IntFunction<Queue<Object>> kinds) {
    Queue<Object> q = kinds.apply(0);
    t.run(
        () -> {
          Task<Object> g = loop.createTask(q.get());
          return script(
              t.yieldOnce(),
              step(
                  () -> {
                    q.putNowait("x"); // straight to g
                    t.log.add("unfinished " + q.statistics().unfinished());
                    g.cancel(); // before g resumed: x goes back
                  }),
              g.onErrorResume(CancelledError.class, e -> Mono.empty()),
              step(() -> t.log.add("unfinished " + q.statistics().unfinished())),
              q.get().doOnNext(v -> q.taskDone()),
              q.join(),
              step(() -> t.log.add("joined")),
              step(
                  () ->
                      assertThatThrownBy(q::taskDone)
                          .isInstanceOf(IllegalArgumentException.class)));
        });
    assertThat(t.log).containsExactly("unfinished 1", "unfinished 1", "joined");
  }
}
