/**
 * asyncio's core on Project Reactor: the {@link io.github.asyncio4j.EventLoop} (a Reactor {@link
 * reactor.core.scheduler.Scheduler}), its {@link io.github.asyncio4j.Handle handles} and {@link
 * io.github.asyncio4j.TimerHandle timers}, {@link io.github.asyncio4j.Future} and {@link
 * io.github.asyncio4j.Task} (each a {@link reactor.core.publisher.Mono}), the exceptions of
 * asyncio, and the {@link io.github.asyncio4j.VirtualTimeEventLoop} for deterministic tests.
 *
 * <p>Threading, in one paragraph: a loop runs all its callbacks, every task step and every future
 * done-callback on one thread, the thread that runs it. Methods documented as <em>loop-only</em>
 * ({@code callSoon}, {@code callLater}, {@code createTask}, ...) are meant for that thread; called
 * from elsewhere they are forwarded thread-safely, or fail fast in debug mode. Methods documented
 * as <em>thread-safe</em> may be called from any thread.
 */
@NullMarked
package io.github.asyncio4j;

import org.jspecify.annotations.NullMarked;
