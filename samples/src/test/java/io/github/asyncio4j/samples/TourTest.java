package io.github.asyncio4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.samples.Tour.Sample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TourTest {
  @Test
  void theWholeTourRunsEverySampleInTheGuidesOrder() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int failures = Tour.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(failures).as(out).isZero();
    List<String> headings = out.lines().filter(l -> l.startsWith("== ")).toList();
    assertThat(headings).hasSize(Tour.SAMPLES.size());
    assertThat(headings.stream().map(h -> h.split(" ")[1]).toList())
        .containsExactly(
            "1", "2.1", "2.2", "2.3", "3.1", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "4.3", "5",
            "5", "5", "5", "5", "6.1", "6.1", "6.2", "6.2", "6.2", "6.3", "6.4", "6.4", "6.5",
            "6.5", "8.1", "8.3", "9");
    assertThat(out)
        .contains(
            "  Hello, asyncio!",
            "  Done!",
            "  t=0.15 caught ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)",
            "  with Semaphore(10):  25 operations took 0.30 s, at most 10 at once",
            "  t=5.50 Operation timed out",
            "  t=6.00 shielded: cleanup finished",
            "  t=3.50 Task was cancelled (task.cancelled()=true)",
            "    server: at most 3 requests in flight at once (the cap is 3)",
            "    server: /slow/b and /slow/c cancelled: the TaskGroup cancelled the rest")
        .doesNotContain("not yet ported");
    assertThat(out.lines().filter(l -> l.matches("  OK \\(\\d+ ms\\)"))).hasSize(30);
    assertThat(out.strip()).endsWith("Tour finished: 30 samples, all OK");
  }

  @Test
  void sectionPrefixesSelectSamples() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int failures = Tour.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "2.1", "3.2");
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(failures).isZero();
    assertThat(out.lines().filter(l -> l.startsWith("== ")))
        .containsExactly(
            "== 2.1 Hello world with Asyncio.run ==",
            "== 3.2 TaskGroup: structured concurrency, and a failing task's siblings cancelled ==");
    assertThat(out.strip()).endsWith("Tour finished: 2 samples, all OK");
  }

  @Test
  void aSectionNotYetPortedIsListedAndNotCountedAsAFailure() {
    List<Sample> samples =
        List.of(
            Sample.of("9.1", "fine", () -> "fine"),
            Sample.notYetPorted("9.2", "later", "issue 99"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int failures = Tour.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), samples);
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(failures).isZero();
    assertThat(out).contains("== 9.2 later ==", "  not yet ported: issue 99");
    assertThat(out.strip()).endsWith("Tour finished: 1 sample, all OK (not yet ported: 9.2)");
  }

  @Test
  void aSelectionThatMatchesNothingFails() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int failures = Tour.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "99");

    assertThat(failures).isOne();
    assertThat(bytes.toString(StandardCharsets.UTF_8).strip())
        .endsWith("Tour finished: no sample in section 99");
  }

  @Test
  void aFailingSampleIsReportedAndCountedAndTheOthersStillRun() {
    List<Sample> samples =
        List.of(
            Sample.of(
                "9.1",
                "broken",
                () -> {
                  throw new IllegalStateException("boom");
                }),
            Sample.of("9.2", "fine", () -> "fine"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int failures = Tour.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), samples);
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(failures).isOne();
    assertThat(out).contains("  FAILED: java.lang.IllegalStateException: boom", "  fine");
    assertThat(out.strip()).endsWith("Tour finished: 2 samples, 1 failed: 9.1");
  }
}
