package io.github.asyncio4j.samples.porting;

import io.github.asyncio4j.Condition;
import io.github.asyncio4j.Event;
import io.github.asyncio4j.Lock;
import io.github.asyncio4j.Queue;
import io.github.asyncio4j.Semaphore;
import io.github.asyncio4j.operators.Asyncio;
import reactor.core.publisher.Mono;

/** The porting guide's Java for the asyncio guide's section 5, the synchronization primitives. */
public final class Section5Primitives {
  private Section5Primitives() {}

  static Mono<Void> safeOperation() {
    return Asyncio.sleep(0.01);
  }

  static boolean resourceReady() {
    return true;
  }

  static Mono<Void> useResource() {
    return Asyncio.sleep(0.01);
  }

  static Mono<Void> limitedOperation() {
    return Asyncio.sleep(0.01);
  }

  // [lock]
  static Mono<Void> lock() {
    Lock lock = new Lock();
    return lock.withLock(safeOperation()); // async with lock: await safe_operation()
  }

  // [/lock]

  // [event]
  static Mono<Boolean> event() {
    Event event = new Event();
    Mono<Boolean> waiter = event.await(); // await event.wait(): wait() is Object's, so await()
    return Mono.when(waiter, Mono.fromRunnable(event::set)).then(waiter); // event.set()
  }

  // [/event]

  // [condition]
  static Mono<Void> condition() {
    Condition cond = new Condition();
    return cond.withLock( // async with cond:
        cond.waitFor(() -> resourceReady()) // await cond.wait_for(lambda: resource_ready())
            .then(useResource())); // await use_resource()
    // notify(n) / notify_all() are signal(n) / signalAll(): Object's final methods hold the names
  }

  // [/condition]

  // [semaphore]
  static Mono<Void> semaphore() {
    Semaphore sem = new Semaphore(10);
    return sem.withPermit(limitedOperation()); // async with sem: at most 10 at once
  }

  // [/semaphore]

  // [queue]
  static Mono<String> queue() {
    Queue<String> queue = new Queue<>(100); // asyncio.Queue(maxsize=100)
    return queue.put("item").then(queue.get()); // await queue.put(item); item = await queue.get()
  }
  // [/queue]
}
