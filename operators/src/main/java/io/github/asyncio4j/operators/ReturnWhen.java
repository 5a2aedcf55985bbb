package io.github.asyncio4j.operators;

/**
 * When {@link Asyncio#wait} returns: asyncio's {@code FIRST_COMPLETED}, {@code FIRST_EXCEPTION} and
 * {@code ALL_COMPLETED}.
 */
public enum ReturnWhen {
  /** When any future finishes or is cancelled. */
  FIRST_COMPLETED,
  /**
   * When any future finishes with an exception (a cancellation does not count); without one, as
   * {@link #ALL_COMPLETED}.
   */
  FIRST_EXCEPTION,
  /** When all futures are done. */
  ALL_COMPLETED
}
