package io.github.asyncio4j;

import reactor.core.publisher.Mono;

/** {@link Lock#withLock} against the holding contract. */
class LockWithLockTest extends LockAndSemaphoreHoldingContract {
  private final Lock lock = new Lock();

  @Override
  Mono<Void> acquire() {
    return lock.acquire();
  }

  @Override
  void release() {
    lock.release();
  }

  @Override
  <T> Mono<T> holding(Mono<T> body) {
    return lock.withLock(body);
  }

  @Override
  boolean free() {
    return lock.statistics().equals(new Lock.Statistics(false, 0));
  }

  @Override
  int waiters() {
    return lock.statistics().waiters();
  }
}
