package io.github.asyncio4j;

import static io.github.asyncio4j.EventLoopOrderingTest.runOnce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * Debug mode (asyncio's L11): switched by API and by the {@code asyncio4j.debug} system property;
 * loop-only methods called from another thread fail; slow callbacks are logged; tasks record where
 * they were created.
 */
class EventLoopDebugTest {

  private static final String NON_THREAD_SAFE =
      "Non-thread-safe operation invoked on an event loop other than the current one";

  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<Object> log = new ArrayList<>();

  private static Runnable named(String name, Runnable body) {
    return new Runnable() {
      @Override
      public void run() {
        body.run();
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  @Test
  void debugIsSwitchedByApi() {
    loop.setDebug(true);
    assertThat(loop.getDebug()).isTrue();
    assertThat(loop).hasToString("<VirtualTimeEventLoop running=false closed=false debug=true>");
    loop.setDebug(false);
    assertThat(loop.getDebug()).isFalse();
  }

  // test_base_events.py::BaseEventLoopTests::test_env_var_debug (PYTHONASYNCIODEBUG)
  @Test
  void newLoopsTakeTheirDebugModeFromTheSystemProperty() {
    String saved = System.getProperty("asyncio4j.debug");
    try {
      System.setProperty("asyncio4j.debug", "1");
      assertThat(EventLoop.debugDefault()).isTrue();
      assertThat(EventLoop.newEventLoop().getDebug()).isTrue();
      assertThat(VirtualTimeEventLoop.create().getDebug()).isTrue();

      System.setProperty("asyncio4j.debug", "true");
      assertThat(EventLoop.newEventLoop().getDebug()).isTrue();

      System.setProperty("asyncio4j.debug", "false"); // the property wins over the environment
      assertThat(EventLoop.debugDefault()).isFalse();
      assertThat(EventLoop.newEventLoop().getDebug()).isFalse();

      System.clearProperty("asyncio4j.debug");
      String env = System.getenv("ASYNCIO4J_DEBUG");
      assertThat(EventLoop.debugDefault()).isEqualTo(env != null && !env.isEmpty());
    } finally {
      if (saved == null) {
        System.clearProperty("asyncio4j.debug");
      } else {
        System.setProperty("asyncio4j.debug", saved);
      }
    }
  }

  // test_base_events.py::BaseEventLoopTests::test_check_thread
  @Test
  @Timeout(10)
  void loopOnlyMethodsCalledFromAnotherThreadFailInDebugMode() {
    EventLoop threaded = EventLoop.newThreadEventLoop("debug-loop");
    try {
      threaded.submit(Mono.empty()).join(); // it runs now
      threaded.setDebug(true);

      assertThatThrownBy(() -> threaded.callSoon(() -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(NON_THREAD_SAFE);
      assertThatThrownBy(() -> threaded.callLater(1, () -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(NON_THREAD_SAFE);
      assertThatThrownBy(() -> threaded.callLater(Duration.ofSeconds(1), () -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(NON_THREAD_SAFE);
      assertThatThrownBy(() -> threaded.callAt(threaded.time(), () -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(NON_THREAD_SAFE);
      assertThatThrownBy(() -> threaded.createTask(Mono.empty()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(NON_THREAD_SAFE);

      // The thread-safe ones still work, and the loop-only ones work on the loop's thread.
      CompletableFuture<String> onLoop = new CompletableFuture<>();
      threaded.callSoonThreadsafe(
          () -> threaded.callSoon(() -> threaded.callLater(0, () -> onLoop.complete("ok"))));
      assertThat(onLoop.join()).isEqualTo("ok");

      // Outside debug mode the same call is forwarded to the loop's thread.
      threaded.setDebug(false);
      CompletableFuture<Thread> forwarded = new CompletableFuture<>();
      threaded.callSoon(() -> forwarded.complete(Thread.currentThread()));
      assertThat(forwarded.join().getName()).isEqualTo("debug-loop");
    } finally {
      threaded.dispose();
    }
  }

  @Test
  void beforeTheLoopRunsAnyOneThreadMayScheduleInDebugMode() throws InterruptedException {
    loop.setDebug(true);
    Thread other = new Thread(() -> loop.callSoon(() -> log.add("from another thread")));
    other.start();
    other.join();
    runOnce(loop);
    assertThat(log).containsExactly("from another thread");
  }

  // test_base_events.py::BaseEventLoopWithSelectorTests::test_log_slow_callbacks
  @Test
  void slowCallbacksAreLoggedInDebugModeOnly() {
    Locale saved = Locale.getDefault();
    try (EventLoopLogCapture logs = new EventLoopLogCapture()) {
      Locale.setDefault(Locale.GERMANY); // a decimal comma must not leak into asyncio's format
      loop.setSlowCallbackDuration(Duration.ZERO); // every callback is slow: no sleeping needed
      assertThat(loop.getSlowCallbackDuration()).isZero();

      loop.callSoon(named("not in debug mode", () -> {}));
      runOnce(loop);
      assertThat(logs.messages("WARN")).isEmpty();

      loop.setDebug(true);
      loop.callSoon(named("slow", () -> log.add("ran")));
      runOnce(loop);
      assertThat(logs.messages("WARN"))
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .matches("Executing <Handle slow> took \\d+\\.\\d{3} seconds");

      loop.setSlowCallbackDuration(Duration.ofHours(1));
      loop.callSoon(named("fast", () -> {}));
      runOnce(loop);
      assertThat(logs.messages("WARN")).hasSize(1);
    } finally {
      Locale.setDefault(saved);
    }
    assertThat(log).containsExactly("ran");
  }

  // test_tasks.py::BaseTaskTests::test_task_source_traceback
  @Test
  void tasksRecordWhereTheyWereCreatedInDebugModeOnly() {
    Task<Object> plain = loop.createTask(Mono.empty());
    loop.setDebug(true);
    Task<Object> traced = loop.createTask(Mono.never());

    assertThat(plain.getCreationStack()).isEmpty();
    assertThat(plain.toString()).doesNotContain("created at");
    assertThat(traced.getCreationStack())
        .anyMatch(
            e ->
                e.getClassName().equals(EventLoopDebugTest.class.getName())
                    && e.getMethodName().equals("tasksRecordWhereTheyWereCreatedInDebugModeOnly"));
    assertThat(traced.toString()).contains(" created at ");
  }

  @Test
  void debugModeKeepsTheLoopsBehaviour() {
    loop.setDebug(true);
    loop.setSlowCallbackDuration(Duration.ofHours(1));
    loop.setExceptionHandler((l, context) -> log.add(context.get("message")));
    loop.callSoon(
        named(
            "boom",
            () -> {
              throw new IllegalStateException("boom");
            }));
    loop.callSoon(() -> log.add("next"));
    runOnce(loop);
    assertThat(log).containsExactly("Exception in callback boom", "next");
  }
}
