package io.github.asyncio4j.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** asyncio.run's contract (rule L8): a new loop, the main task's outcome, a clean shutdown. */
class AsyncioRunTest {

  @Test
  void returnsTheMainTasksResult() {
    assertThat(Asyncio.run(Mono.just("Hello, asyncio!"))).isEqualTo("Hello, asyncio!");
  }

  @Test
  void anEmptyMainReturnsNull() {
    Object result = Asyncio.run(Mono.empty());
    assertThat(result).isNull();
  }

  @Test
  void throwsTheMainTasksException() {
    assertThatThrownBy(() -> Asyncio.run(Mono.error(new IllegalArgumentException("boom"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("boom");
  }

  @Test
  void runsMainAsATaskOnANewLoopThatIsClosedAfterwards() {
    AtomicReference<EventLoop> seen = new AtomicReference<>();
    AtomicReference<Task<?>> current = new AtomicReference<>();
    Asyncio.run(
        Mono.fromRunnable(
            () -> {
              seen.set(Asyncio.getRunningLoop());
              current.set(Asyncio.currentTask());
            }));
    assertThat(current.get()).isNotNull();
    assertThat(seen.get().isClosed()).isTrue();
    assertThatThrownBy(EventLoop::running)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no running event loop");
  }

  // test_runners.py::RunTests::test_asyncio_run_cancels_hanging_tasks
  @Test
  void cancelsHangingTasksAndWaitsForTheirCleanUp() {
    List<String> log = new ArrayList<>();
    Asyncio.run(
        Mono.fromRunnable(
            () ->
                Asyncio.createTask(
                    Asyncio.sleep(Duration.ofHours(1))
                        .onErrorResume(
                            CancelledError.class,
                            e ->
                                Asyncio.sleep(0)
                                    .then(Mono.fromRunnable(() -> log.add("cleaned up")))
                                    .then(Mono.error(e))))));
    assertThat(log).containsExactly("cleaned up");
  }

  // test_runners.py::RunTests::test_asyncio_run_reports_hanging_tasks_errors
  @Test
  void reportsErrorsOfHangingTasksToTheExceptionHandler() {
    List<Map<String, Object>> reported = new ArrayList<>();
    Asyncio.run(
        Mono.fromRunnable(
            () -> {
              EventLoop loop = Asyncio.getRunningLoop();
              loop.setExceptionHandler((l, context) -> reported.add(context));
              loop.createTask(
                  loop.sleep(Duration.ofHours(1))
                      .onErrorResume(
                          CancelledError.class, e -> Mono.error(new IllegalStateException("bad"))));
            }));
    assertThat(reported).hasSize(1);
    assertThat(reported.get(0))
        .containsEntry("message", "unhandled exception during asyncio.run() shutdown");
    assertThat((Throwable) reported.get(0).get("exception")).hasMessage("bad");
  }

  // test_runners.py::RunTests::test_asyncio_run_from_running_loop
  @Test
  void refusesToRunInsideARunningLoop() {
    AtomicReference<Throwable> error = new AtomicReference<>();
    Asyncio.run(
        Mono.fromRunnable(
            () -> {
              try {
                Asyncio.run(Mono.just(1));
              } catch (IllegalStateException e) {
                error.set(e);
              }
            }));
    assertThat(error.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("asyncio.run() cannot be called from a running event loop");
  }

  @Test
  void debugModeIsPassedToTheLoop() {
    Boolean on = Asyncio.run(Mono.fromCallable(() -> Asyncio.getRunningLoop().getDebug()), true);
    Boolean off = Asyncio.run(Mono.fromCallable(() -> Asyncio.getRunningLoop().getDebug()), false);
    assertThat(on).isTrue();
    assertThat(off).isFalse();
  }

  @Test
  void aCancelledMainTaskThrowsCancelledError() {
    assertThatThrownBy(
            () ->
                Asyncio.run(
                    Mono.defer(
                        () -> {
                          Task<?> self = Asyncio.currentTask();
                          self.cancel("stop");
                          return Asyncio.sleep(1.0);
                        })))
        .isInstanceOf(CancelledError.class)
        .hasMessage("stop");
  }

  @Test
  void rejectsANullMain() {
    assertThatThrownBy(() -> Asyncio.run(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("main");
  }

  @Test
  void sleepRejectsNaN() {
    assertThatThrownBy(() -> Asyncio.sleep(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid delay: NaN (not a number)");
  }

  @Test
  void toThreadRunsOffTheLoopAndResumesOnIt() {
    List<String> threads = new ArrayList<>();
    String r =
        Asyncio.run(
            Asyncio.toThread(
                    () -> {
                      threads.add(Thread.currentThread().getName());
                      return "done";
                    })
                .doOnNext(v -> threads.add(Thread.currentThread().getName())));
    assertThat(r).isEqualTo("done");
    assertThat(threads.get(0)).startsWith("asyncio4j-executor");
    assertThat(threads.get(1)).isEqualTo(Thread.currentThread().getName());
  }
}
