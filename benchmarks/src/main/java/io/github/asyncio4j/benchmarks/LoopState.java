package io.github.asyncio4j.benchmarks;

import io.github.asyncio4j.EventLoop;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A fresh asyncio4j {@link EventLoop} for every invocation, closed after it; neither creating nor
 * closing it is timed. The loop runs on the JMH thread, which calls its run methods.
 */
@State(Scope.Thread)
public class LoopState {
  /** The loop of the current invocation. */
  public EventLoop loop;

  /** Creates the loop of the next invocation. */
  @Setup(Level.Invocation)
  public void open() {
    loop = EventLoop.newEventLoop();
  }

  /** Closes the loop of the invocation that just ended. */
  @TearDown(Level.Invocation)
  public void close() {
    loop.close();
    loop = null;
  }
}
