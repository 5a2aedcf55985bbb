package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * {@code EventLoop.submit}, asyncio's {@code run_coroutine_threadsafe}: a {@code Mono} submitted
 * from another thread runs as a task on a loop running on its own thread, and the returned {@code
 * CompletableFuture} mirrors the task both ways, cancellation included.
 *
 * <p>The test thread blocks on {@code CompletableFuture}s here; the bound on each wait only keeps a
 * broken build from hanging, nothing is asserted about time.
 */
class TaskSubmitTest {
  private static final long GUARD_SECONDS = 30;

  private final EventLoop loop = EventLoop.newThreadEventLoop("submit-loop");

  @AfterEach
  void disposeLoop() {
    loop.disposeGracefully().block(Duration.ofSeconds(GUARD_SECONDS));
  }

  private static <T> T await(CompletableFuture<T> cf) throws Exception {
    return cf.get(GUARD_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void submittedMonoRunsAsATaskOnTheLoopThread() throws Exception {
    // test_tasks.py::RunCoroutineThreadsafeTests::test_run_coroutine_threadsafe
    CompletableFuture<String> cf =
        loop.submit(
            loop.sleep(0.01)
                .then(
                    Mono.fromCallable(
                        () ->
                            Thread.currentThread().getName()
                                + " in task "
                                + (Task.currentTask() != null))));
    assertThat(await(cf)).isEqualTo("submit-loop in task true");
  }

  @Test
  void theTasksExceptionCompletesTheFutureExceptionally() {
    // test_tasks.py::RunCoroutineThreadsafeTests::test_run_coroutine_threadsafe_with_exception
    IllegalStateException boom = new IllegalStateException("Fail!");
    CompletableFuture<String> cf = loop.submit(loop.sleep(0.01).then(Mono.error(boom)));
    assertThatThrownBy(() -> await(cf)).isInstanceOf(ExecutionException.class).hasCause(boom);
  }

  @Test
  void aTaskThatCancelsItselfCancelsTheFuture() {
    // test_tasks.py::RunCoroutineThreadsafeTests::test_run_coroutine_threadsafe_task_cancelled
    CompletableFuture<Integer> cf =
        loop.submit(
            Mono.defer(
                () -> {
                  Task.currentTask().cancel("self");
                  return loop.sleep(0).then(Mono.just(3));
                }));
    assertThatThrownBy(() -> await(cf)).isInstanceOf(CancellationException.class);
    assertThat(cf).isCancelled();
  }

  @Test
  void cancellingTheFutureCancelsTheTaskWhichMayCleanUp() throws Exception {
    // test_tasks.py::RunCoroutineThreadsafeTests::test_run_coroutine_threadsafe_with_timeout:
    // the caller gives up, and no task is left pending.
    CompletableFuture<Task<?>> started = new CompletableFuture<>();
    CompletableFuture<String> cleanedUp = new CompletableFuture<>();
    CompletableFuture<String> cf =
        loop.submit(
            Mono.defer(
                () -> {
                  started.complete(Task.currentTask());
                  return loop.sleep(Duration.ofHours(1), "slept")
                      .onErrorResume(
                          CancelledError.class,
                          e -> {
                            cleanedUp.complete(Thread.currentThread().getName());
                            return Mono.error(e);
                          });
                }));
    Task<?> task = await(started);

    assertThat(cf.cancel(false)).isTrue();

    assertThat(await(cleanedUp)).isEqualTo("submit-loop");
    CompletableFuture<?> taskDone = task.toCompletableFuture();
    assertThatThrownBy(() -> await(taskDone)).isInstanceOf(CancellationException.class);
    assertThat(task.cancelled()).isTrue();
    assertThat(await(loop.submit(Mono.fromCallable(() -> loop.allTasks().size())))).isEqualTo(1);
  }

  @Test
  void cancelFromAnotherThreadIsForwardedToTheLoop() throws Exception {
    CompletableFuture<Task<?>> started = new CompletableFuture<>();
    CompletableFuture<String> cf =
        loop.submit(
            Mono.defer(
                () -> {
                  started.complete(Task.currentTask());
                  return loop.sleep(Duration.ofHours(1), "slept")
                      .onErrorResume(
                          CancelledError.class,
                          e -> Mono.just("caught " + e.getMessage() + " on " + threadName()));
                }));
    Task<?> task = await(started);

    assertThat(task.cancel("from test thread")).isTrue();

    assertThat(await(cf)).isEqualTo("caught from test thread on submit-loop");
    assertThat(await(loop.submit(Mono.fromCallable(task::cancelling)))).isEqualTo(1);
  }

  private static String threadName() {
    return Thread.currentThread().getName();
  }

  @Test
  void submitRejectsNullAndAClosedLoop() {
    assertThatThrownBy(() -> loop.submit(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("coroutine");
    loop.disposeGracefully().block(Duration.ofSeconds(GUARD_SECONDS));
    assertThatThrownBy(() -> loop.submit(Mono.just(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Event loop is closed");
  }
}
