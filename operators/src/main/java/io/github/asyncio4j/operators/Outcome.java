package io.github.asyncio4j.operators;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;

/**
 * The outcome of one awaitable of {@link Asyncio#gatherReturnExceptions}: its result or its
 * exception, in its place, typed. asyncio's {@code gather(..., return_exceptions=True)} puts the
 * exception object itself in the result list; in Java a list of {@code T} cannot hold it, so each
 * slot is an {@code Outcome<T>}.
 *
 * @param <T> the result type
 */
public sealed interface Outcome<T> {
  /**
   * Whether the awaitable succeeded.
   *
   * @return true for a {@link Success}
   */
  boolean isSuccess();

  /**
   * The result, or the exception thrown as by {@code await}.
   *
   * @return the result, possibly null for an empty {@code Mono}
   * @throws RuntimeException the exception, checked ones wrapped by Reactor's {@link
   *     Exceptions#propagate}
   */
  @Nullable T get();

  /**
   * The exception, or null for a success: asyncio's slot holding the exception.
   *
   * @return the exception or null
   */
  @Nullable Throwable exception();

  /**
   * A result.
   *
   * @param value the result, null for an empty {@code Mono}
   * @param <T> the result type
   */
  record Success<T>(@Nullable T value) implements Outcome<T> {
    @Override
    public boolean isSuccess() {
      return true;
    }

    @Override
    public @Nullable T get() {
      return value;
    }

    @Override
    public @Nullable Throwable exception() {
      return null;
    }
  }

  /**
   * An exception; a cancelled awaitable's is a {@link io.github.asyncio4j.CancelledError}.
   *
   * @param error the exception
   * @param <T> the result type
   */
  record Failure<T>(Throwable error) implements Outcome<T> {
    /**
     * A failure.
     *
     * @param error the exception, not null
     */
    public Failure {
      Objects.requireNonNull(error, "error");
    }

    @Override
    public boolean isSuccess() {
      return false;
    }

    @Override
    public @Nullable T get() {
      throw Exceptions.propagate(error);
    }

    @Override
    public Throwable exception() {
      return error;
    }
  }
}
