package io.github.asyncio4j.operators;

import static io.github.asyncio4j.operators.Asyncio.createTask;
import static io.github.asyncio4j.operators.Asyncio.currentTask;
import static io.github.asyncio4j.operators.Asyncio.getRunningLoop;
import static io.github.asyncio4j.operators.Asyncio.sleep;
import static io.github.asyncio4j.operators.Asyncio.taskGroup;
import static io.github.asyncio4j.operators.TaskScripts.errorOf;
import static io.github.asyncio4j.operators.TaskScripts.now;
import static io.github.asyncio4j.operators.TaskScripts.onCancel;
import static io.github.asyncio4j.operators.TaskScripts.runV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Event;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionGroup;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TaskFactory;
import io.github.asyncio4j.TaskGroup;
import io.github.asyncio4j.VirtualTimeEventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * {@link TaskGroup}: asyncio's rules G1–G5, porting the intent of CPython's {@code
 * Lib/test/test_asyncio/test_taskgroups.py} on the virtual-time loop. Python's {@code 1 / 0} is an
 * {@link ArithmeticException}; {@code KeyboardInterrupt}/{@code SystemExit} (re-raised bare) are
 * JVM-fatal errors here, played by a {@link LinkageError}; a {@code BaseException} that is not one
 * of those is an {@link Error} that is not JVM-fatal.
 */
class TaskGroupTest {

  /** Python's {@code MyExc(Exception)}. */
  static final class MyExc extends RuntimeException {
    MyExc(String message) {
      super(message);
    }
  }

  /** Python's {@code MyBaseExc(BaseException)}: not an Exception, not fatal. */
  static final class MyBaseExc extends Error {
    MyBaseExc(String message) {
      super(message);
    }
  }

  /** {@code await sleep(s); 1 / 0}. */
  static Mono<Void> crashAfter(double s) {
    return sleep(s).then(Mono.error(() -> new ArithmeticException("division by zero")));
  }

  /** {@code try: await sleep(s) finally: raise error} (the error replaces a cancellation). */
  static Mono<Void> sleepFinallyRaise(double s, RuntimeException error) {
    return sleep(s).then(Mono.<Void>error(error)).onErrorResume(e -> Mono.error(error));
  }

  static List<Class<?>> types(ExceptionGroup eg) {
    List<Class<?>> types = new ArrayList<>();
    for (Throwable e : eg.exceptions()) {
      types.add(e.getClass());
    }
    return types;
  }

