package io.github.asyncio4j.samples;

import io.github.asyncio4j.samples.s1.LoopModel;
import io.github.asyncio4j.samples.s2.GetRunningLoop;
import io.github.asyncio4j.samples.s2.HelloAsyncio;
import io.github.asyncio4j.samples.s2.ManualLoop;
import io.github.asyncio4j.samples.s3.CreateTask;
import io.github.asyncio4j.samples.s3.EnsureFuture;
import io.github.asyncio4j.samples.s3.FutureAsPlaceholder;
import io.github.asyncio4j.samples.s3.TaskGroupFetch;
import io.github.asyncio4j.samples.s4.CallbackScheduling;
import io.github.asyncio4j.samples.s4.CpuBoundExecutor;
import io.github.asyncio4j.samples.s4.RunInExecutor;
import io.github.asyncio4j.samples.s4.ThreadsafeScheduling;
import io.github.asyncio4j.samples.s5.ConditionWaitFor;
import io.github.asyncio4j.samples.s5.EventNotification;
import io.github.asyncio4j.samples.s5.LockSharedResource;
import io.github.asyncio4j.samples.s5.QueuePutGet;
import io.github.asyncio4j.samples.s5.SemaphoreLimit;
import io.github.asyncio4j.samples.s6.CancelTask;
import io.github.asyncio4j.samples.s6.GatherFetch;
import io.github.asyncio4j.samples.s6.GuideRateLimited;
import io.github.asyncio4j.samples.s6.ProducerConsumer;
import io.github.asyncio4j.samples.s6.QueueFluxPipeline;
import io.github.asyncio4j.samples.s6.ShieldCleanup;
import io.github.asyncio4j.samples.s6.TaskGroupResults;
import io.github.asyncio4j.samples.s6.TimeoutBlock;
import io.github.asyncio4j.samples.s6.TokenBucketRateLimit;
import io.github.asyncio4j.samples.s6.WaitForTimeout;
import io.github.asyncio4j.samples.s8.DebugMode;
import io.github.asyncio4j.samples.s8.DebugTasks;
import io.github.asyncio4j.samples.s9.HttpClientSample;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The samples tour: runs every ported example of the guide in order, prints a heading and what each
 * shows, and ends with a one-line summary. The README's main command runs it:
 *
 * <pre>{@code
 * mvn -B -q -Ptour -pl samples -am -DskipTests verify
 * }</pre>
 *
 * <p>Arguments, if any, select samples by section prefix: {@code Tour 4} runs section 4 only,
 * {@code Tour 2.1 3.3} two samples; a selection that matches nothing fails. The tour fails (an
 * exception out of {@code main}, so a non-zero exit status, and a failed build under Maven) if any
 * sample throws or takes longer than {@link #TIMEOUT_SECONDS}; it still runs the others first.
 *
 * <p>Adding a sample is one line in {@link #SAMPLES}: its section, its title and its {@code run}
 * method. A section not ported yet is listed with {@link Sample#notYetPorted}, which the tour
 * reports without failing.
 */
public final class Tour {
  /** How long one sample may run before the tour counts it as failed. */
  public static final long TIMEOUT_SECONDS = 30;

  /**
   * One entry of the tour.
   *
   * @param section the guide's section number, such as {@code "4.2"}
   * @param title what the sample shows
   * @param body the sample's {@code run} method, returning its transcript; null if not yet ported
   * @param pendingReason why the section is not ported yet, or null
   */
  public record Sample(
      String section,
      String title,
      @Nullable Callable<String> body,
      @Nullable String pendingReason) {

    /**
     * A ported sample.
     *
     * @param section the guide's section number
     * @param title what it shows
     * @param body its {@code run} method
     * @return the entry
     */
    public static Sample of(String section, String title, Callable<String> body) {
      return new Sample(section, title, Objects.requireNonNull(body, "body"), null);
    }

    /**
     * A section that is not ported yet: listed by the tour, never run, not a failure.
     *
     * @param section the guide's section number
     * @param title what it will show
     * @param reason where it stands, such as the issue that will port it
     * @return the entry
     */
    public static Sample notYetPorted(String section, String title, String reason) {
      return new Sample(section, title, null, Objects.requireNonNull(reason, "reason"));
    }
  }

  /** Every sample, in the guide's order. */
  public static final List<Sample> SAMPLES =
      List.of(
          Sample.of(
              "1", "The event loop: one snapshot of ready work per iteration", LoopModel::run),
          Sample.of("2.1", "Hello world with Asyncio.run", HelloAsyncio::run),
          Sample.of(
              "2.2",
              "Managing a loop by hand: newEventLoop, runUntilComplete, close",
              ManualLoop::run),
          Sample.of(
              "2.3", "Getting the running loop, and no loop outside one", GetRunningLoop::run),
          Sample.of("3.1", "createTask, both ways", CreateTask::run),
          Sample.of(
              "3.1",
              "create_task vs ensure_future: what runUntilComplete accepts",
              EnsureFuture::run),
          Sample.of(
              "3.2",
              "TaskGroup: structured concurrency, and a failing task's siblings cancelled",
              TaskGroupFetch::run),
          Sample.of("3.3", "A Future set by callLater, then awaited", FutureAsPlaceholder::run),
          Sample.of("4.1", "callSoon, callLater, callAt (virtual time)", CallbackScheduling::run),
          Sample.of(
              "4.2",
              "From another thread: callSoonThreadsafe, runCoroutineThreadsafe",
              ThreadsafeScheduling::run),
          Sample.of(
              "4.3",
              "Blocking calls in runInExecutor: default and custom thread pools",
              RunInExecutor::run),
          Sample.of(
              "4.3",
              "CPU-bound work: no GIL, so a thread pool, not a process pool",
              CpuBoundExecutor::run),
          Sample.of(
              "5", "Lock: lock.withLock keeps updates from being lost", LockSharedResource::run),
          Sample.of("5", "Event: await() until another task calls set()", EventNotification::run),
          Sample.of(
              "5", "Condition: waitFor(predicate) while a producer signals", ConditionWaitFor::run),
          Sample.of("5", "Semaphore(10): at most ten at once, measured", SemaphoreLimit::run),
          Sample.of("5", "Queue: put and get, in order", QueuePutGet::run),
          Sample.of(
              "6.1", "gather with return_exceptions: an Outcome in each place", GatherFetch::run),
          Sample.of("6.1", "TaskGroup, then the results", TaskGroupResults::run),
          Sample.of("6.2", "Asyncio.timeout(5 s) around a slow operation", TimeoutBlock::run),
          Sample.of(
              "6.2", "waitFor: TimeoutError once the work has cleaned up", WaitForTimeout::run),
          Sample.of(
              "6.2",
              "await shield(cleanup()): the guide's 'with shield' corrected",
              ShieldCleanup::run),
          Sample.of("6.3", "Cancelling a task that cleans up and re-raises", CancelTask::run),
          Sample.of(
              "6.4",
              "Producer and consumer: Queue(maxsize=5), a sentinel, taskDone, join",
              ProducerConsumer::run),
          Sample.of(
              "6.4",
              "The same with putAll, asFlux and shutdown: backpressure end to end",
              QueueFluxPipeline::run),
          Sample.of("6.5", "The guide's rate_limited admits rate² a second", GuideRateLimited::run),
          Sample.of("6.5", "RateLimiter: rate a second, measured", TokenBucketRateLimit::run),
          Sample.of(
              "8.1",
              "Debug mode: switches, slow callbacks, where a task was created",
              DebugMode::run),
          Sample.of("8.3", "Listing tasks: allTasks, names, states", DebugTasks::run),
          Sample.of(
              "9",
              "The HTTP client on Reactor Netty: a cap, a timeout, fetchAll through a TaskGroup",
              HttpClientSample::run));

  private Tour() {}

  /**
   * Runs the samples whose section starts with one of {@code sections} (all when empty), printing
   * to {@code out}.
   *
   * @param out where to print
   * @param sections section prefixes to select, such as {@code "4"} or {@code "2.1"}
   * @return how many samples failed
   */
  public static int run(PrintStream out, String... sections) {
    return run(out, SAMPLES, sections);
  }

  /** Runs the selected {@code samples}; see {@link #run(PrintStream, String...)}. */
  static int run(PrintStream out, List<Sample> samples, String... sections) {
    out.println("asyncio4j samples tour: the asyncio guide's examples, ported");
    int ran = 0;
    List<String> failed = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (Sample sample : samples) {
      if (!selected(sample, sections)) {
        continue;
      }
      out.println();
      out.println("== " + sample.section() + " " + sample.title() + " ==");
      Callable<String> body = sample.body();
      if (body == null) {
        out.println("  not yet ported: " + sample.pendingReason());
        pending.add(sample.section());
        continue;
      }
      ran++;
      long start = System.nanoTime();
      try {
        String transcript = runWithTimeout(body, sample.section());
        transcript.lines().forEach(line -> out.println("  " + line));
        out.printf("  OK (%d ms)%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      } catch (Exception | Error e) {
        if (e instanceof VirtualMachineError fatal) {
          throw fatal;
        }
        out.println("  FAILED: " + e);
        e.printStackTrace(out);
        failed.add(sample.section());
      }
    }
    out.println();
    if (ran == 0 && pending.isEmpty()) {
      out.println("Tour finished: no sample in section " + String.join(", ", sections));
      return 1; // a mistyped selection must not pass as a successful tour
    }
    out.println(summary(ran, failed, pending));
    return failed.size();
  }

  static String summary(int ran, List<String> failed, List<String> pending) {
    StringBuilder s = new StringBuilder("Tour finished: ").append(ran);
    s.append(ran == 1 ? " sample, " : " samples, ");
    s.append(failed.isEmpty() ? "all OK" : failed.size() + " failed: " + String.join(", ", failed));
    if (!pending.isEmpty()) {
      s.append(" (not yet ported: ").append(String.join(", ", pending)).append(')');
    }
    return s.toString();
  }

  private static boolean selected(Sample sample, String... sections) {
    return sections.length == 0
        || Arrays.stream(sections).anyMatch(prefix -> sample.section().startsWith(prefix));
  }

  /**
   * Runs one sample on a daemon thread of its own, so that a sample that hangs fails the tour
   * instead of stalling it (its thread is left behind, and cannot keep the JVM alive).
   */
  private static String runWithTimeout(Callable<String> body, String section) throws Exception {
    FutureTask<String> task = new FutureTask<>(body);
    Thread thread = new Thread(task, "tour-" + section);
    thread.setDaemon(true);
    thread.start();
    try {
      return task.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new TimeoutException("timed out after " + TIMEOUT_SECONDS + " s");
    }
  }

  /**
   * Runs the tour on {@code System.out}.
   *
   * @param args section prefixes to select; none for all
   * @throws IllegalStateException if a sample failed, so that the exit status is not zero
   */
  public static void main(String[] args) {
    DebugMode.preferJdkLogging();
    int failures = run(System.out, args);
    if (failures > 0) {
      throw new IllegalStateException("Tour failed, see the summary above");
    }
  }
}
