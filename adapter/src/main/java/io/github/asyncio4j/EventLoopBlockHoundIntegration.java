package io.github.asyncio4j;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;
import reactor.core.scheduler.NonBlocking;

/**
 * Teaches BlockHound the event loop's rules (ordering rule 8): a thread running a loop is a
 * non-blocking thread, so a blocking call in a callback, a task step or a Reactor operator on it is
 * reported; the loop's own wait for work is allowed.
 *
 * <p>Registered as a {@code ServiceLoader} provider, so {@code BlockHound.install()} applies it
 * when BlockHound is on the class path; asyncio4j does not need BlockHound otherwise.
 *
 * <ul>
 *   <li>A loop's own thread ({@link EventLoop#newThreadEventLoop}) is non-blocking for life. Any
 *       other thread may start running a loop ({@code runForever}, {@code runUntilComplete}) and
 *       stop again, so BlockHound must ask again on every check ("dynamic" threads) rather than
 *       cache its first answer for the thread.
 *   <li>{@code EventLoop.idle}: where the loop parks until a timer is due or another thread submits
 *       work. It only runs with nothing ready, so it stalls no callback.
 *   <li>{@code EventLoop.defaultExceptionHandler} and the slow-callback warning: the loop's last
 *       resort reports go to a logging backend that may write to a stream. Reported as blocking,
 *       the report would throw out of the loop and kill it.
 * </ul>
 */
public final class EventLoopBlockHoundIntegration implements BlockHoundIntegration {

  /** Used by {@code ServiceLoader}. */
  public EventLoopBlockHoundIntegration() {}

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.nonBlockingThreadPredicate(p -> p.or(EventLoop::isLoopThread));
    builder.addDynamicThreadPredicate(t -> !(t instanceof NonBlocking));
    String loop = EventLoop.class.getName();
    builder.allowBlockingCallsInside(loop, "idle");
    builder.allowBlockingCallsInside(loop, "defaultExceptionHandler");
    builder.allowBlockingCallsInside(loop, "logSlowCallback");
  }
}
