package io.github.asyncio4j.benchmarks;

/**
 * A callback that counts its runs and runs {@code whenDone} at the {@code total}-th.
 *
 * <p>Not thread-safe: every run must happen on the same loop thread, which is what each
 * implementation under test guarantees for the callbacks it runs (and what this class checks, by
 * counting).
 */
final class Countdown implements Runnable {
  private final int total;
  private final Runnable whenDone;
  private int count;

  Countdown(int total, Runnable whenDone) {
    this.total = total;
    this.whenDone = whenDone;
  }

  @Override
  public void run() {
    if (++count == total) {
      whenDone.run();
    }
  }

  /**
   * The number of runs so far, after checking that it is the total.
   *
   * @throws IllegalStateException if the callback ran more or fewer times than {@code total}
   */
  int checkDone() {
    if (count != total) {
      throw new IllegalStateException("expected " + total + " runs but there were " + count);
    }
    return count;
  }
}
