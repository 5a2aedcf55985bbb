package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Rules T1, T2, T4 (errors), T6, T7 and L12: how a task starts, resumes, fails, names itself and
 * sees its context. Cancellation has its own classes.
 */
class TaskTest {
  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<String> log = new ArrayList<>();

  /** Virtual-time watchdog: a task left waiting forever fails the test instead of hanging it. */
  @BeforeEach
  void startWatchdog() {
    loop.callLater(1e7, loop::stop);
  }

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  private Mono<Void> note(String event) {
    return Mono.fromRunnable(() -> log.add(event));
  }

  private void runBriefly() {
    loop.runUntilComplete(Mono.empty());
  }

  // ---------------------------------------------------------------- T1, T2: start and wake-up

  @Test
  void tasksStartAfterTheCreatorYieldsAndInCreationOrder() {
    // ASYNCIO-SEMANTICS T1 exp: creator, t1:start, t2:start, creator-resumed, t1:resumed, ...
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              log.add("creator");
              Task<Void> t1 = loop.createTask(worker("t1"));
              Task<Void> t2 = loop.createTask(worker("t2"));
              assertThat(log).containsExactly("creator");
              return loop.sleep(0).then(note("creator-resumed")).then(t1).then(t2);
            }));
    assertThat(log)
        .containsExactly(
            "creator", "t1:start", "t2:start", "creator-resumed", "t1:resumed", "t2:resumed");
  }

  private Mono<Void> worker(String name) {
    return note(name + ":start").then(loop.sleep(0)).then(note(name + ":resumed"));
  }

  @Test
  void createTaskDoesNotSubscribeToTheCoroutineSynchronously() {
    // ASYNCIO-SEMANTICS T1: Task.__init__ only schedules the first step
    Task<String> t = loop.createTask(Mono.fromCallable(() -> "ran").doOnNext(log::add));
    assertThat(log).isEmpty();
    assertThat(t.done()).isFalse();
    assertThat(loop.runUntilComplete(t)).isEqualTo("ran");
    assertThat(log).containsExactly("ran");
  }

  @Test
  void taskBlockedOnAFutureResumesInOneHopAfterItCompletes() {
    // ASYNCIO-SEMANTICS T2: __wakeup is the future's done callback and runs __step inline, so
    // the task resumes between what was queued before and after the completion.
    Future<String> f = loop.createFuture();
    Task<Void> t = loop.createTask(f.doOnNext(v -> log.add("task got " + v)).then());
    runBriefly(); // the task now waits on f
    loop.callSoon(
        () -> {
          loop.callSoon(() -> log.add("before"));
          f.setResult("v");
          loop.callSoon(() -> log.add("after"));
        });
    loop.runUntilComplete(t);
    assertThat(log).containsExactly("before", "task got v", "after");
  }

  @Test
  void taskAwaitingATaskResumesInOneHopAfterItEnds() {
    // ASYNCIO-SEMANTICS T2: the awaiter's wake-up is one of the inner task's done callbacks. A
    // callback registered first runs first; what it schedules runs after the awaiter resumed.
    Task<String> inner = loop.createTask(loop.sleep(1).then(Mono.just("inner")));
    inner.addDoneCallback(
        f -> {
          log.add("earlier done callback");
          loop.callSoon(() -> log.add("scheduled by it"));
        });
    Task<Void> outer =
        loop.createTask(Mono.defer(() -> inner).doOnNext(v -> log.add("outer got " + v)).then());
    loop.runUntilComplete(outer);
    assertThat(log).containsExactly("earlier done callback", "outer got inner", "scheduled by it");
  }

  @Test
  void sleepZeroLetsAlreadyQueuedCallbacksRunFirstAndReturnsItsResult() {
    // test_tasks.py::SleepTests::test_sleep_zero
    AtomicInteger result = new AtomicInteger();
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              loop.callSoon(() -> result.addAndGet(1));
              assertThat(result).hasValue(0);
              return loop.sleep(Duration.ZERO, 10)
                  .doOnNext(
                      num -> {
                        assertThat(result).hasValue(1); // inc'ed by callSoon
                        result.addAndGet(num);
                      });
            }));
    assertThat(result).hasValue(11);
  }

  @Test
  void sleepZeroYieldsExactlyOneIteration() {
    // ASYNCIO-SEMANTICS C7: a bare yield; a callback scheduled one iteration later runs after
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              loop.callSoon(
                  () -> {
                    log.add("A");
                    loop.callSoon(() -> log.add("B (next iteration)"));
                  });
              return loop.sleep(0).then(note("resumed"));
            }));
    assertThat(log).containsExactly("A", "resumed", "B (next iteration)");
  }

  @Test
  void awaitingACoroutineOrADoneFutureDoesNotSuspend() {
    // test_tasks.py::BaseTaskTests::test_task_basics, and ASYNCIO-SEMANTICS T2
    Future<Integer> done = loop.createFuture();
    done.setResult(1000);
    Integer r =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  loop.callSoon(() -> log.add("queued"));
                  Mono<Integer> inner1 = Mono.just(42);
                  return inner1.zipWith(done, Integer::sum).doOnNext(v -> log.add("sum " + v));
                }));
    assertThat(r).isEqualTo(1042);
    assertThat(log).containsExactly("sum 1042", "queued");
  }

  @Test
  void awaitingADoneTaskDoesNotSuspend() {
    Task<String> t = loop.createTask(Mono.just("early"));
    loop.runUntilComplete(t);
    String r =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  loop.callSoon(() -> log.add("queued"));
                  return t.doOnNext(v -> log.add("awaited " + v));
                }));
    assertThat(r).isEqualTo("early");
    assertThat(log).containsExactly("awaited early", "queued");
  }

  // ---------------------------------------------------------------- runUntilComplete

  @Test
  void runUntilCompleteReturnsTheResultOrNullForAnEmptyMono() {
    assertThat(loop.runUntilComplete(Mono.just("value"))).isEqualTo("value");
    assertThat(loop.runUntilComplete(Mono.<String>empty())).isNull();
    Task<String> t = loop.createTask(loop.sleep(Duration.ofSeconds(3), "slept"));
    assertThat(loop.runUntilComplete(t)).isEqualTo("slept");
    assertThat(loop.time()).isEqualTo(3.0);
  }

  @Test
  void runUntilCompleteThrowsTheTasksExceptionAsIs() {
    IllegalArgumentException boom = new IllegalArgumentException("boom");
    Task<String> t = loop.createTask(loop.sleep(1).then(Mono.error(boom)));
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isSameAs(boom);
    assertThat(t.done()).isTrue();
    assertThat(t.cancelled()).isFalse();
    assertThat(t.exception()).isSameAs(boom);
  }

  @Test
  void runUntilCompleteWrapsACheckedExceptionAsReactorDoes() {
    IOException io = new IOException("disk");
    assertThatThrownBy(() -> loop.runUntilComplete(Mono.error(io)))
        .isInstanceOf(RuntimeException.class)
        .hasCause(io);
  }

  @Test
  void aTaskKeepsItsExceptionAsIsCheckedOrErrorOrFromAConstantMono() {
    IOException io = new IOException("disk");
    AssertionError error = new AssertionError("not fatal to the JVM");
    IllegalStateException runtime = new IllegalStateException("plain");
    List<Throwable> failures = List.of(io, error, runtime);
    for (Throwable failure : failures) {
      Task<Object> constant = loop.createTask(Mono.error(failure));
      Task<Object> deferred = loop.createTask(loop.sleep(0).then(Mono.error(failure)));
      loop.runUntilComplete(loop.sleep(1));
      assertThat(constant.exception()).as("Mono.error(%s)", failure).isSameAs(failure);
      assertThat(deferred.exception()).as("after an await: %s", failure).isSameAs(failure);
    }
  }

  @Test
  void runUntilCompleteRaisesCancelledErrorForACancelledTask() {
    // test_tasks.py::BaseTaskTests::test_cancel
    Task<String> t = loop.createTask(loop.sleep(10).then(Mono.just("late")));
    loop.callSoon(() -> t.cancel("stop"));
    assertThatThrownBy(() -> loop.runUntilComplete(t))
        .isExactlyInstanceOf(CancelledError.class)
        .hasMessage("stop");
    assertThat(t.cancelled()).isTrue();
  }

  @Test
  void awaiterOfAFailedTaskGetsItsException() {
    IllegalStateException boom = new IllegalStateException("inner");
    String r =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  Task<String> inner = loop.createTask(loop.sleep(1).then(Mono.error(boom)));
                  return inner.onErrorResume(e -> Mono.just(e == boom ? "same error" : "other"));
                }));
    assertThat(r).isEqualTo("same error");
  }

  // ---------------------------------------------------------------- T4: errors

  @Test
  void setResultAndSetExceptionAreNotSupportedOnATask() {
    // test_tasks.py::BaseTaskTests::test_task_set_methods
    Task<String> t = loop.createTask(Mono.just("ko"));
    assertThatThrownBy(() -> t.setResult("ok"))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("Task does not support set_result operation");
    assertThatThrownBy(() -> t.setException(new IllegalArgumentException()))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("Task does not support set_exception operation");
    assertThat(loop.runUntilComplete(t)).isEqualTo("ko");
  }

  @Test
  void aTaskAwaitingItselfFails() {
    // test_tasks.py::BaseTaskTests::test_task_awaits_on_itself
    AtomicReference<Task<Object>> self = new AtomicReference<>();
    Task<Object> t = loop.createTask(Mono.defer(() -> self.get()));
    self.set(t);
    assertThatThrownBy(() -> loop.runUntilComplete(t))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Task cannot await on itself: <Task ");
  }

  @Test
  void aTaskAwaitingAFutureOfAnotherLoopFails() {
    // test_tasks.py::BaseTaskTests::test_other_loop_future
    VirtualTimeEventLoop other = VirtualTimeEventLoop.create();
    try {
      Future<String> foreign = other.createFuture();
      assertThatThrownBy(() -> loop.runUntilComplete(Mono.defer(() -> foreign)))
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessageMatching(
              "Task <Task .*> got Future <Future pending> attached to a different loop");
    } finally {
      other.close();
    }
  }

  @Test
  void runUntilCompleteRejectsAFutureOfAnotherLoop() {
    // ASYNCIO-SEMANTICS L7: a future from another loop -> ValueError
    VirtualTimeEventLoop other = VirtualTimeEventLoop.create();
    try {
      Future<String> foreign = other.createFuture();
      assertThatThrownBy(() -> loop.runUntilComplete(foreign))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(foreign.done()).isFalse();
    } finally {
      other.close();
    }
  }

  @Test
  void resultAndExceptionOfAPendingTaskAreNotSet() {
    Task<String> t = loop.createTask(loop.sleep(1).then(Mono.just("x")));
    assertThatThrownBy(t::result)
        .isExactlyInstanceOf(InvalidStateError.class)
        .hasMessage("Result is not set.");
    assertThatThrownBy(t::exception)
        .isExactlyInstanceOf(InvalidStateError.class)
        .hasMessage("Exception is not set.");
    assertThat(loop.runUntilComplete(t)).isEqualTo("x");
    assertThat(t.exception()).isNull();
  }

  @Test
  void nullArgumentsAreRejectedNamingTheArgument() {
    assertThatThrownBy(() -> loop.createTask(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("coroutine");
    assertThatThrownBy(() -> loop.createTask(Mono.empty(), "n", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("context");
    Task<String> t = loop.createTask(Mono.just("x"));
    assertThatThrownBy(() -> t.setName(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
    assertThatThrownBy(() -> loop.sleep((Duration) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("delay");
    assertThat(loop.runUntilComplete(t)).isEqualTo("x");
    assertThat(loop.allTasks()).isEmpty();
  }

  // ---------------------------------------------------------------- T6: introspection

  @Test
  void currentTaskIsTheTaskWhoseStepRunsAndNullInAPlainCallback() {
    // test_tasks.py::BaseTaskTests::test_current_task
    AtomicReference<Task<?>> inFirstStep = new AtomicReference<>();
    AtomicReference<Task<?>> afterResume = new AtomicReference<>();
    AtomicReference<Object> inCallback = new AtomicReference<>("unset");
    Task<Void> t =
        loop.createTask(
            Mono.fromRunnable(() -> inFirstStep.set(Task.currentTask()))
                .then(loop.sleep(1))
                .then(Mono.fromRunnable(() -> afterResume.set(Task.currentTask()))));
    loop.callSoon(() -> inCallback.set(Task.currentTask()));
    loop.runUntilComplete(t);
    assertThat(inFirstStep).hasValue(t);
    assertThat(afterResume).hasValue(t);
    assertThat(inCallback).hasValue(null);
    assertThat(loop.currentTask()).isNull();
  }

  @Test
  void currentTaskWithoutARunningLoopFails() {
    // test_tasks.py::BaseCurrentLoopTests::test_current_task_no_running_loop
    assertThatThrownBy(Task::currentTask)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("no running event loop");
    assertThatThrownBy(Task::allTasks)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("no running event loop");
  }

  @Test
  void currentTaskFollowsInterleavingTasks() {
    // test_tasks.py::BaseTaskTests::test_current_task_with_interleaving_tasks
    Future<Boolean> fut1 = loop.createFuture();
    Future<Boolean> fut2 = loop.createFuture();
    AtomicReference<Task<Void>> task1 = new AtomicReference<>();
    AtomicReference<Task<Void>> task2 = new AtomicReference<>();
    task1.set(
        loop.createTask(
            Mono.fromRunnable(() -> log.add("1 is current: " + (Task.currentTask() == task1.get())))
                .then(fut1)
                .then(
                    Mono.fromRunnable(
                        () -> {
                          log.add("1 is current: " + (Task.currentTask() == task1.get()));
                          fut2.setResult(true);
                        }))));
    task2.set(
        loop.createTask(
            Mono.fromRunnable(
                    () -> {
                      log.add("2 is current: " + (Task.currentTask() == task2.get()));
                      fut1.setResult(true);
                    })
                .then(fut2)
                .then(
                    Mono.fromRunnable(
                        () -> log.add("2 is current: " + (Task.currentTask() == task2.get()))))));
    loop.runUntilComplete(Mono.when(task1.get(), task2.get()));
    assertThat(log)
        .containsExactly(
            "1 is current: true", "2 is current: true", "1 is current: true", "2 is current: true");
    assertThat(loop.currentTask()).isNull();
  }

  @Test
  void allTasksListsOnlyTasksThatAreNotDoneInCreationOrder() {
    // ASYNCIO-SEMANTICS T6; test_eager_task_factory.py::test_all_tasks_with_blocking (lazy form)
    Future<String> gate = loop.createFuture();
    AtomicReference<List<Task<?>>> atCreation = new AtomicReference<>();
    AtomicReference<List<Task<?>>> seen = new AtomicReference<>();
    AtomicReference<List<Task<?>>> seenAfter = new AtomicReference<>();
    List<Task<?>> created = new ArrayList<>();
    Task<Void> main =
        loop.createTask(
            Mono.fromRunnable(
                    () -> {
                      created.add(loop.createTask(Mono.just("quick")));
                      created.add(loop.createTask(gate));
                      atCreation.set(Task.allTasks());
                    })
                .then(loop.sleep(0))
                .then(Mono.fromRunnable(() -> seen.set(Task.allTasks())))
                .then(Mono.fromRunnable(() -> gate.setResult("open")))
                .then(Mono.defer(() -> created.get(1)))
                .then(Mono.fromRunnable(() -> seenAfter.set(Task.allTasks())))
                .then());

    loop.runUntilComplete(main);

    Task<?> quick = created.get(0);
    Task<?> blocked = created.get(1);
    assertThat(atCreation.get()).containsExactly(main, quick, blocked);
    assertThat(seen.get()).containsExactly(main, blocked);
    assertThat(seenAfter.get()).containsExactly(main);
    assertThat(loop.allTasks()).isEmpty();
  }

  @Test
  void defaultNamesAreTaskNWithIncreasingNumbers() {
    // test_tasks.py::BaseTaskTests::test_task_repr_autogenerated
    Task<String> t1 = loop.createTask(Mono.just("a"));
    Task<String> t2 = loop.createTask(Mono.just("b"));
    Pattern p = Pattern.compile("^<Task pending name='Task-(\\d+)'");
    Matcher m1 = p.matcher(t1.toString());
    Matcher m2 = p.matcher(t2.toString());
    assertThat(m1.find()).isTrue();
    assertThat(m2.find()).isTrue();
    assertThat(Long.parseLong(m1.group(1))).isLessThan(Long.parseLong(m2.group(1)));
    assertThat(t1.getName()).isEqualTo("Task-" + m1.group(1));
    loop.runUntilComplete(Mono.when(t1, t2));
    // asyncio's order: state, name, coroutine, then the result (a string quoted, as repr() does)
    assertThat(t1.toString())
        .startsWith("<Task finished name='Task-" + m1.group(1) + "' coro=<")
        .endsWith(" result='a'>");
  }

  @Test
  void givenNamesAndSetNameAreKept() {
    // test_tasks.py::BaseTaskTests::test_task_set_name_pylong
    Task<String> t = loop.createTask(Mono.just("x"), "987654321");
    assertThat(t.getName()).isEqualTo("987654321");
    t.setName("123456789");
    assertThat(t.getName()).isEqualTo("123456789");
    assertThat(t.toString()).contains("name='123456789'");
    loop.runUntilComplete(t);
  }

  @Test
  void getCoroReturnsTheMonoAndGetContextTheCreatorsContext() {
    // test_tasks.py::BaseTaskTests::test_get_coro / test_get_context
    Mono<String> coro = Mono.just("x");
    Task<String> t = loop.createTask(coro, null, Context.of("k", "v"));
    assertThat(t.getCoro()).isSameAs(coro);
    assertThat(t.getContext().<String>get("k")).isEqualTo("v");
    loop.runUntilComplete(t);
  }

  // ---------------------------------------------------------------- L12: context

  @Test
  void aTaskSeesTheReactorContextOfTheTaskThatCreatedIt() {
    // ASYNCIO-SEMANTICS L12; test_tasks.py::BaseTaskTests::test_context_1 (contextvars copied)
    Mono<String> child =
        Mono.deferContextual(
            ctx ->
                Mono.just(
                    ctx.get("user")
                        + " in "
                        + ((Task<?>) ctx.get(Task.class)).getName()
                        + " on same loop "
                        + (ctx.get(EventLoop.class) == loop)));
    Task<String> parent =
        loop.createTask(
            Mono.defer(() -> loop.createTask(child, "child")),
            "parent",
            Context.of("user", "alice"));
    assertThat(loop.runUntilComplete(parent)).isEqualTo("alice in child on same loop true");
  }

  @Test
  void aTaskCreatedOutsideAnyTaskSeesAnEmptyUserContext() {
    Task<Boolean> t = loop.createTask(Mono.deferContextual(ctx -> Mono.just(ctx.hasKey("user"))));
    assertThat(loop.runUntilComplete(t)).isFalse();
    assertThat(t.getContext().isEmpty()).isTrue();
  }

  // ---------------------------------------------------------------- T7: eager tasks

  @Test
  void eagerTaskRunsSynchronouslyToItsFirstSuspension() {
    // test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_block_after_eager_step
    loop.setTaskFactory(TaskFactory.EAGER);
    String r =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  log.add("before create");
                  Task<String> t =
                      loop.createTask(
                          note("eager start")
                              .then(loop.sleep(0.1))
                              .then(note("after blocking"))
                              .then(Mono.just("finished after blocking")));
                  log.add("after create, done=" + t.done());
                  return t;
                }));
    assertThat(r).isEqualTo("finished after blocking");
    assertThat(log)
        .containsExactly(
            "before create", "eager start", "after create, done=false", "after blocking");
  }

  @Test
  void eagerTaskThatNeverSuspendsIsDoneWhenCreateTaskReturns() {
    // test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_eager_completion and
    // test_cancellation_after_eager_completion
    loop.setTaskFactory(TaskFactory.EAGER);
    assertThat(loop.getTaskFactory()).isEqualTo(TaskFactory.EAGER);
    String r =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  Task<String> t = loop.createTask(Mono.just("hello"));
                  assertThat(t.done()).isTrue();
                  assertThat(t.cancel()).isFalse();
                  assertThat(loop.allTasks()).doesNotContain(t);
                  return t;
                }));
    assertThat(r).isEqualTo("hello");
  }

  @Test
  void eagerStepRunsAsTheNewTask() {
    // test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_current_task and
    // test_all_tasks_with_eager_completion
    loop.setTaskFactory(TaskFactory.EAGER);
    AtomicReference<Task<?>> captured = new AtomicReference<>();
    AtomicReference<Task<?>> afterBlocking = new AtomicReference<>();
    AtomicReference<List<Task<?>>> capturedAll = new AtomicReference<>();
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              Task<?> creator = Task.currentTask();
              Task<Void> t =
                  loop.createTask(
                      Mono.fromRunnable(
                              () -> {
                                captured.set(Task.currentTask());
                                capturedAll.set(Task.allTasks());
                              })
                          .then(loop.sleep(0.1))
                          .then(Mono.fromRunnable(() -> afterBlocking.set(Task.currentTask()))));
              assertThat(captured).hasValue(t);
              assertThat(capturedAll.get()).contains(t);
              assertThat(Task.currentTask()).isSameAs(creator);
              return t;
            }));
    assertThat(afterBlocking.get()).isSameAs(captured.get());
  }

  @Test
  void eagerTaskCancelledAfterItsFirstStepBlocksEndsCancelledWithTheMessage() {
    // test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_cancellation_after_eager_step_blocks
    loop.setTaskFactory(TaskFactory.EAGER);
    assertThatThrownBy(
            () ->
                loop.runUntilComplete(
                    Mono.defer(
                        () -> {
                          Task<String> t =
                              loop.createTask(loop.sleep(0.1).then(Mono.just("finished")));
                          t.cancel("cancellation message");
                          assertThat(t.cancelling()).isPositive();
                          return t;
                        })))
        .isInstanceOf(CancelledError.class)
        .hasMessage("cancellation message");
  }

  @Test
  void eagerTaskCancellingItselfInItsEagerStepDoesNotSleep() {
    // test_tasks.py::BaseTaskTests::test_cancel_current_task, run eagerly
    loop.setTaskFactory(TaskFactory.EAGER);
    AtomicReference<Task<?>> inner = new AtomicReference<>();
    String r =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  Task<String> t =
                      loop.createTask(
                          Mono.defer(
                              () -> {
                                Task.currentTask().cancel("eager");
                                return loop.sleep(100).then(Mono.just("slept"));
                              }));
                  inner.set(t);
                  assertThat(t.done()).isFalse();
                  return t.onErrorResume(CancelledError.class, e -> Mono.just(e.getMessage()));
                }));
    assertThat(r).isEqualTo("eager");
    assertThat(inner.get().cancelled()).isTrue();
    assertThat(loop.time()).isZero();
  }

  @Test
  void lazyIsTheDefaultTaskFactory() {
    assertThat(loop.getTaskFactory()).isEqualTo(TaskFactory.LAZY);
    assertThatThrownBy(() -> loop.setTaskFactory(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("factory");
  }
}
