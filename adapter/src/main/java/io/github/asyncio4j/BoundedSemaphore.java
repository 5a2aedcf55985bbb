package io.github.asyncio4j;

/**
 * A {@link Semaphore} that refuses to be released above its initial value: asyncio's {@code
 * asyncio.BoundedSemaphore}. A release that would exceed it is a bug in the caller and fails at
 * once, leaving the semaphore as it was. A permit on its way to a waiter that has not resumed yet
 * counts as free here, so a release too many is caught at once, where asyncio notices it only at
 * the next, legitimate release.
 */
public final class BoundedSemaphore extends Semaphore {
  private final int bound;

  /**
   * A bounded semaphore with {@code value} permits: asyncio's {@code BoundedSemaphore(value)}.
   *
   * @param value the initial and maximum number of free permits
   * @throws IllegalArgumentException if {@code value < 0}
   */
  public BoundedSemaphore(int value) {
    super(value);
    this.bound = value;
  }

  /** A bounded semaphore with one permit: asyncio's {@code BoundedSemaphore()}. */
  public BoundedSemaphore() {
    this(1);
  }

  @Override
  void checkRelease(int freePermits) {
    if (freePermits >= bound) {
      throw new IllegalArgumentException("BoundedSemaphore released too many times");
    }
  }
}
