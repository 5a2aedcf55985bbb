package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Futures and the JDK's: {@code toCompletableFuture}, {@code wrapFuture} (asyncio's {@code
 * wrap_future}), in both directions and with cancellation, and {@code runInExecutor} / {@code
 * toThread}, whose futures complete on the loop's thread.
 *
 * <p>Other threads are involved here, so there is no virtual-time watchdog: with a timer pending,
 * the virtual clock would jump instead of waiting for them.
 */
class FutureInteropTest {
  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final Thread loopThread = Thread.currentThread(); // runUntilComplete runs the loop here

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  private void runBriefly() {
    loop.runUntilComplete(Mono.empty());
  }

  /** An executor that only queues: the test decides when, and whether, a call starts. */
  private static final class ManualExecutor implements Executor {
    final Queue<Runnable> queued = new ArrayDeque<>();

    @Override
    public void execute(Runnable command) {
      queued.add(command);
    }

    void runAll() {
      Runnable r;
      while ((r = queued.poll()) != null) {
        r.run();
      }
    }
  }

  // ---------------------------------------------------------------- toCompletableFuture

  @Test
  void toCompletableFutureCompletesWithTheResultOnTheLoopThread() {
    Future<Integer> f = loop.createFuture();
    CompletableFuture<Integer> cf = f.toCompletableFuture();
    AtomicReference<Thread> completedOn = new AtomicReference<>();
    cf.whenComplete((v, e) -> completedOn.set(Thread.currentThread()));
    f.setResult(42);
    assertThat(cf).isNotDone(); // completion is a done callback: it waits for the loop
    runBriefly();
    assertThat(cf).isCompletedWithValue(42);
    assertThat(completedOn).hasValue(loopThread);
  }

  @Test
  void toCompletableFutureCarriesTheExceptionAndMarksItRetrieved() {
    Future<Integer> f = loop.createFuture();
    CompletableFuture<Integer> cf = f.toCompletableFuture();
    IllegalStateException boom = new IllegalStateException("boom");
    f.setException(boom);
    runBriefly();
    assertThat(cf).isCompletedExceptionally();
    assertThatThrownBy(cf::join).isInstanceOf(CompletionException.class).hasCause(boom);
  }

  @Test
  void aCancelledFutureCancelsItsCompletableFutureWithTheMessage() {
    Future<Integer> f = loop.createFuture();
    CompletableFuture<Integer> cf = f.toCompletableFuture();
    f.cancel("stop");
    runBriefly();
    assertThat(cf).isCancelled();
    assertThatThrownBy(cf::join).isInstanceOf(CancelledError.class).hasMessage("stop");
  }

  @Test
  void cancellingTheCompletableFutureCancelsTheFuture() {
    Future<Integer> f = loop.createFuture();
    CompletableFuture<Integer> cf = f.toCompletableFuture();
    assertThat(cf.cancel(false)).isTrue();
    assertThat(f.cancelled()).isTrue();
  }

  @Test
  void cancellingTheCompletableFutureOfATaskCancelsTheTask() {
    Task<String> t = loop.createTask(loop.sleep(10).then(Mono.just("late")));
    runBriefly();
    CompletableFuture<String> cf = t.toCompletableFuture();
    cf.cancel(false);
    assertThat(t.cancelling()).isEqualTo(1);
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    assertThat(t.cancelled()).isTrue();
    assertThat(loop.time()).isZero();
  }

  // ---------------------------------------------------------------- wrapFuture

