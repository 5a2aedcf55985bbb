package io.github.asyncio4j.samples.porting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.operators.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/** The porting guide's snippets do what the guide says they do; on virtual time where they wait. */
@Timeout(60)
class PortingSnippetsTest {
  private static <T> T virtual(Mono<T> main) {
    return Asyncio.run(main, false, VirtualTimeEventLoop::create);
  }

  @Test
  void section1TheCreatorRunsFirstThenTheReadyCallbackThenTheTaskStepByStep() {
    assertThat(virtual(Section1LoopModel.loopModel()))
        .containsExactly(
            "main: nothing else has run yet", "callback", "task: step 1", "task: step 2");
  }

  @Test
  void section2RunsOnANewLoopAndFallsBackToANewLoopOutsideOne() {
    Section2Running.hello();
    Section2Running.manualLoop();
    EventLoop loop = Section2Running.runningOrNew();
    assertThat(loop.isRunning()).isFalse();
    loop.close();
  }

  @Test
  void section3TasksTaskGroupsAndFutures() {
    assertThat(virtual(Section3Tasks.createTask())).isEqualTo("Data from https://example.com");
    assertThat(virtual(Section3Tasks.taskGroup()))
        .containsExactly(
            "Data from https://api1.com",
            "Data from https://api2.com",
            "Data from https://api3.com");
    assertThat(virtual(Section3Tasks.future())).isEqualTo("Done!");
    String ensured =
        virtual(
            Mono.defer(() -> Section3Tasks.ensureFuture(Asyncio.createTask(Mono.just("running")))));
    assertThat(ensured).isEqualTo("Data from https://example.com");
  }

  @Test
  void section4CallbacksThreadsAndExecutors() {
    virtual(Section4Scheduling.callbacks().then(Asyncio.sleep(6.0)));
    virtual(Section4Scheduling.threadsafeMain());
    assertThat(virtual(Section4Scheduling.runInExecutor()))
        .isEqualTo(Section4Scheduling.cpuIntensiveFunction(1_000));
  }

  @Test
  void section5Primitives() {
    virtual(Section5Primitives.lock());
    assertThat(virtual(Section5Primitives.event())).isTrue();
    virtual(Section5Primitives.condition());
    virtual(Section5Primitives.semaphore());
    assertThat(virtual(Section5Primitives.queue())).isEqualTo("item");
  }

  @Test
  void section6Patterns() {
    List<Outcome<String>> outcomes = virtual(Section6Patterns.gather());
    assertThat(outcomes).allMatch(Outcome::isSuccess).hasSize(3);
    assertThat(virtual(Section6Patterns.gatherStrict())).hasSize(3);
    assertThatThrownBy(() -> virtual(Section6Patterns.timeoutBlock()))
        .isInstanceOf(TimeoutError.class);
    assertThat(virtual(Section6Patterns.waitForOrMessage())).isEqualTo("Operation timed out");
    virtual(Section6Patterns.robustOperation());
    assertThat(virtual(Section6Patterns.cancelMain())).isEqualTo("Task was cancelled");
    virtual(Section6Patterns.producerConsumer());
    String limited =
        virtual(
            Mono.defer(
                () ->
                    Section6Patterns.rateLimited(
                            List.of(Mono.just(1), Mono.just(2), Mono.just(3)), 10.0)
                        .map(results -> results + " by t=" + Asyncio.getRunningLoop().time())));
    assertThat(limited).isEqualTo("[1, 2, 3] by t=0.2");
  }

  @Test
  void section7LoopsAreMadeNotChosenByAPolicy() {
    assertThat(Section7Policies.loopFactory()).isEqualTo(3600.0);
    assertThat(Section7Policies.ownThread()).isEqualTo("my-loop");
  }

  @Test
  void section8DebugModeAndTheTaskListing() {
    Section8Debugging.debugMode(Mono.empty());
    assertThat(virtual(Section8Debugging.namedTask()))
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("fetch-api-1: ")
                    .endsWith("done=false cancelled=false"));
  }

  @Test
  void aCatchAroundTheChainCatchesNothingTheChainHandlesTheCancellation() {
    AtomicBoolean[] cleaned = {new AtomicBoolean()};
    for (Mono<Void> body : List.of(Differences.wrong(), Differences.right())) {
      Task<?>[] task = new Task<?>[1];
      Mono<Void> main =
          Mono.defer(
              () -> {
                task[0] =
                    Asyncio.createTask(
                        body.doOnError(CancelledError.class, e -> cleaned[0].set(true)));
                return Asyncio.sleep(1.0).then(Mono.fromRunnable(() -> task[0].cancel()));
              });
      virtual(main.then(Asyncio.sleep(1.0)));
      assertThat(task[0].cancelled()).isTrue();
    }
    assertThat(cleaned[0]).isTrue();
  }

  @Test
  void aTaskRunsOnceAMonoRunsPerSubscription() {
    int[] runs = {0};
    assertThat(virtual(Differences.taskIsAMono()))
        .isEqualTo("Data from https://example.com = Data from https://example.com");
    assertThat(virtual(Differences.monoIsCold().doOnSubscribe(s -> runs[0]++)))
        .isEqualTo("Data from https://example.com = Data from https://example.com");
    virtual(Differences.laziness().then(Asyncio.sleep(1.0)));
  }

  @Test
  void aWrappedForeignPublisherResumesOnTheLoopsThread() {
    String caller = Thread.currentThread().getName();
    assertThat(Asyncio.run(Differences.foreign())).isEqualTo(caller);
  }

  @Test
  void blockingCallsGoToAThread(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("data.txt"), "contents");
    assertThat(Asyncio.run(Differences.blocking(file))).isEqualTo("contents");
  }

  @Test
  void theQuickReferenceRuns() {
    assertThat(QuickReference.run(Mono.just("main"))).isEqualTo("main");
    List<String> all =
        virtual(
            QuickReference.insideATask(
                Asyncio.sleep(1.0).thenReturn("coro"),
                List.of(Mono.just("a"), Mono.just("b")),
                Mono.just("body"),
                () -> "func",
                2));
    assertThat(all).containsExactly("a", "b");
  }
}
