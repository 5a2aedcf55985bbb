package io.github.asyncio4j;

import static io.github.asyncio4j.EventLoopOrderingTest.runOnce;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Errors without a caller: a callback that throws does not stop the loop and reaches the exception
 * handler (asyncio's L9), the handler can be replaced, and a handler that throws is reported by the
 * default one (L10).
 */
class EventLoopExceptionHandlerTest {

  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<Object> log = new ArrayList<>();
  private final List<Map<String, Object>> reported = new ArrayList<>();

  /** A callback whose repr is known, as asyncio's handle repr shows the callback. */
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

  // test_base_events.py::BaseEventLoopTests::test_set_exc_handler_custom, events.py::Handle._run
  @Test
  void aThrowingCallbackReachesTheHandlerAndTheLoopKeepsGoing() {
    RuntimeException boom = new IllegalArgumentException("boom");
    EventLoop.ExceptionHandler handler =
        (l, context) -> {
          assertThat(l).isSameAs(loop);
          reported.add(context);
        };
    loop.setExceptionHandler(handler);
    assertThat(loop.getExceptionHandler()).isSameAs(handler);

    Handle failing =
        loop.callSoon(
            named(
                "failing",
                () -> {
                  throw boom;
                }));
    loop.callSoon(() -> log.add("same iteration"));
    TimerHandle failingTimer =
        loop.callLater(
            1,
            named(
                "failing timer",
                () -> {
                  throw boom;
                }));
    loop.callLater(2, () -> log.add("later"));
    EventLoopOrderingTest.runUntil(loop, 3);

    assertThat(log).containsExactly("same iteration", "later");
    assertThat(reported).hasSize(2);
    assertThat(reported.get(0))
        .containsExactly(
            Map.entry("message", "Exception in callback failing"),
            Map.entry("exception", boom),
            Map.entry("handle", failing));
    assertThat(reported.get(1))
        .containsExactly(
            Map.entry("message", "Exception in callback failing timer"),
            Map.entry("exception", boom),
            Map.entry("handle", failingTimer));
  }

  // test_base_events.py::BaseEventLoopTests::test_default_exc_handler_callback
  @Test
  void theDefaultHandlerLogsTheMessageTheOtherKeysSortedAndTheException() {
    RuntimeException boom = new IllegalStateException("boom");
    try (EventLoopLogCapture logs = new EventLoopLogCapture()) {
      loop.callSoon(
          named(
              "failing",
              () -> {
                throw boom;
              }));
      loop.callSoon(() -> log.add("kept going"));
      runOnce(loop);

      List<EventLoopLogCapture.Record> errors = logs.records("ERROR");
      assertThat(errors).hasSize(1);
      assertThat(errors.get(0).message())
          .startsWith("Exception in callback failing\nhandle: <Handle ");
      assertThat(errors.get(0).thrown()).isSameAs(boom);
    }
    assertThat(log).containsExactly("kept going");
  }

  @Test
  void theDefaultHandlerSortsKeysAndNamesAnEmptyMessage() {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("message", "");
    context.put("zeta", 26);
    context.put("alpha", 1);
    context.put("mid", "m");
    try (EventLoopLogCapture logs = new EventLoopLogCapture()) {
      loop.callExceptionHandler(context); // no custom handler: the default one
      loop.defaultExceptionHandler(Map.of("message", "direct"));

      assertThat(logs.messages("ERROR"))
          .containsExactly(
              "Unhandled exception in event loop\nalpha: 1\nmid: m\nzeta: 26", "direct");
      assertThat(logs.records("ERROR")).allMatch(r -> r.thrown() == null);
    }
  }

  // test_base_events.py::BaseEventLoopTests::test_set_exc_handler_broken
  @Test
  void aHandlerThatThrowsIsReportedByTheDefaultHandler() {
    RuntimeException boom = new IllegalStateException("boom");
    RuntimeException broken = new UnsupportedOperationException("broken handler");
    loop.setExceptionHandler(
        (l, context) -> {
          reported.add(context);
          throw broken;
        });
    try (EventLoopLogCapture logs = new EventLoopLogCapture()) {
      loop.callSoon(
          named(
              "failing",
              () -> {
                throw boom;
              }));
      loop.callSoon(() -> log.add("kept going"));
      runOnce(loop);

      assertThat(reported).hasSize(1);
      List<EventLoopLogCapture.Record> errors = logs.records("ERROR");
      assertThat(errors).hasSize(1);
      assertThat(errors.get(0).message())
          .startsWith("Unhandled error in exception handler\ncontext: {message=Exception in")
          .contains("failing");
      assertThat(errors.get(0).thrown()).isSameAs(broken);
    }
    assertThat(log).containsExactly("kept going");
  }

  @Test
  void settingNoHandlerRestoresTheDefault() {
    loop.setExceptionHandler((l, context) -> reported.add(context));
    loop.setExceptionHandler(null);
    assertThat(loop.getExceptionHandler()).isNull();

    try (EventLoopLogCapture logs = new EventLoopLogCapture()) {
      loop.callSoon(
          () -> {
            throw new IllegalStateException("boom");
          });
      runOnce(loop);
      assertThat(logs.messages("ERROR")).hasSize(1);
    }
    assertThat(reported).isEmpty();
  }

  // A Reactor periodic task that throws stops, and its error goes to the handler (no caller).
  @Test
  void aFailingPeriodicTaskStopsAndIsReported() {
    RuntimeException boom = new IllegalStateException("boom");
    loop.setExceptionHandler((l, context) -> reported.add(context));
    int[] runs = {0};
    loop.schedulePeriodically(
        () -> {
          if (++runs[0] == 2) {
            throw boom;
          }
        },
        1,
        1,
        java.util.concurrent.TimeUnit.SECONDS);
    EventLoopOrderingTest.runUntil(loop, 10);

    assertThat(runs[0]).isEqualTo(2);
    assertThat(reported).hasSize(1);
    assertThat(reported.get(0)).containsEntry("exception", boom);
    assertThat((String) reported.get(0).get("message")).startsWith("Exception in periodic task");
  }
}