  // ------------------------------------------------------------------ the group waits for tasks

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_01
  @Test
  void theGroupEndsWhenEveryTaskHasEnded() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  AtomicReference<Task<Integer>> t1 = new AtomicReference<>();
                  AtomicReference<Task<Integer>> t2 = new AtomicReference<>();
                  return taskGroup(
                          tg -> {
                            t1.set(tg.createTask(sleep(0.1).thenReturn(42)));
                            t2.set(tg.createTask(sleep(0.2).thenReturn(11)));
                            return Mono.empty();
                          })
                      .then(
                          Mono.fromCallable(
                              () -> List.of(t1.get().result(), t2.get().result(), now())));
                }));
    assertThat(r.subList(0, 2)).containsExactly(42, 11);
    assertThat((double) r.get(2)).isCloseTo(0.2, within(1e-9));
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_02
  @Test
  void theBodyMayCreateTasksAfterWaiting() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  AtomicReference<Task<Integer>> t1 = new AtomicReference<>();
                  AtomicReference<Task<Integer>> t2 = new AtomicReference<>();
                  return taskGroup(
                          tg -> {
                            t1.set(tg.createTask(sleep(0.1).thenReturn(42)));
                            return sleep(0.15)
                                .then(
                                    Mono.fromRunnable(
                                        () -> t2.set(tg.createTask(sleep(0.2).thenReturn(11)))));
                          })
                      .then(
                          Mono.fromCallable(
                              () -> List.of(t1.get().result(), t2.get().result(), now())));
                }));
    assertThat(r.subList(0, 2)).containsExactly(42, 11);
    assertThat((double) r.get(2)).isCloseTo(0.35, within(1e-9));
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_01 (the body's own result)
  @Test
  void theBodysResultComesOutAfterTheTasks() {
    List<String> log = new ArrayList<>();
    String r =
        runV(
            taskGroup(
                    tg -> {
                      tg.createTask(sleep(2).then(Mono.fromRunnable(() -> log.add("task done"))));
                      return sleep(1).then(Mono.fromCallable(() -> "body"));
                    })
                .doOnNext(v -> log.add("group done at " + now())));
    assertThat(r).isEqualTo("body");
    assertThat(log).containsExactly("task done", "group done at 2.0");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_task_name
  @Test
  void createTaskNamesTheTask() {
    String name =
        runV(
            taskGroup(
                tg -> {
                  Task<Void> t = tg.createTask(sleep(0), "yolo");
                  return Mono.just(t.getName());
                }));
    assertThat(name).isEqualTo("yolo");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_task_context
  @Test
  void tasksSeeTheParentTasksReactorContext() {
    String seen =
        runV(
            Mono.defer(
                () ->
                    getRunningLoop()
                        .createTask(
                            taskGroup(
                                tg ->
                                    tg.createTask(
                                        Mono.deferContextual(
                                            ctx -> Mono.just(ctx.<String>get("cvar"))))),
                            "parent",
                            Context.of("cvar", "1"))));
    assertThat(seen).isEqualTo("1");
  }

  // taskgroups.py::TaskGroup.create_task with an eager task factory (3.12+): a task may end
  // within createTask; the group handles it as any other.
  @Test
  void eagerTasksThatEndAtOnceAreHandled() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  getRunningLoop().setTaskFactory(TaskFactory.EAGER);
                  AtomicReference<Task<Integer>> done = new AtomicReference<>();
                  return taskGroup(
                          tg -> {
                            done.set(tg.createTask(Mono.just(42)));
                            List<Object> seen = new ArrayList<>(List.of(done.get().done()));
                            return Mono.just(seen);
                          })
                      .flatMap(
                          seen ->
                              errorOf(
                                      taskGroup(
                                          tg -> {
                                            tg.createTask(Mono.error(new MyExc("at once")));
                                            return sleep(1);
                                          }))
                                  .map(
                                      e -> {
                                        seen.add(done.get().result());
                                        seen.add(e);
                                        seen.add(now());
                                        return seen;
                                      }));
                }));
    assertThat(r.subList(0, 2)).containsExactly(true, 42);
    assertThat(types((ExceptionGroup) r.get(2))).containsExactly(MyExc.class);
    assertThat((double) r.get(3)).isZero(); // the body's sleep was interrupted
  }

  // ------------------------------------------------------------------ G1: entering

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_without_parent_task
  @Test
  void outsideATaskTheGroupCannotDetermineItsParent() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    AtomicInteger bodies = new AtomicInteger();
    try {
      Future<Object> outcome = loop.createFuture();
      // A plain callback on the loop: there is no current task.
      loop.callSoon(
          () ->
              taskGroup(
                      tg -> {
                        bodies.incrementAndGet();
                        return Mono.just("ran");
                      })
                  .subscribe(outcome::setResult, outcome::setException));
      assertThatThrownBy(() -> loop.runUntilComplete(outcome))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("TaskGroup cannot determine the parent task");
    } finally {
      loop.close();
    }
    assertThat(bodies).hasValue(0);
  }

  // ------------------------------------------------------------------ G2: createTask

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_finished
  // test_taskgroups.py::TestTaskGroup::test_coro_closed_when_tg_closed
  @Test
  void createTaskAfterTheGroupFinishedFailsAndNeverStartsTheCoroutine() {
    AtomicInteger subscribed = new AtomicInteger();
    Throwable e =
        runV(
            Mono.defer(
                () -> {
                  AtomicReference<TaskGroup> group = new AtomicReference<>();
                  return taskGroup(
                          tg -> {
                            group.set(tg);
                            return Mono.empty();
                          })
                      .then(
                          Mono.fromCallable(
                              () -> {
                                try {
                                  group
                                      .get()
                                      .createTask(
                                          sleep(0)
                                              .doOnSubscribe(s -> subscribed.incrementAndGet()));
                                  return (Throwable) new AssertionError("createTask succeeded");
                                } catch (IllegalStateException expected) {
                                  return expected;
                                }
                              }))
                      .delayUntil(x -> sleep(1));
                }));
    assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageEndingWith(" is finished");
    assertThat(e.getMessage()).startsWith("TaskGroup <TaskGroup");
    assertThat(subscribed).hasValue(0);
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_no_create_task_after_failure
  @Test
  void createTaskFailsOnceTheGroupIsShuttingDown() {
    List<Throwable> rejected = new ArrayList<>();
    AtomicInteger subscribed = new AtomicInteger();
    Throwable e =
        runV(
            errorOf(
                taskGroup(
                    tg -> {
                      tg.createTask(crashAfter(0.001));
                      tg.createTask(
                          sleep(1)
                              .onErrorResume(
                                  CancelledError.class,
                                  c -> {
                                    try {
                                      tg.createTask(
                                          crashAfter(0.001)
                                              .doOnSubscribe(s -> subscribed.incrementAndGet()));
                                    } catch (IllegalStateException expected) {
                                      rejected.add(expected);
                                    }
                                    return Mono.empty(); // swallows its cancellation, as in CPython
                                  }));
                      return Mono.empty();
                    })));
    assertThat(e).isInstanceOf(ExceptionGroup.class);
    assertThat(types((ExceptionGroup) e)).containsExactly(ArithmeticException.class);
    assertThat(rejected)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r).isInstanceOf(IllegalStateException.class);
              assertThat(r)
                  .hasMessage("TaskGroup <TaskGroup tasks=1 errors=1 cancelling> is shutting down");
            });
    assertThat(subscribed).hasValue(0);
  }

  // G2: the body, interrupted by a failure, may not add tasks either.
  @Test
  void theBodyCannotCreateTasksOnceAChildFailed() {
    AtomicReference<Throwable> rejected = new AtomicReference<>();
    Throwable e =
        runV(
            errorOf(
                taskGroup(
                    tg -> {
                      tg.createTask(crashAfter(1));
                      return sleep(10)
                          .onErrorResume(
                              CancelledError.class,
                              c -> {
                                try {
                                  tg.createTask(sleep(0));
                                } catch (IllegalStateException expected) {
                                  rejected.set(expected);
                                }
                                return Mono.error(c);
                              });
                    })));
    assertThat(e).isInstanceOf(ExceptionGroup.class);
    assertThat(rejected.get()).hasMessageEndingWith(" is shutting down");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_24
  @Test
  void tasksMayBeCreatedWhileTheGroupWaitsForItsTasks() {
    List<String> log = new ArrayList<>();
    double end =
        runV(
            taskGroup(
                    tg -> {
                      tg.createTask(
                          sleep(0.1)
                              .then(
                                  Mono.fromRunnable(
                                      () -> {
                                        // the body has ended: the group is waiting for its tasks
                                        tg.createTask(
                                            sleep(0.1).doOnSuccess(v -> log.add("coro1(0.1)")));
                                        tg.createTask(
                                            sleep(0.2).doOnSuccess(v -> log.add("coro1(0.2)")));
                                      })));
                      return Mono.empty();
                    })
                .then(Mono.fromCallable(TaskScripts::now)));
    assertThat(log).containsExactly("coro1(0.1)", "coro1(0.2)");
    assertThat(end).isCloseTo(0.3, within(1e-9));
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_25
  @Test
  void aFailureStopsTasksThatKeepCreatingTasks() {
    AtomicInteger hydras = new AtomicInteger();
    Throwable e =
        runV(
            errorOf(
                taskGroup(
                    tg -> {
                      tg.createTask(hydra(tg, hydras));
                      tg.createTask(hercules(hydras));
                      return Mono.empty();
                    })));
    assertThat(e).isInstanceOf(ExceptionGroup.class);
    assertThat(types((ExceptionGroup) e)).containsOnly(ArithmeticException.class);
    assertThat(hydras.get()).isGreaterThanOrEqualTo(10);
  }

  /** {@code while nhydras < 10: await sleep(0.015)}, then {@code 1 / 0}. */
  private static Mono<Void> hercules(AtomicInteger hydras) {
    return Mono.defer(
        () -> hydras.get() < 10 ? sleep(0.015).then(hercules(hydras)) : crashAfter(0));
  }

  private static Mono<Void> hydra(TaskGroup tg, AtomicInteger hydras) {
    return Mono.defer(
        () -> {
          hydras.incrementAndGet();
          return sleep(0.01)
              .then(
                  Mono.fromRunnable(
                      () -> {
                        tg.createTask(hydra(tg, hydras));
                        tg.createTask(hydra(tg, hydras));
                      }));
        });
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_23
  @Test
  void finishedTasksLeaveTheGroup() {
    Pattern tasks = Pattern.compile("tasks=(\\d+)");
    List<String> reprs =
        runV(
            taskGroup(
                tg -> {
                  List<String> seen = new ArrayList<>();
                  Mono<Void> loop = Mono.empty();
                  for (int count = 0; count < 10; count++) {
                    int c = count;
                    loop =
                        loop.then(sleep(0.1))
                            .then(
                                Mono.fromRunnable(
                                    () -> {
                                      tg.createTask(sleep(0.3));
                                      if (c == 5) {
                                        seen.add(tg.toString());
                                      }
                                    }));
                  }
                  return loop.then(sleep(1.35))
                      .then(Mono.fromCallable(() -> seen))
                      .doOnNext(s -> s.add(tg.toString()));
                }));
    Matcher m = tasks.matcher(reprs.get(0));
    assertThat(m.find()).as(reprs.get(0)).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isLessThan(5);
    assertThat(reprs.get(1)).isEqualTo("<TaskGroup entered>");
  }

  // ------------------------------------------------------------------ G3: the first failure aborts

  // test_taskgroups.py::TestTaskGroup::test_cancel_children_on_child_error
  @Test
  void aChildsFailureCancelsItsSiblingsThenTheBodyOnce() {
    List<String> log = new ArrayList<>();
    List<Object> r =
        runV(
            taskGroup(
                    tg -> {
                      tg.createTask(crashAfter(0.1));
                      tg.createTask(crashAfter(0.1));
                      tg.createTask(crashAfter(0.1));
                      tg.createTask(
                          onCancel(sleep(5), log, "sib cancelled")
                              .then(Mono.fromRunnable(() -> log.add("sib finished"))));
                      return onCancel(sleep(10), log, "body cancelled")
                          .then(Mono.fromRunnable(() -> log.add("body finished")));
                    })
                .then(Mono.fromRunnable(() -> log.add("after the group")))
                .then(Mono.<List<Object>>empty())
                .onErrorResume(
                    ExceptionGroup.class,
                    eg -> Mono.just(List.of(eg, currentTask().cancelling(), now()))));
    ExceptionGroup eg = (ExceptionGroup) r.get(0);
    // On the virtual clock the three crash together, before the group hears of any.
    assertThat(types(eg))
        .containsExactly(
            ArithmeticException.class, ArithmeticException.class, ArithmeticException.class);
    assertThat(log).containsExactly("sib cancelled", "body cancelled");
    assertThat(r.get(1)).isEqualTo(0); // the group took its own cancellation back
    assertThat((double) r.get(2)).isCloseTo(0.1, within(1e-9));
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_04
  @Test
  void aFailingGroupEndsItsParentTaskWithTheExceptionGroup() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  AtomicInteger num = new AtomicInteger();
                  AtomicReference<Task<Void>> t2 = new AtomicReference<>();
                  List<String> log = new ArrayList<>();
                  Task<Void> runner =
                      createTask(
                          taskGroup(
                                  tg -> {
                                    tg.createTask(crashAfter(0.1));
                                    t2.set(
                                        tg.createTask(
                                            onCancel(sleep(1), log, "t2 cancelled")
                                                .then(Mono.fromRunnable(num::incrementAndGet))));
                                    return Mono.empty();
                                  })
                              .then(Mono.fromRunnable(() -> num.addAndGet(10))));
                  return errorOf(runner)
                      .map(
                          e ->
                              List.of(e, num.get(), log, t2.get().cancelled(), runner.cancelled()));
                }));
    assertThat(r.get(0)).isInstanceOf(ExceptionGroup.class);
    assertThat(types((ExceptionGroup) r.get(0))).containsExactly(ArithmeticException.class);
    assertThat(r.get(1)).isEqualTo(0);
    assertThat(r.get(2)).isEqualTo(List.of("t2 cancelled"));
    assertThat(r.get(3)).isEqualTo(true);
    assertThat(r.get(4)).isEqualTo(false);
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_03
  @Test
  void aChildCancelledOnItsOwnIsNotAnError() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  AtomicReference<Task<Integer>> t1 = new AtomicReference<>();
                  AtomicReference<Task<Integer>> t2 = new AtomicReference<>();
                  return taskGroup(
                          tg -> {
                            t1.set(tg.createTask(sleep(1).thenReturn(42)));
                            return sleep(0.15)
                                .then(
                                    Mono.fromRunnable(
                                        () -> {
                                          t1.get().cancel(); // everything else goes on
                                          t2.set(tg.createTask(sleep(0.2).thenReturn(11)));
                                        }));
                          })
                      .then(
                          Mono.fromCallable(
                              () ->
                                  List.of(
                                      t1.get().cancelled(),
                                      t2.get().result(),
                                      currentTask().cancelling())));
                }));
    assertThat(r).containsExactly(true, 11, 0);
  }

  // G4: a child that raises CancelledError itself is cancelled, not failed.
  @Test
  void aChildEndingWithCancelledErrorIsNotAnError() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  AtomicReference<Task<Void>> t = new AtomicReference<>();
                  return taskGroup(
                          tg -> {
                            t.set(tg.createTask(sleep(0.1).then(Mono.error(new CancelledError()))));
                            return sleep(1).thenReturn("body");
                          })
                      .map(body -> List.of(body, t.get().cancelled(), now()));
                }));
    assertThat(r.subList(0, 2)).containsExactly("body", true);
    assertThat((double) r.get(2)).isCloseTo(1.0, within(1e-9)); // the body was not interrupted
  }

  // ------------------------------------------------------------------ G4: what is raised

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_09
  @Test
  void theBodysFailureCancelsTheTasks() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  AtomicReference<Task<Integer>> t1 = new AtomicReference<>();
                  AtomicReference<Task<Integer>> t2 = new AtomicReference<>();
                  return errorOf(
                          taskGroup(
                              tg -> {
                                t1.set(tg.createTask(sleep(1).thenReturn(42)));
                                t2.set(tg.createTask(sleep(2).thenReturn(11)));
                                return crashAfter(0.1);
                              }))
                      .map(e -> List.of(e, t1.get().cancelled(), t2.get().cancelled(), now()));
                }));
    ExceptionGroup eg = (ExceptionGroup) r.get(0);
    assertThat(eg).hasMessage("unhandled errors in a TaskGroup (1 sub-exception)");
    assertThat(eg.message()).isEqualTo("unhandled errors in a TaskGroup");
    assertThat(types(eg)).containsExactly(ArithmeticException.class);
    assertThat(r.subList(1, 3)).containsExactly(true, true);
    assertThat((double) r.get(3)).isCloseTo(0.1, within(1e-9));
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_10
  @Test
  void aBodyThatThrowsAtOnceCancelsTheTasks() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  AtomicReference<Task<Integer>> t1 = new AtomicReference<>();
                  AtomicReference<Task<Integer>> t2 = new AtomicReference<>();
                  return errorOf(
                          taskGroup(
                              tg -> {
                                t1.set(tg.createTask(sleep(1).thenReturn(42)));
                                t2.set(tg.createTask(sleep(2).thenReturn(11)));
                                throw new ArithmeticException("division by zero");
                              }))
                      .map(e -> List.of(e, t1.get().cancelled(), t2.get().cancelled()));
                }));
    assertThat(types((ExceptionGroup) r.get(0))).containsExactly(ArithmeticException.class);
    assertThat(r.subList(1, 3)).containsExactly(true, true);
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_19
  @Test
  void childrensErrorsComeFirstInCompletionOrderThenTheBodys() {
    ExceptionGroup eg =
        (ExceptionGroup)
            runV(
                errorOf(
                    taskGroup(
                        tg -> {
                          tg.createTask(sleep(0.2).then(Mono.error(new MyExc("second"))));
                          tg.createTask(crashAfter(0.1));
                          return sleepFinallyRaise(10, new MyExc("body"));
                        })));
    assertThat(eg.exceptions())
        .extracting(Throwable::getMessage)
        .containsExactly("division by zero", "body");
    // the second child was cancelled before it could fail: no error of its own
    assertThat(eg.getSuppressed()).hasSize(2);
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_19 (errors of several children)
  @Test
  void errorsOfSeveralChildrenAreKeptInCompletionOrder() {
    ExceptionGroup eg =
        (ExceptionGroup)
            runV(
                errorOf(
                    taskGroup(
                        tg -> {
                          tg.createTask(sleep(0.3).then(Mono.error(new MyExc("c"))));
                          tg.createTask(sleepFinallyRaise(0.2, new MyExc("b")));
                          tg.createTask(sleep(0.1).then(Mono.error(new MyExc("a"))));
                          return Mono.empty();
                        })));
    // "a" fails first; "b" and "c" raise while being cancelled, in the order they end
    assertThat(eg.exceptions()).extracting(Throwable::getMessage).containsExactly("a", "b");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_20
  @Test
  void aFatalErrorOfTheBodyIsRethrownBareAfterTheTasksEnd() {
    List<String> log = new ArrayList<>();
    LinkageError fatal = new LinkageError("KeyboardInterrupt");
    assertThatThrownBy(
            () ->
                runV(
                    taskGroup(
                        tg -> {
                          tg.createTask(crashAfter(0.1));
                          tg.createTask(
                              onCancel(sleep(10), log, "sib cancelled")
                                  .then(Mono.fromRunnable(() -> log.add("sib finished"))));
                          return sleep(10)
                              .then(Mono.<Void>error(fatal))
                              .onErrorResume(e -> Mono.error(fatal));
                        })))
        .isSameAs(fatal);
    assertThat(log).containsExactly("sib cancelled");
  }

  // test_taskgroups.py::TestTaskGroup::_test_taskgroup_21 (disabled in CPython: a fatal error
  // there stops the loop; here it is the task's outcome, and the group rethrows it bare)
  @Test
  void aFatalErrorOfAChildIsRethrownBareAfterTheOtherTasksEnd() {
    List<String> log = new ArrayList<>();
    LinkageError fatal = new LinkageError("SystemExit(3)");
    assertThatThrownBy(
            () ->
                runV(
                    taskGroup(
                        tg -> {
                          // hide(): Reactor throws a fatal error given as a Callable source
                          // (Mono.error's fast path) instead of signalling it.
                          tg.createTask(sleep(0.1).then(Mono.<Void>error(fatal).hide()));
                          tg.createTask(
                              onCancel(sleep(10), log, "sib cancelled")
                                  .onErrorResume(
                                      CancelledError.class,
                                      e ->
                                          sleep(1)
                                              .then(Mono.fromRunnable(() -> log.add("sib cleaned")))
                                              .then(Mono.error(e))));
                          return onCancel(sleep(10), log, "body cancelled");
                        })))
        .isSameAs(fatal);
    assertThat(log).containsExactly("sib cancelled", "body cancelled", "sib cleaned");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_20a
  @Test
  void aBodyErrorThatIsNotFatalJoinsTheGroup() {
    ExceptionGroup eg =
        (ExceptionGroup)
            runV(
                errorOf(
                    taskGroup(
                        tg -> {
                          tg.createTask(crashAfter(0.1));
                          return sleep(10)
                              .then(Mono.<Void>error(new MyBaseExc("body")))
                              .onErrorResume(e -> Mono.error(new MyBaseExc("body")));
                        })));
    assertThat(types(eg)).containsExactly(ArithmeticException.class, MyBaseExc.class);
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_21a
  @Test
  void aChildErrorThatIsNotFatalJoinsTheGroup() {
    ExceptionGroup eg =
        (ExceptionGroup)
            runV(
                errorOf(
                    taskGroup(
                        tg -> {
                          tg.createTask(sleep(0.1).then(Mono.error(new MyBaseExc("child"))));
                          return sleepFinallyRaise(10, new IllegalArgumentException("TypeError"));
                        })));
    assertThat(types(eg)).containsExactly(MyBaseExc.class, IllegalArgumentException.class);
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_14
  @Test
  void anInnerGroupsErrorIsNestedInTheOuterGroup() {
    ExceptionGroup eg =
        (ExceptionGroup)
            runV(
                errorOf(
                    taskGroup(
                        g1 -> {
                          g1.createTask(sleep(10).then(Mono.error(new MyExc("10"))));
                          return taskGroup(
                              g2 -> {
                                g2.createTask(sleep(0.1).then(Mono.error(new MyExc("0.1"))));
                                return Mono.empty();
                              });
                        })));
    assertThat(types(eg)).containsExactly(ExceptionGroup.class);
    ExceptionGroup inner = (ExceptionGroup) eg.exceptions().get(0);
    assertThat(inner.exceptions()).extracting(Throwable::getMessage).containsExactly("0.1");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_13
  @Test
  void anOuterTasksFailureCancelsTheInnerGroup() {
    List<String> log = new ArrayList<>();
    ExceptionGroup eg =
        (ExceptionGroup)
            runV(
                errorOf(
                    taskGroup(
                        g1 -> {
                          g1.createTask(sleep(0.1).then(Mono.error(new MyExc("0.1"))));
                          return onCancel(
                              taskGroup(
                                  g2 -> {
                                    g2.createTask(
                                        onCancel(sleep(10), log, "inner task cancelled")
                                            .then(Mono.error(new MyExc("10"))));
                                    return Mono.empty();
                                  }),
                              log,
                              "inner group cancelled");
                        })));
    assertThat(eg.exceptions()).extracting(Throwable::getMessage).containsExactly("0.1");
    assertThat(log).containsExactly("inner task cancelled", "inner group cancelled");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_context_manager_exit_raises
  @Test
  void aBodyThatRaisesOnItsWayOutAfterAChildFailedGivesBothErrors() {
    List<Object> r =
        runV(
            Mono.defer(
                () ->
                    createTask(
                        taskGroup(
                                tg -> {
                                  // async with database(): ... finally: raise CustomException
                                  tg.createTask(Mono.error(new MyExc("raise_exc")));
                                  return sleep(1)
                                      .onErrorResume(e -> Mono.empty())
                                      .then(Mono.<Void>error(new MyExc("database")));
                                })
                            .then(Mono.<List<Object>>empty())
                            .onErrorResume(
                                ExceptionGroup.class,
                                eg -> {
                                  ExceptionGroup.Split s = eg.split(MyExc.class);
                                  return Mono.just(
                                      List.of(
                                          currentTask().cancelling(),
                                          s.match().exceptions().size(),
                                          s.rest() == null));
                                }))));
    assertThat(r).containsExactly(0, 2, true);
  }

  // ------------------------------------------------------------------ G5: cancelled from outside

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_07
  // test_taskgroups.py::TestTaskGroup::test_cancellation
  @Test
  void cancellingTheParentCancelsTheBodyAndTheTasksThenPropagates() {
    List<String> log = new ArrayList<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> runner =
                      createTask(
                          taskGroup(
                              tg -> {
                                for (int i = 0; i < 5; i++) {
                                  tg.createTask(onCancel(sleep(5), log, "task " + i));
                                }
                                return onCancel(sleep(10), log, "body");
                              }));
                  return sleep(0.1)
                      .then(
                          Mono.defer(
                              () -> {
                                assertThat(runner.done()).isFalse();
                                runner.cancel();
                                return errorOf(runner);
                              }))
                      .map(e -> List.of(e, runner.cancelled(), now()));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    assertThat(r.get(1)).isEqualTo(true);
    assertThat((double) r.get(2)).isCloseTo(0.1, within(1e-9));
    assertThat(log).containsExactly("body", "task 0", "task 1", "task 2", "task 3", "task 4");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_17
  @Test
  void cancellingTheParentOfAGroupWithoutTasks() {
    List<String> log = new ArrayList<>();
    Throwable e =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> runner = createTask(taskGroup(tg -> onCancel(sleep(10), log, "body")));
                  return sleep(0.1).then(Mono.fromRunnable(runner::cancel)).then(errorOf(runner));
                }));
    assertThat(e).isInstanceOf(CancelledError.class);
    assertThat(log).containsExactly("body");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_22
  @Test
  void cancellingTheParentWhileTheGroupWaitsForItsTasks() {
    List<String> log = new ArrayList<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> runner =
                      createTask(
                          taskGroup(
                              tg -> {
                                tg.createTask(onCancel(sleep(1), log, "foo1"));
                                tg.createTask(onCancel(sleep(2), log, "foo2"));
                                return Mono.empty();
                              }));
                  return sleep(0.05)
                      .then(Mono.fromRunnable(runner::cancel))
                      .then(errorOf(runner))
                      .map(e -> List.of(e, runner.cancelled(), now()));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    assertThat(r.get(1)).isEqualTo(true);
    assertThat((double) r.get(2)).isCloseTo(0.05, within(1e-9));
    assertThat(log).containsExactly("foo1", "foo2");
  }

  // taskgroups.py::TaskGroup.__aexit__ loops "because _on_completed_fut can be cancelled multiple
  // times if our parent task is being cancelled repeatedly": the group still waits for its tasks.
  @Test
  void aParentCancelledRepeatedlyStillWaitsForTheTasksCleanUp() {
    List<String> log = new ArrayList<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> runner =
                      createTask(
                          taskGroup(
                              tg -> {
                                tg.createTask(
                                    sleep(10)
                                        .onErrorResume(
                                            CancelledError.class,
                                            c ->
                                                sleep(1)
                                                    .then(
                                                        Mono.fromRunnable(
                                                            () -> log.add("cleaned at " + now())))
                                                    .then(Mono.error(c))));
                                return sleep(10);
                              }));
                  return sleep(0.1)
                      .then(Mono.fromRunnable(runner::cancel))
                      .then(sleep(0.4))
                      .then(Mono.fromRunnable(runner::cancel))
                      .then(errorOf(runner))
                      .map(e -> List.of(e, now(), runner.cancelled()));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    assertThat((double) r.get(1)).isCloseTo(1.1, within(1e-9));
    assertThat(r.get(2)).isEqualTo(true);
    assertThat(log).containsExactly("cleaned at 1.1");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_08
  @Test
  void childrensErrorsWinOverTheParentsCancellation() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  AtomicInteger levelInside = new AtomicInteger(-1);
                  Task<Void> runner =
                      createTask(
                          taskGroup(
                                  tg -> {
                                    for (int i = 0; i < 5; i++) {
                                      tg.createTask(
                                          sleepFinallyRaise(
                                              10, new ArithmeticException("division by zero")));
                                    }
                                    return sleep(10);
                                  })
                              .doOnError(
                                  ExceptionGroup.class,
                                  eg -> levelInside.set(currentTask().cancelling())));
                  return sleep(0.1)
                      .then(Mono.fromRunnable(runner::cancel))
                      .then(errorOf(runner))
                      .map(e -> List.of(e, runner.cancelled(), levelInside.get()));
                }));
    assertThat(r.get(0)).isInstanceOf(ExceptionGroup.class);
    assertThat(types((ExceptionGroup) r.get(0))).hasSize(5).containsOnly(ArithmeticException.class);
    assertThat(r.get(1)).isEqualTo(false);
    assertThat(r.get(2)).isEqualTo(1); // 3.13: the outside cancellation is still pending
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_18
  @Test
  void aBodyTurningItsCancellationIntoAnErrorRaisesAGroup() {
    List<String> log = new ArrayList<>();
    Throwable e =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> runner =
                      createTask(
                          taskGroup(
                              tg ->
                                  sleep(10)
                                      .onErrorResume(
                                          CancelledError.class,
                                          c -> {
                                            log.add("body cancelled");
                                            return Mono.error(new MyExc("weird"));
                                          })));
                  return sleep(0.1).then(Mono.fromRunnable(runner::cancel)).then(errorOf(runner));
                }));
    assertThat(e).isInstanceOf(ExceptionGroup.class);
    assertThat(types((ExceptionGroup) e)).containsExactly(MyExc.class);
    assertThat(log).containsExactly("body cancelled");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_11
  // test_taskgroups.py::TestTaskGroup::test_taskgroup_12
  @Test
  void cancellingTheParentOfNestedGroupsNestsTheInnerErrors() {
    List<String> log = new ArrayList<>();
    Throwable e =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> runner =
                      createTask(
                          taskGroup(
                              g1 -> {
                                g1.createTask(onCancel(sleep(10), log, "g1 task"));
                                return taskGroup(
                                    g2 -> {
                                      for (int i = 0; i < 5; i++) {
                                        g2.createTask(
                                            sleepFinallyRaise(
                                                10, new ArithmeticException("division by zero")));
                                      }
                                      return onCancel(sleep(10), log, "g2 body");
                                    });
                              }));
                  return sleep(0.1).then(Mono.fromRunnable(runner::cancel)).then(errorOf(runner));
                }));
    ExceptionGroup eg = (ExceptionGroup) e;
    assertThat(types(eg)).containsExactly(ExceptionGroup.class);
    assertThat(types((ExceptionGroup) eg.exceptions().get(0)))
        .hasSize(5)
        .containsOnly(ArithmeticException.class);
    assertThat(log).containsExactly("g2 body", "g1 task");
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_15
  @Test
  void aChildFailingWhileTheCancelledBodyCleansUpRaisesAGroup() {
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  List<String> log = new ArrayList<>();
                  Task<Void> runner =
                      createTask(
                          taskGroup(
                              g1 -> {
                                g1.createTask(crashAfter(0.3));
                                return sleep(10)
                                    .onErrorResume(
                                        CancelledError.class,
                                        c ->
                                            onCancel(sleep(0.5), log, "clean-up interrupted")
                                                .then(Mono.error(c)));
                              }));
                  return sleep(0.1)
                      .then(Mono.fromRunnable(runner::cancel))
                      .then(errorOf(runner))
                      .map(e -> List.of(e, log, now()));
                }));
    assertThat(types((ExceptionGroup) r.get(0))).containsExactly(ArithmeticException.class);
    assertThat(r.get(1)).isEqualTo(List.of("clean-up interrupted"));
    assertThat((double) r.get(2)).isCloseTo(0.3, within(1e-9));
  }

  // test_taskgroups.py::TestTaskGroup::test_taskgroup_16
  @Test
  void theGroupsErrorReachesTheTaskAwaitingItsParent() {
    Throwable e =
        runV(
            Mono.defer(
                () -> {
                  Task<Void> runner =
                      createTask(
                          Mono.defer(
                              () ->
                                  createTask(
                                      taskGroup(
                                          g1 -> {
                                            g1.createTask(crashAfter(0.3));
                                            return sleep(10)
                                                .onErrorResume(
                                                    CancelledError.class,
                                                    c -> sleep(0.5).then(Mono.error(c)));
                                          }))));
                  return sleep(0.1).then(Mono.fromRunnable(runner::cancel)).then(errorOf(runner));
                }));
    assertThat(types((ExceptionGroup) e)).containsExactly(ArithmeticException.class);
  }

  // test_taskgroups.py::TestTaskGroup::test_cancelling_level_preserved
  @Test
  void aFailedGroupLeavesTheParentsCancellingLevelAsItWas() {
    int level =
        runV(
            taskGroup(
                    tg -> {
                      tg.createTask(sleep(0).then(Mono.error(new IllegalStateException())));
                      return Mono.empty();
                    })
                .onErrorResume(
                    ExceptionGroup.class,
                    eg ->
                        eg.split(IllegalStateException.class).rest() == null
                            ? Mono.empty()
                            : Mono.error(eg))
                .then(Mono.fromCallable(() -> currentTask().cancelling())));
    assertThat(level).isZero();
  }

  // test_taskgroups.py::TestTaskGroup::test_nested_groups_both_cancelled
  @Test
  void nestedGroupsBothAbortingRestoreTheLevelStepByStep() {
    List<Integer> levels =
        runV(
            Mono.defer(
                () -> {
                  List<Integer> seen = new ArrayList<>();
                  return taskGroup(
                          outer ->
                              taskGroup(
                                      inner -> {
                                        inner.createTask(
                                            sleep(0).then(Mono.error(new IllegalStateException())));
                                        outer.createTask(
                                            sleep(0)
                                                .then(Mono.error(new IllegalArgumentException())));
                                        return Mono.empty();
                                      })
                                  .then(Mono.<Void>error(new AssertionError("not raised")))
                                  .onErrorResume(
                                      ExceptionGroup.class,
                                      eg ->
                                          eg.split(IllegalStateException.class).rest() == null
                                              ? Mono.empty()
                                              : Mono.error(eg))
                                  .then(
                                      Mono.fromRunnable(
                                          () -> seen.add(currentTask().cancelling()))))
                      .then(Mono.<Void>error(new AssertionError("not raised")))
                      .onErrorResume(
                          ExceptionGroup.class,
                          eg ->
                              eg.split(IllegalArgumentException.class).rest() == null
                                  ? Mono.empty()
                                  : Mono.error(eg))
                      .then(Mono.fromCallable(() -> seen))
                      .doOnNext(s -> s.add(currentTask().cancelling()));
                }));
    assertThat(levels).containsExactly(1, 0);
  }

  // test_taskgroups.py::TestTaskGroup::test_error_and_cancel
  @Test
  void aCancelFromOutsideSurvivesTheGroupsOwnCancellation() {
    List<String> log = new ArrayList<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Event event = new Event();
                  Mono<Void> inner =
                      taskGroup(
                              tg -> {
                                tg.createTask(
                                    Mono.fromRunnable(event::set)
                                        .then(sleep(0))
                                        .then(Mono.error(new IllegalStateException())));
                                return sleep(1)
                                    .then(
                                        Mono.fromRunnable(
                                            () -> log.add("sleep in group not cancelled")));
                              })
                          .onErrorResume(
                              ExceptionGroup.class,
                              eg -> {
                                log.add("caught, cancelling=" + currentTask().cancelling());
                                return Mono.empty();
                              })
                          .then(
                              Mono.fromRunnable(
                                  () -> log.add("after, cancelling=" + currentTask().cancelling())))
                          .then(onCancel(sleep(1), log, "sleep after group cancelled"))
                          .then(
                              Mono.fromRunnable(() -> log.add("sleep after group not cancelled")));
                  Task<Void> t = createTask(inner);
                  return event
                      .await()
                      .then(
                          Mono.defer(
                              () -> {
                                log.add("before cancel " + t.cancelling());
                                t.cancel();
                                log.add("after cancel " + t.cancelling());
                                return errorOf(t);
                              }))
                      .map(e -> List.of(e, t.cancelled()));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    assertThat(r.get(1)).isEqualTo(true);
    assertThat(log)
        .containsExactly(
            "before cancel 0",
            "after cancel 1",
            "caught, cancelling=1",
            "after, cancelling=1",
            "sleep after group cancelled");
  }

  // ------------------------------------------------------------------ Reactor cancel

  // A Reactor cancel() of the group's Mono (a client gone away) cancels its tasks.
  @Test
  void aReactorCancelOfTheGroupCancelsItsTasks() {
    List<String> log = new ArrayList<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  AtomicReference<Task<Void>> child = new AtomicReference<>();
                  AtomicReference<TaskGroup> group = new AtomicReference<>();
                  Mono<String> g =
                      taskGroup(
                          tg -> {
                            group.set(tg);
                            child.set(tg.createTask(onCancel(sleep(10), log, "child")));
                            return Mono.<String>never().doOnCancel(() -> log.add("body"));
                          });
                  return Mono.firstWithSignal(g, sleep(1).thenReturn("other"))
                      .delayUntil(x -> sleep(0))
                      .map(
                          x -> {
                            Throwable rejected = null;
                            try {
                              group.get().createTask(sleep(0));
                            } catch (IllegalStateException e) {
                              rejected = e;
                            }
                            return List.of(
                                x, child.get().cancelled(), rejected, currentTask().cancelling());
                          });
                }));
    assertThat(r.get(0)).isEqualTo("other");
    assertThat(r.get(1)).isEqualTo(true);
    assertThat((Throwable) r.get(2)).hasMessageEndingWith(" is shutting down");
    assertThat(r.get(3)).isEqualTo(0);
    assertThat(log).containsExactly("body", "child");
  }

  // The group's own cancel of the parent reaches a sibling branch, which ends first: the group is
  // cancelled by Reactor with an error in hand. The error is reported, the cancel taken back.
  @Test
  void aGroupCancelledByReactorAfterAFailureReportsItAndUncancelsItsParent() {
    List<Map<String, Object>> reported = new ArrayList<>();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
                  return Mono.firstWithSignal(
                          taskGroup(
                              tg -> {
                                tg.createTask(crashAfter(1));
                                return Mono.<String>never();
                              }),
                          sleep(10)
                              .thenReturn("slept")
                              .onErrorReturn(CancelledError.class, "woken"))
                      .flatMap(
                          v ->
                              sleep(1)
                                  .then(
                                      Mono.fromCallable(
                                          () -> List.of(v, currentTask().cancelling(), now()))));
                }));
    assertThat(r.subList(0, 2)).containsExactly("woken", 0);
    assertThat((double) r.get(2)).isCloseTo(2.0, within(1e-9));
    assertThat(reported)
        .singleElement()
        .satisfies(
            ctx -> {
              assertThat((String) ctx.get("message"))
                  .startsWith("TaskGroup <TaskGroup ")
                  .endsWith(" was cancelled by Reactor with unhandled errors");
              assertThat(types((ExceptionGroup) ctx.get("exception")))
                  .containsExactly(ArithmeticException.class);
            });
  }

  // The body waits on a foreign publisher: the abort still interrupts it (through the guard).
  @Test
  void aBodyWaitingOnAForeignPublisherIsInterruptedByAFailure() {
    List<String> log = new ArrayList<>();
    Sinks.One<String> sink = Sinks.one();
    Throwable e =
        runV(
            errorOf(
                taskGroup(
                    tg -> {
                      tg.createTask(crashAfter(1));
                      // Not wrapped: it gets Reactor's cancel and cannot see a CancelledError.
                      return onCancel(
                          sink.asMono().doOnCancel(() -> log.add("upstream cancelled")),
                          log,
                          "body cancelled");
                    })));
    assertThat(types((ExceptionGroup) e)).containsExactly(ArithmeticException.class);
    assertThat(log).containsExactly("upstream cancelled");
    assertThat(sink.currentSubscriberCount()).isZero();
  }

  // The same with the foreign publisher wrapped: the body handles the CancelledError.
  @Test
  void aBodyWaitingOnAWrappedForeignPublisherSeesTheCancellation() {
    List<String> log = new ArrayList<>();
    Sinks.One<String> sink = Sinks.one();
    Throwable e =
        runV(
            errorOf(
                taskGroup(
                    tg -> {
                      tg.createTask(crashAfter(1));
                      return onCancel(
                          getRunningLoop()
                              .wrap(sink.asMono().doOnCancel(() -> log.add("upstream cancelled"))),
                          log,
                          "body cancelled");
                    })));
    assertThat(types((ExceptionGroup) e)).containsExactly(ArithmeticException.class);
    assertThat(log).containsExactly("upstream cancelled", "body cancelled");
    assertThat(sink.currentSubscriberCount()).isZero();
  }

  // The body's foreign publisher completes on another thread, and the parent is cancelled before
  // that outcome reaches the loop: the cancel replaces it (as for any resumption), so the group
  // still cancels its tasks and waits for their clean-up before the CancelledError goes on.
  @Test
  void aCancelWhileTheBodysForeignOutcomeIsOnItsWayStillWaitsForTheTasks() {
    List<String> log = new ArrayList<>();
    Sinks.One<String> sink = Sinks.one();
    List<Object> r =
        runV(
            Mono.defer(
                () -> {
                  Task<String> parent =
                      createTask(
                          onCancel(
                              taskGroup(
                                  tg -> {
                                    tg.createTask(
                                        sleep(10)
                                            .onErrorResume(
                                                CancelledError.class,
                                                c ->
                                                    sleep(1)
                                                        .then(
                                                            Mono.fromRunnable(
                                                                () ->
                                                                    log.add(
                                                                        "task cleaned at "
                                                                            + now())))
                                                        .then(Mono.error(c))));
                                    return sink.asMono();
                                  }),
                              log,
                              "group raised CancelledError at"));
                  getRunningLoop()
                      .callLater(
                          0.5,
                          () -> {
                            emitFromAnotherThread(sink, "foreign");
                            parent.cancel(); // the outcome is still on its way to the loop
                          });
                  return errorOf(parent).map(e -> List.of(e, parent.cancelled(), now()));
                }));
    assertThat(r.get(0)).isInstanceOf(CancelledError.class);
    assertThat(r.get(1)).isEqualTo(true);
    assertThat((double) r.get(2)).isCloseTo(1.5, within(1e-9));
    assertThat(log).containsExactly("task cleaned at 1.5", "group raised CancelledError at");
  }

  /** Emits on a thread of its own, and returns once it has: its hand-off is queued for the loop. */
  static void emitFromAnotherThread(Sinks.One<String> sink, String value) {
    Thread thread = new Thread(() -> sink.tryEmitValue(value), "foreign");
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------ errors with nowhere to go

  // TaskGroup._on_task_done: a task failing after its parent is done goes to the handler.
  @Test
  void aTaskFailingAfterItsParentEndedGoesToTheExceptionHandler() {
    List<Map<String, Object>> reported = new ArrayList<>();
    runV(
        Mono.defer(
            () -> {
              EventLoop loop = getRunningLoop();
              loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
              // The group's Mono is cancelled by Reactor: its parent goes on and ends while the
              // task (which ignores cancellation) still runs.
              AtomicReference<TaskGroup> group = new AtomicReference<>();
              Task<Void> parent =
                  createTask(
                      Mono.firstWithSignal(
                              taskGroup(
                                  tg -> {
                                    group.set(tg);
                                    tg.createTask(
                                        sleep(1)
                                            .onErrorResume(CancelledError.class, c -> sleep(1))
                                            .then(Mono.error(new MyExc("late"))));
                                    return Mono.never();
                                  }),
                              sleep(0.5))
                          .then());
              return parent.then(sleep(5));
            }));
    assertThat(reported).hasSize(1);
    assertThat((String) reported.get(0).get("message"))
        .startsWith("Task <Task ")
        .contains(" has errored out but its parent task <Task ")
        .endsWith(" is already completed");
    assertThat(reported.get(0).get("exception")).isInstanceOf(MyExc.class);
  }

  // After a Reactor cancel of the group, nobody raises its tasks' errors: the handler gets them.
  @Test
  void aTaskFailingAfterItsGroupWasCancelledByReactorGoesToTheExceptionHandler() {
    List<Map<String, Object>> reported = new ArrayList<>();
    List<String> log = new ArrayList<>();
    runV(
        Mono.defer(
            () -> {
              getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
              return Mono.firstWithSignal(
                      taskGroup(
                          tg -> {
                            tg.createTask(
                                sleep(1)
                                    .onErrorResume(CancelledError.class, c -> sleep(1))
                                    .then(Mono.error(new MyExc("late"))));
                            return Mono.never();
                          }),
                      sleep(0.5))
                  .then(sleep(5)) // the parent goes on past the task's failure
                  .then(Mono.fromRunnable(() -> log.add("parent went on to " + now())));
            }));
    assertThat(log).containsExactly("parent went on to 5.5");
    assertThat(reported).hasSize(1);
    assertThat((String) reported.get(0).get("message"))
        .startsWith("Task <Task ")
        .endsWith(" has errored out but its TaskGroup was cancelled by Reactor");
    assertThat(reported.get(0).get("exception")).isInstanceOf(MyExc.class);
  }
}
