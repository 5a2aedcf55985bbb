package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Randomized stress of {@link Lock}, {@link Semaphore} and {@link Condition} on real threads:
 * worker threads start operations off any loop (resuming on whichever thread releases), as tasks on
 * two thread loops, and as plain Reactor subscriptions on those loops, and cancel a random share of
 * them at a random moment, with {@code task.cancel()} or a Reactor {@code dispose()}. Critical
 * sections count their holders. At the end:
 *
 * <ul>
 *   <li>mutual exclusion was never violated: at most one holder of the lock (of the condition's
 *       lock), at most {@code permits} holders of the semaphore;
 *   <li>nothing is lost: the lock ends unlocked, the semaphore has all its permits back;
 *   <li>nothing hangs: every operation ended, no primitive has a waiter left.
 * </ul>
 *
 * <p>A Reactor cancel from another thread runs withLock's clean-up at once, on the cancelling
 * thread, while code of the cancelled body may still be running on its own thread for a moment
 * (usingWhen's contract). So the sections of operations that get such a cancel are not counted;
 * they take part in everything else, and a release they did twice would show in the others' counts.
 * Sections of tasks cancelled with {@code task.cancel()} run and end on their loop, and are
 * counted.
 *
 * <p>No timing is asserted: the workers run a fixed number of operations, and the waits only bound
 * a hang. A failure prints the seed; rerun with {@code -Dstress.seed=N} to replay the choices (the
 * interleaving itself is the scheduler's).
 */
@Timeout(60)
class PrimitivesStressTest {
  private static final int WORKERS = 4;
  private static final int OPS_PER_WORKER = 20_000;
  private static final int PERMITS = 3;

  private final long seed = Long.getLong("stress.seed", System.nanoTime());
  private final EventLoop[] loops = {
    EventLoop.newThreadEventLoop("stress-loop-0"), EventLoop.newThreadEventLoop("stress-loop-1")
  };
  private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

  private final Lock lock = new Lock();
  private final Semaphore sem = new Semaphore(PERMITS); // not bounded: a double release shows
  private final Condition cond = new Condition();

  private final Holders lockHolders = new Holders();
  private final Holders semHolders = new Holders();
  private final Holders condHolders = new Holders();

  /** Condition traffic: waiters wait for the generation to move on, or for the end. */
  private final AtomicInteger generation = new AtomicInteger();

  private final AtomicBoolean stopping = new AtomicBoolean();

  private CountDownLatch unfinished = new CountDownLatch(0);

  @AfterEach
  void disposeLoops() {
    for (EventLoop loop : loops) {
      loop.dispose();
    }
  }

  /** Counts who is inside a critical section, and the most ever inside at once. */
  private static final class Holders {
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();

    /**
     * {@code hop} as a critical section: entered at subscription, left however it ends, before its
     * end reaches the withLock around it (doFinally would run after the release, so after the next
     * holder may have entered).
     */
    Mono<Void> around(Mono<Void> hop) {
      return Mono.defer(
          () -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            AtomicBoolean left = new AtomicBoolean();
            Runnable leave =
                () -> {
                  if (left.compareAndSet(false, true)) {
                    now.decrementAndGet();
                  }
                };
            return hop.doOnTerminate(leave).doOnCancel(leave);
          });
    }
  }

  // ---------------------------------------------------------------- the operations

  /** A thread hop that keeps the critical section open across threads. */
  private static Mono<Void> hop(EventLoop loop) {
    return loop == null ? Mono.<Void>empty().publishOn(Schedulers.parallel()) : loop.sleep(0);
  }

  /** A critical section: counted, or not (see the class comment). */
  private static Mono<Void> section(Holders holders, boolean counted, EventLoop loop) {
    return counted ? holders.around(hop(loop)) : hop(loop);
  }

  private Mono<Void> lockOp(EventLoop loop, boolean counted) {
    return lock.withLock(section(lockHolders, counted, loop));
  }

  private Mono<Void> semOp(EventLoop loop, boolean counted) {
    return sem.withPermit(section(semHolders, counted, loop));
  }

  /** Wait for the next generation (or the end), then a critical section; or move it on. */
  private Mono<Void> condOp(EventLoop loop, boolean counted, boolean waits) {
    if (!waits) {
      return cond.withLock(
          section(condHolders, counted, loop)
              .then(
                  Mono.fromRunnable(
                      () -> {
                        generation.incrementAndGet();
                        cond.signal(2);
                      })));
    }
    return cond.withLock(
        Mono.defer(
            () -> {
              int seen = generation.get();
              return section(condHolders, counted, loop)
                  .then(cond.waitFor(() -> stopping.get() || generation.get() != seen))
                  .then(section(condHolders, counted, loop));
            }));
  }

  private Mono<Void> randomOp(Random rnd, EventLoop loop, boolean counted) {
    return switch (rnd.nextInt(5)) {
      case 0, 1 -> lockOp(loop, counted);
      case 2 -> semOp(loop, counted);
      default -> condOp(loop, counted, rnd.nextInt(3) != 0);
    };
  }

  /** Counts an operation finished, once, however it ends. */
  private Runnable finisher() {
    AtomicBoolean done = new AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        unfinished.countDown();
      }
    };
  }

  private void unexpected(Throwable e) {
    if (!(e instanceof CancelledError)) {
      errors.add(e);
    }
  }

  private static void spin(Random rnd) {
    for (int i = rnd.nextInt(300); i > 0; i--) {
      Thread.onSpinWait();
    }
  }

  /** One worker's operations: off any loop, as loop tasks, as Reactor subscriptions on a loop. */
  private void work(Random rnd) {
    for (int i = 0; i < OPS_PER_WORKER; i++) {
      boolean cancel = rnd.nextInt(3) == 0;
      Runnable done = finisher();
      switch (rnd.nextInt(4)) {
        case 0 -> { // a synchronous try, off any loop
          if (rnd.nextBoolean() && lock.tryAcquire()) {
            lockHolders.around(Mono.empty()).block();
            lock.release();
          } else if (sem.tryAcquire()) {
            semHolders.around(Mono.empty()).block();
            sem.release();
          }
          done.run();
        }
        case 1 -> { // off any loop, Reactor cancel
          Disposable d =
              randomOp(rnd, null, !cancel)
                  .subscribe(
                      null,
                      e -> {
                        unexpected(e);
                        done.run();
                      },
                      done);
          if (cancel) {
            spin(rnd);
            d.dispose();
            done.run();
          }
        }
        case 2 -> { // a task on a loop, task.cancel() from this thread
          EventLoop loop = loops[rnd.nextInt(loops.length)];
          Mono<Void> op = randomOp(rnd, loop, true);
          CompletableFuture<Task<Void>> task = new CompletableFuture<>();
          loop.callSoonThreadsafe(
              () -> {
                Task<Void> t = loop.createTask(op);
                t.addDoneCallback(
                    f -> {
                      if (!f.cancelled() && f.exception() != null) {
                        unexpected(f.exception());
                      }
                      done.run();
                    });
                task.complete(t);
              });
          if (cancel) {
            spin(rnd);
            task.thenAccept(Task::cancel);
          }
        }
        default -> { // a plain subscription on a loop's thread, Reactor cancel from this thread
          EventLoop loop = loops[rnd.nextInt(loops.length)];
          Mono<Void> op = randomOp(rnd, loop, !cancel);
          CompletableFuture<Disposable> sub = new CompletableFuture<>();
          loop.callSoonThreadsafe(
              () ->
                  sub.complete(
                      op.subscribe(
                          null,
                          e -> {
                            unexpected(e);
                            done.run();
                          },
                          done)));
          if (cancel) {
            spin(rnd);
            sub.thenAccept(
                d -> {
                  d.dispose();
                  done.run();
                });
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- the test

  @Test
  void mixedAcquireReleaseAndCancelKeepEveryInvariant() throws Exception {
    for (EventLoop loop : loops) {
      loop.setExceptionHandler((l, context) -> errors.add(new AssertionError(context.toString())));
    }
    unfinished = new CountDownLatch(WORKERS * OPS_PER_WORKER);
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      Random rnd = new Random(seed + w);
      Thread t =
          new Thread(
              () -> {
                try {
                  work(rnd);
                } catch (Throwable e) {
                  errors.add(e);
                }
              },
              "stress-worker-" + w);
      workers.add(t);
      t.start();
    }
    for (Thread t : workers) {
      t.join();
    }
    // The end: every condition waiter returns, now or at its next check.
    try {
      cond.withLock(
              Mono.fromRunnable(
                  () -> {
                    stopping.set(true);
                    cond.signalAll();
                  }))
          .block(Duration.ofSeconds(15));
    } catch (IllegalStateException timedOut) {
      errors.add(new AssertionError("the condition's lock was never free again", timedOut));
    }
    boolean allFinished = unfinished.await(15, TimeUnit.SECONDS);
    String state =
        "seed "
            + seed
            + ": "
            + lock
            + " "
            + sem
            + " "
            + cond
            + ", unfinished "
            + unfinished.getCount();
    assertThat(allFinished).as("operations left hanging, %s", state).isTrue();
    assertThat(errors).as(state).isEmpty();
    assertThat(lockHolders.most.get()).as("lock holders at once, " + state).isEqualTo(1);
    assertThat(semHolders.most.get()).as("permit holders at once, " + state).isBetween(1, PERMITS);
    assertThat(condHolders.most.get()).as("condition lock holders at once, " + state).isEqualTo(1);
    assertThat(lockHolders.now.get() + semHolders.now.get() + condHolders.now.get())
        .as(state)
        .isZero();
    assertThat(lock.statistics()).as(state).isEqualTo(new Lock.Statistics(false, 0));
    assertThat(sem.statistics()).as(state).isEqualTo(new Semaphore.Statistics(PERMITS, 0));
    assertThat(cond.statistics()).as(state).isEqualTo(new Condition.Statistics(false, 0));
  }
}
