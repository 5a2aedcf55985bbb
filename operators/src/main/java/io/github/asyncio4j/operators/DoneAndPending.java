package io.github.asyncio4j.operators;

import io.github.asyncio4j.Future;
import java.util.Set;

/**
 * What {@link Asyncio#wait} returns: asyncio's {@code (done, pending)} pair of sets.
 *
 * @param done the futures that are done, in the order given
 * @param pending the futures still pending, in the order given
 * @param <T> the result type
 */
public record DoneAndPending<T>(Set<Future<T>> done, Set<Future<T>> pending) {}
