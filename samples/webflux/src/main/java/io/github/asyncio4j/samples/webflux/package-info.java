/**
 * A Spring WebFlux service on asyncio4j: the library used where a real service needs it.
 *
 * <ul>
 *   <li>{@link io.github.asyncio4j.samples.webflux.FanoutHandler}: {@code GET /api/fanout} calls
 *       several downstream services at once with {@code gather} under one deadline ({@code
 *       timeout}), behind a {@code Semaphore} bulkhead; {@code ?partial=true} answers with what
 *       arrived ({@code gatherReturnExceptions}).
 *   <li>{@link io.github.asyncio4j.samples.webflux.ClientRateLimit}: a {@code KeyedRateLimiter} per
 *       client, answering 429 with {@code Retry-After}.
 *   <li>{@link io.github.asyncio4j.samples.webflux.EventStream}: {@code GET /api/events}, a
 *       server-sent-events stream drained from a bounded {@code Queue} with backpressure, and
 *       {@code POST /api/events} that puts into it.
 *   <li>{@link io.github.asyncio4j.samples.webflux.OrdersHandler}: {@code POST /api/orders} writes
 *       to a ledger service under {@code shield}, so the write finishes even when the client goes
 *       away.
 * </ul>
 *
 * <p>The operators ({@code gather}, {@code timeout}, {@code shield}) run inside tasks on one shared
 * {@link io.github.asyncio4j.EventLoop} ({@link io.github.asyncio4j.samples.webflux.OnLoop}); the
 * primitives ({@code Queue}, the rate limiter) are used straight from Netty's threads. A client
 * that disconnects cancels its request's task, and the cancellation reaches the downstream HTTP
 * calls. Malformed requests get 400 with a reason ({@link
 * io.github.asyncio4j.samples.webflux.Problems}).
 */
@NullMarked
package io.github.asyncio4j.samples.webflux;

import org.jspecify.annotations.NullMarked;
