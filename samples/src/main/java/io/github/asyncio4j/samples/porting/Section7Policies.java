package io.github.asyncio4j.samples.porting;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** The porting guide's Java for the asyncio guide's section 7, event loop policies. */
public final class Section7Policies {
  private Section7Policies() {}

  // [loop-factory]
  static Double loopFactory() {
    // no policies: pick the loop by making it, asyncio.run(main(), loop_factory=...)
    return Asyncio.run(
        Asyncio.sleep(3600.0).then(Mono.fromCallable(() -> Asyncio.getRunningLoop().time())),
        false,
        VirtualTimeEventLoop::create); // an hour of virtual time, in microseconds
  }

  static String ownThread() {
    EventLoop loop = EventLoop.newThreadEventLoop("my-loop"); // a loop on a thread of its own
    try {
      return Mono.delay(Duration.ofMillis(10), loop) // it is a Reactor Scheduler too
          .map(tick -> Thread.currentThread().getName())
          .block(Duration.ofSeconds(10)); // block() here: this is not the loop's thread
    } finally {
      loop.dispose(); // stops it, and it closes on its own thread
    }
  }
  // [/loop-factory]
}