  @Test
  void wrapFutureResolvesOnTheLoopWithAResultFromAnotherThread() throws Exception {
    // test_futures.py::BaseFutureTests::test_wrap_future
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<Thread> f1 = CompletableFuture.supplyAsync(Thread::currentThread, ex);
      Future<Thread> f2 = loop.wrapFuture(f1);
      AtomicReference<Thread> resumedOn = new AtomicReference<>();
      Thread ranOn = loop.runUntilComplete(f2.doOnNext(v -> resumedOn.set(Thread.currentThread())));
      assertThat(ranOn).isNotSameAs(loopThread);
      assertThat(resumedOn).hasValue(loopThread);
      assertThat(f2.getLoop()).isSameAs(loop);
    } finally {
      ex.shutdown();
    }
  }

  @Test
  void wrapFutureCarriesTheException() {
    CompletableFuture<String> f1 = new CompletableFuture<>();
    Future<String> f2 = loop.wrapFuture(f1);
    IllegalStateException boom = new IllegalStateException("boom");
    f1.completeExceptionally(boom);
    assertThatThrownBy(() -> loop.runUntilComplete(f2)).isSameAs(boom);
  }

  @Test
  void cancellingTheWrappingFutureCancelsTheCompletableFuture() {
    // test_futures.py::BaseFutureTests::test_wrap_future_cancel
    CompletableFuture<String> f1 = new CompletableFuture<>();
    Future<String> f2 = loop.wrapFuture(f1);
    f2.cancel();
    runBriefly();
    assertThat(f1).isCancelled();
    assertThat(f2.cancelled()).isTrue();
  }

  @Test
  void cancellingTheWrappingFutureAfterTheSourceCompletedLeavesTheSourceAlone() {
    // test_futures.py::BaseFutureTests::test_wrap_future_cancel2
    CompletableFuture<Integer> f1 = new CompletableFuture<>();
    Future<Integer> f2 = loop.wrapFuture(f1);
    f1.complete(42);
    f2.cancel();
    runBriefly();
    assertThat(f1).isNotCancelled();
    assertThat(f1).isCompletedWithValue(42);
    assertThat(f2.cancelled()).isTrue();
  }

  @Test
  void cancellingTheCompletableFutureCancelsTheWrappingFuture() {
    // asyncio's _copy_future_state: if source.cancelled(): dest.cancel()
    CompletableFuture<String> f1 = new CompletableFuture<>();
    Future<String> f2 = loop.wrapFuture(f1);
    Task<String> awaiter =
        loop.createTask(
            Mono.defer(() -> f2)
                .onErrorResume(CancelledError.class, e -> Mono.just("awaiter saw CancelledError")));
    runBriefly();
    f1.cancel(false);
    assertThat(loop.runUntilComplete(awaiter)).isEqualTo("awaiter saw CancelledError");
    assertThat(f2.cancelled()).isTrue();
  }

  @Test
  void aTaskCancelledWhileAwaitingAWrappedFutureCancelsTheSource() {
    CompletableFuture<String> f1 = new CompletableFuture<>();
    Task<String> t = loop.createTask(Mono.defer(() -> loop.wrapFuture(f1)));
    runBriefly();
    t.cancel();
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    assertThat(f1).isCancelled();
  }

  @Test
  void wrapFutureRejectsNull() {
    assertThatThrownBy(() -> loop.wrapFuture(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("stage");
  }

  // ---------------------------------------------------------------- runInExecutor / toThread

  @Test
  void runInExecutorRunsOnTheExecutorAndCompletesOnTheLoopThread() {
    ExecutorService ex = Executors.newSingleThreadExecutor(r -> new Thread(r, "worker"));
    try {
      AtomicReference<Thread> resumedOn = new AtomicReference<>();
      Future<String> f = loop.runInExecutor(ex, () -> Thread.currentThread().getName());
      AtomicReference<Thread> callbackOn = new AtomicReference<>();
      f.addDoneCallback(x -> callbackOn.set(Thread.currentThread()));
      String ranOn =
          loop.runUntilComplete(
              Mono.defer(() -> f).doOnNext(v -> resumedOn.set(Thread.currentThread())));
      assertThat(ranOn).isEqualTo("worker");
      assertThat(resumedOn).hasValue(loopThread);
      assertThat(callbackOn).hasValue(loopThread);
    } finally {
      ex.shutdown();
    }
  }

  @Test
  void toThreadRunsOnTheDefaultExecutorAndCompletesOnTheLoopThread() {
    // asyncio.to_thread
    AtomicReference<Thread> resumedOn = new AtomicReference<>();
    String ranOn =
        loop.runUntilComplete(
            Mono.defer(() -> loop.toThread(() -> Thread.currentThread().getName()))
                .doOnNext(v -> resumedOn.set(Thread.currentThread())));
    assertThat(ranOn).startsWith("asyncio4j-executor");
    assertThat(resumedOn).hasValue(loopThread);
  }

  @Test
  void runInExecutorCarriesTheException() {
    ManualExecutor ex = new ManualExecutor();
    IllegalStateException boom = new IllegalStateException("boom");
    Future<String> f =
        loop.runInExecutor(
            ex,
            () -> {
              throw boom;
            });
    ex.runAll();
    assertThatThrownBy(() -> loop.runUntilComplete(f)).isSameAs(boom);
  }

  @Test
  void cancellingBeforeTheCallStartsKeepsItFromRunning() {
    // test_events.py::EventLoopTestsMixin::test_run_in_executor_cancel
    ManualExecutor ex = new ManualExecutor();
    AtomicBoolean ran = new AtomicBoolean();
    Future<String> f =
        loop.runInExecutor(
            ex,
            () -> {
              ran.set(true);
              return "ran";
            });
    assertThat(f.cancel()).isTrue();
    ex.runAll();
    runBriefly();
    assertThat(ran).isFalse();
    assertThat(f.cancelled()).isTrue();
  }

  @Test
  void cancellingATaskAwaitingARunInExecutorCallBeforeItStartsKeepsItFromRunning() {
    ManualExecutor ex = new ManualExecutor();
    AtomicBoolean ran = new AtomicBoolean();
    Task<String> t =
        loop.createTask(
            Mono.defer(
                () ->
                    loop.runInExecutor(
                        ex,
                        () -> {
                          ran.set(true);
                          return "ran";
                        })));
    runBriefly();
    t.cancel();
    assertThatThrownBy(() -> loop.runUntilComplete(t)).isInstanceOf(CancelledError.class);
    ex.runAll();
    assertThat(ran).isFalse();
  }

  @Test
  void cancellingBeforeAScheduledCallStartsDisposesIt() {
    ManualExecutor ex = new ManualExecutor();
    AtomicBoolean ran = new AtomicBoolean();
    Future<String> f =
        loop.runInExecutor(
            Schedulers.fromExecutor(ex),
            () -> {
              ran.set(true);
              return "ran";
            });
    f.cancel();
    runBriefly(); // the done callback disposes the scheduled work
    ex.runAll();
    assertThat(ran).isFalse();
    assertThat(f.cancelled()).isTrue();
  }

  @Test
  void aCallFinishingAfterItsFutureWasCancelledIsDropped() {
    ManualExecutor ex = new ManualExecutor();
    Future<String> f = loop.runInExecutor(ex, () -> "late");
    Runnable call = ex.queued.poll();
    call.run(); // the result is on its way to the loop ...
    f.cancel(); // ... but the future is cancelled first
    runBriefly();
    assertThat(f.cancelled()).isTrue();
  }

  @Test
  void runInExecutorAndToThreadRejectNull() {
    assertThatThrownBy(() -> loop.runInExecutor((Executor) null, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fn");
    assertThatThrownBy(() -> loop.toThread(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fn");
  }

  @Test
  void cancelledCompletableFutureIsACancellationException() {
    // CancelledError is a CancellationException: JDK code recognises a cancelled asyncio4j future
    assertThat(new CancelledError("x")).isInstanceOf(CancellationException.class);
  }
}
