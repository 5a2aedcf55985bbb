package io.github.asyncio4j;

import static io.github.asyncio4j.EventLoopOrderingTest.runOnce;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;

/**
 * DESIGN.md rule 8 with BlockHound installed, through {@link EventLoopBlockHoundIntegration}: a
 * blocking call made on a thread running a loop is reported, {@code block()} is refused there, and
 * the loop's own wait for work and its error reports are not reported.
 *
 * <p>{@code BlockHound.install()} instruments the whole JVM, so this class runs in the surefire
 * execution {@code blockhound}, in a JVM of its own.
 */
@Timeout(10)
class EventLoopBlockHoundTest {

  /**
   * The class of the blocking call, by name: a class literal would load it before BlockHound is
   * installed to instrument it.
   */
  private static final String BLOCKING_CLASS =
      "io.github.asyncio4j.EventLoopBlockHoundTest$BlockingCall";

  /** How BlockHound names the blocking call in its report. */
  private static final String BLOCKING_CALL = BLOCKING_CLASS + ".block";

  private final List<Throwable> reported = new CopyOnWriteArrayList<>();
  private final List<Object> log = new CopyOnWriteArrayList<>();
  private EventLoop threaded;

  @BeforeAll
  static void installBlockHound() {
    // Loads EventLoopBlockHoundIntegration through ServiceLoader, and marks the blocking call of
    // these tests: one that does not wait, so no test waits on the wall clock.
    BlockHound.install(builder -> builder.markAsBlocking(BLOCKING_CLASS, "block", "()V"));
  }

  /** A call BlockHound treats as blocking; it returns at once. Loaded only after the install. */
  static final class BlockingCall {
    static void block() {}
  }

  @AfterEach
  void disposeLoop() {
    if (threaded != null) {
      threaded.dispose();
    }
  }

  private EventLoop.ExceptionHandler recordErrors() {
    return (loop, context) -> reported.add((Throwable) context.get("exception"));
  }

  private static void blockingCall() {
    BlockingCall.block(); // the blocking call under test
  }

  @Test
  void aBlockingCallInACallbackIsReportedOnAThreadRunningALoop() {
    blockingCall(); // not running a loop yet: this thread may block (and BlockHound has seen it)
    EventLoop loop = EventLoop.newEventLoop(); // runs on this test thread
    loop.setExceptionHandler(recordErrors());
    loop.callSoon(EventLoopBlockHoundTest::blockingCall);
    loop.callSoon(() -> log.add("kept going"));
    runOnce(loop);

    assertThat(reported)
        .singleElement()
        .isInstanceOf(BlockingOperationError.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains(BLOCKING_CALL);
    assertThat(log).containsExactly("kept going");

    blockingCall(); // the loop stopped: this thread may block again
  }

  @Test
  void aBlockingCallInATaskOnALoopsOwnThreadIsReported() {
    threaded = EventLoop.newThreadEventLoop("blockhound-loop");
    String outcome =
        threaded
            .submit(
                Mono.fromRunnable(EventLoopBlockHoundTest::blockingCall)
                    .thenReturn("not reported")
                    .onErrorResume(
                        BlockingOperationError.class,
                        e -> Mono.just("reported: " + e.getMessage())))
            .join();

    assertThat(outcome).startsWith("reported: ").contains(BLOCKING_CALL);
  }

  @Test
  void blockIsRefusedOnTheLoopThread() {
    EventLoop loop = EventLoop.newEventLoop();
    loop.callSoon(() -> log.add(EventLoopLifecycleTest.thrown(() -> Mono.just(1).hide().block())));
    runOnce(loop);

    assertThat(log)
        .containsExactly(
            "IllegalStateException: block()/blockFirst()/blockLast() are blocking, which is not"
                + " supported in thread "
                + Thread.currentThread().getName());
  }

  @Test
  void theLoopsOwnWaitForWorkIsAllowed() {
    threaded = EventLoop.newThreadEventLoop("idle-blockhound-loop");
    // It parks at once with nothing to do; reported, the park would have killed the loop.
    assertThat(threaded.submit(Mono.just("woken")).join()).isEqualTo("woken");
    // A timed wait for a timer (parkNanos).
    assertThat(threaded.submit(threaded.sleep(Duration.ofMillis(5), "timer")).join())
        .isEqualTo("timer");
    assertThat(threaded.isRunning()).isTrue();
    assertThat(threaded.isClosed()).isFalse();

    // On a thread that is not the loop's own.
    EventLoop loop = EventLoop.newEventLoop();
    assertThat(loop.runUntilComplete(loop.sleep(Duration.ofMillis(5), "slept"))).isEqualTo("slept");
  }

  @Test
  void blockingWorkBelongsInTheExecutor() {
    EventLoop loop = EventLoop.newEventLoop();
    loop.setExceptionHandler(recordErrors());
    String r =
        loop.runUntilComplete(
            loop.toThread(
                () -> {
                  blockingCall();
                  return "blocked off the loop";
                }));
    loop.close();

    assertThat(r).isEqualTo("blocked off the loop");
    assertThat(reported).isEmpty();
  }

  @Test
  void theLoopsErrorReportsDoNotKillIt() {
    // A logging backend that blocks, as one writing to a stream does.
    try (EventLoopLogCapture logs = new EventLoopLogCapture(() -> LockSupport.parkNanos(1))) {
      EventLoop loop = EventLoop.newEventLoop(); // the default exception handler logs
      loop.setDebug(true);
      loop.setSlowCallbackDuration(Duration.ZERO); // and every callback is logged as slow
      loop.callSoon(
          () -> {
            throw new IllegalStateException("boom");
          });
      loop.callSoon(() -> log.add("kept going"));
      runOnce(loop);

      assertThat(log).containsExactly("kept going");
      assertThat(logs.messages("ERROR")).singleElement().asString().startsWith("Exception in");
      assertThat(logs.messages("WARN")).hasSize(2).allMatch(m -> m.startsWith("Executing <Handle"));
    }
  }
}
