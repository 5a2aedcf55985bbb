package io.github.asyncio4j;

import java.time.Duration;
import java.util.Objects;

/**
 * An {@link EventLoop} whose clock is virtual: when nothing is ready it jumps straight to the next
 * timer's deadline instead of waiting, so an hour of sleeps runs in microseconds, and the same
 * program always sees the same times. It is the loop asyncio4j's own tests use, and it is public
 * for yours.
 *
 * <p>Its clock starts at 0 and only moves when the loop is idle and a timer is pending, or when
 * {@link #advanceTimeBy(Duration)} is called. With nothing ready and no timer, it waits for other
 * threads like a real loop. Everything else, ordering rules included, is the {@link EventLoop}'s.
 *
 * <p>Drive it with {@link #runUntilComplete} on the test's thread for deterministic tests, or make
 * it run on its own thread ({@link #newThreadEventLoop(String)}) to await its tasks with
 * reactor-test's {@code StepVerifier} from the test thread.
 */
public final class VirtualTimeEventLoop extends EventLoop {
  private volatile long clockNanos;

  private VirtualTimeEventLoop() {}

  /**
   * A new virtual-time loop, not running, its clock at 0.
   *
   * @return a new loop
   */
  public static VirtualTimeEventLoop create() {
    return new VirtualTimeEventLoop();
  }

  /**
   * A new virtual-time loop running forever on a new daemon thread; see {@link
   * EventLoop#newThreadEventLoop(String)}.
   *
   * @param threadName the loop thread's name
   * @return a running virtual-time loop
   */
  public static VirtualTimeEventLoop newThreadEventLoop(String threadName) {
    Objects.requireNonNull(threadName, "threadName");
    VirtualTimeEventLoop loop = new VirtualTimeEventLoop();
    loop.startThread(threadName);
    return loop;
  }

  @Override
  long nanoTime() {
    return clockNanos;
  }

  /**
   * Moves the clock forward. Timers that come due run on the loop's next iteration. Call it from
   * the loop's thread, or while the loop is not running.
   *
   * @param delta how far, not negative
   */
  public void advanceTimeBy(Duration delta) {
    Objects.requireNonNull(delta, "delta");
    if (delta.isNegative()) {
      throw new IllegalArgumentException("delta must be >= 0 but it was " + delta);
    }
    clockNanos = saturatedAdd(clockNanos, saturatedNanos(delta));
    wakeUp();
  }

  @Override
  void idle(long timeoutNanos) {
    if (timeoutNanos < 0) {
      super.idle(timeoutNanos); // no timer: only another thread can bring work
    } else if (inboxIsEmpty()) {
      clockNanos = saturatedAdd(clockNanos, timeoutNanos); // exactly the earliest deadline
    }
  }
}
