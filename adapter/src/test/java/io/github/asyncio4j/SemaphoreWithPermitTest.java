package io.github.asyncio4j;

import reactor.core.publisher.Mono;

/**
 * {@link Semaphore#withPermit} against the holding contract, on a {@link BoundedSemaphore} of one
 * permit, which fails a stray second release.
 */
class SemaphoreWithPermitTest extends LockAndSemaphoreHoldingContract {
  private final Semaphore sem = new BoundedSemaphore(1);

  @Override
  Mono<Void> acquire() {
    return sem.acquire();
  }

  @Override
  void release() {
    sem.release();
  }

  @Override
  <T> Mono<T> holding(Mono<T> body) {
    return sem.withPermit(body);
  }

  @Override
  boolean free() {
    return sem.statistics().equals(new Semaphore.Statistics(1, 0)) && !sem.locked();
  }

  @Override
  int waiters() {
    return sem.statistics().waiters();
  }
}
