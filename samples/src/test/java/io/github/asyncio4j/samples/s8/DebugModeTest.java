package io.github.asyncio4j.samples.s8;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads the slow-callback warning from java.util.logging: the module's surefire configuration sets
 * {@code reactor.logging.fallback=JDK} before Reactor logs anything.
 */
class DebugModeTest {
  // test_base_events.py::BaseEventLoopWithSelectorTests::test_log_slow_callbacks;
  // test_tasks.py::BaseTaskTests::test_task_source_traceback
  @Test
  void debugModeLogsASlowCallbackAndShowsWhereATaskWasCreated() {
    List<String> lines = DebugMode.run().lines().toList();
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).isEqualTo("way 1, Asyncio.run(main, true): getDebug() inside -> true");
    assertThat(lines.get(1))
        .isEqualTo(
            "way 2, -Dasyncio4j.debug=true: a new loop's getDebug() -> true; with =false ->"
                + " false");
    assertThat(lines.get(2))
        .isEqualTo("way 3, loop.setDebug(true): getDebug() -> true, slow callbacks from 20 ms");
    assertThat(lines.get(3))
        .startsWith("repr of a task made in debug mode: <Task pending name='fetch-api-1' coro=")
        .containsPattern(
            " created at io\\.github\\.asyncio4j\\.samples\\.s8\\.DebugMode\\.lambda\\$run\\$\\d+"
                + "\\(DebugMode\\.java:\\d+\\)>$");
    assertThat(lines.get(4))
        .matches("logged: WARNING Executing <Handle spin\\(30 ms\\)> took \\d+\\.\\d{3} seconds");
    assertThat(lines.get(5))
        .startsWith("repr of the same task without debug mode: <Task pending name='fetch-api-1'")
        .doesNotContain("created at");
  }

  @Test
  void theSystemPropertySwitchesDebugModeForNewLoopsAndIsRestored() {
    String before = System.getProperty("asyncio4j.debug");
    assertThat(DebugMode.newLoopDebugWithProperty("1")).isTrue();
    assertThat(DebugMode.newLoopDebugWithProperty("false")).isFalse();
    assertThat(System.getProperty("asyncio4j.debug")).isEqualTo(before);
  }
}
