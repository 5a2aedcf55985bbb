package io.github.asyncio4j;

/**
 * A callback scheduled for a point on the loop's clock: asyncio's {@code asyncio.TimerHandle},
 * returned by {@link EventLoop#callLater(java.time.Duration, Runnable)} and {@link
 * EventLoop#callAt(double, Runnable)}.
 *
 * <p>Timers run in deadline order, never before their deadline on the loop's clock; equal deadlines
 * run in scheduling order (asyncio leaves that undefined). A due timer joins the ready queue behind
 * the callbacks already waiting there. {@link #cancel()} is thread-safe and cheap: the timer stays
 * in the loop's heap until it reaches the head or the loop purges cancelled timers, which it does
 * when more than half of more than 100 scheduled timers are cancelled.
 */
public final class TimerHandle extends Handle {
  final EventLoop loop;

  /** Deadline in nanoseconds on the loop's clock. */
  final long whenNanos;

  /** Scheduling order, the tie-breaker for equal deadlines. */
  final long seq;

  TimerHandle(EventLoop loop, long whenNanos, long seq, Runnable callback) {
    super(callback);
    this.loop = loop;
    this.whenNanos = whenNanos;
    this.seq = seq;
  }

  /**
   * The absolute deadline on the loop's clock, in seconds: asyncio's {@code TimerHandle.when()}.
   *
   * @return the deadline, comparable with {@link EventLoop#time()}
   */
  public double when() {
    return whenNanos / 1e9;
  }

  /**
   * Cancels the timer: asyncio's {@code TimerHandle.cancel()}. Thread-safe; a cancelled timer never
   * runs and is dropped from the heap lazily.
   */
  @Override
  public void cancel() {
    if (tryCancel()) {
      loop.timerCancelled();
    }
  }

  boolean before(TimerHandle other) {
    return whenNanos != other.whenNanos ? whenNanos < other.whenNanos : seq < other.seq;
  }

  /** asyncio's repr: {@code <TimerHandle when=12.5 callback>}. */
  @Override
  public String toString() {
    return "<TimerHandle " + "when=" + when() + " " + describeCallback() + ">";
  }
}
