package io.github.asyncio4j.samples.porting;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.operators.Asyncio;
import reactor.core.publisher.Mono;

/** The porting guide's Java for the asyncio guide's section 2, getting an event loop. */
public final class Section2Running {
  private Section2Running() {}

  // [hello]
  static Mono<Void> main() {
    return Mono.fromRunnable(() -> System.out.println("Hello, asyncio!"));
  }

  static void hello() {
    Asyncio.run(main()); // new loop -> run main as a task -> cancel leftovers -> close the loop
  }

  // [/hello]

  // [manual-loop]
  static void manualLoop() {
    EventLoop loop = EventLoop.newEventLoop(); // asyncio.new_event_loop()
    try { // no set_event_loop(loop): there is no per-thread "current" loop
      loop.runUntilComplete(main()); // loop.run_until_complete(main())
    } finally {
      loop.close(); // loop.close()
    }
  }

  // [/manual-loop]

  // [running-loop]
  static EventLoop runningOrNew() {
    try {
      return Asyncio.getRunningLoop(); // asyncio.get_running_loop()
    } catch (IllegalStateException e) { // RuntimeError: no running event loop
      return Asyncio.newEventLoop(); // asyncio.new_event_loop()
    }
  }
  // [/running-loop]
}
