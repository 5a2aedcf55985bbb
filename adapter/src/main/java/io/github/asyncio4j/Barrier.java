package io.github.asyncio4j;

import reactor.core.publisher.Mono;

/**
 * A barrier that {@code parties} tasks wait at until all have arrived: asyncio's {@code
 * asyncio.Barrier} (Python 3.11+).
 *
 * <p>{@link #await()} (asyncio's {@code wait()}) returns the arrival index, {@code 0} to {@code
 * parties - 1}; the last arrival releases everyone, in arrival order, and the barrier starts
 * filling again at once: an arrival after that belongs to the next cycle. A waiter cancelled while
 * the barrier fills leaves it ({@link #nWaiting()} drops by one) and the later arrivals' indexes
 * close the gap. {@link #abort()} breaks the barrier: current and future waiters fail with {@link
 * BrokenBarrierError}. {@link #reset()} fails the current waiters with {@link BrokenBarrierError}
 * and leaves the barrier usable.
 *
 * <p><b>Differences from asyncio.</b> asyncio's barrier has a draining phase: until every released
 * task has resumed, new arrivals block, and an {@code abort()} or {@code reset()} still reaches the
 * released tasks that have not resumed. Here release is a hand-off: a released waiter keeps its
 * index whatever happens next, and an {@code abort()} or {@code reset()} after the last arrival
 * only concerns the next cycle. And where asyncio can give two waiters of a cycle the same index
 * after a cancellation, the indexes here are always {@code 0..parties-1}.
 *
 * <p>Lifecycle: {@code FILLING -> (last arrival) FILLING} of the next cycle; {@code FILLING ->
 * (abort) BROKEN}, final until {@code reset()}.
 *
 * <p><b>Threads.</b> Thread-safe. A waiter on a loop resumes there; one with no loop resumes on the
 * thread of the last arrival, {@code abort()} or {@code reset()}.
 */
public final class Barrier implements Waiter.Owner {
  private final int parties;
  private final WaiterQueue waiters = new WaiterQueue();
  private boolean broken;

  /**
   * A barrier for {@code parties} tasks: asyncio's {@code Barrier(parties)}.
   *
   * @param parties how many must arrive
   * @throws IllegalArgumentException {@code "parties must be > 0"}
   */
  public Barrier(int parties) {
    if (parties < 1) {
      throw new IllegalArgumentException("parties must be > 0 but it was " + parties);
    }
    this.parties = parties;
  }

  /**
   * Waits until {@code parties} tasks have arrived: asyncio's {@code await barrier.wait()}. Named
   * {@code await} because {@link Object#wait()} is final.
   *
   * @return a {@code Mono} of this arrival's index, or {@link BrokenBarrierError}
   */
  public Mono<Integer> await() {
    return Mono.deferContextual(
        ctx -> {
          Waiter<?>[] released;
          int index;
          synchronized (this) {
            if (broken) {
              return Mono.error(new BrokenBarrierError("Barrier aborted"));
            }
            index = waiters.size();
            if (index < parties - 1) {
              Waiter<Integer> w = new Waiter<>(Waiter.loopOf(ctx), this, index);
              waiters.add(w);
              return w;
            }
            released = waiters.drain(); // the last arrival: release this cycle
          }
          release(released);
          return Mono.just(index);
        });
  }

  @SuppressWarnings("unchecked") // a barrier's waiters are all Waiter<Integer> with their index
  private static void release(Waiter<?>[] released) {
    for (Waiter<?> w : released) {
      ((Waiter<Integer>) w).resolve((Integer) w.payload);
    }
  }

  /**
   * Breaks the barrier: asyncio's {@code barrier.abort()}. Current waiters fail with {@code
   * BrokenBarrierError("Abort or reset of barrier")}, and later arrivals with {@code
   * BrokenBarrierError("Barrier aborted")}, until {@link #reset()}.
   */
  public void abort() {
    Waiter<?>[] failed;
    synchronized (this) {
      broken = true;
      failed = waiters.drain();
    }
    for (Waiter<?> w : failed) {
      w.fail(new BrokenBarrierError("Abort or reset of barrier")); // asyncio's _wait() words
    }
  }

  /**
   * Resets the barrier to its empty state: asyncio's {@code barrier.reset()}. Tasks waiting now
   * fail with {@code BrokenBarrierError("Abort or reset of barrier")}; a broken barrier becomes
   * usable again.
   */
  public void reset() {
    Waiter<?>[] failed;
    synchronized (this) {
      broken = false;
      failed = waiters.drain();
    }
    for (Waiter<?> w : failed) {
      w.fail(new BrokenBarrierError("Abort or reset of barrier"));
    }
  }

  /**
   * How many must arrive: asyncio's {@code barrier.parties}.
   *
   * @return the number of parties
   */
  public int parties() {
    return parties;
  }

  /**
   * How many wait now: asyncio's {@code barrier.n_waiting}.
   *
   * @return the number of waiting tasks in the cycle filling now
   */
  public synchronized int nWaiting() {
    return waiters.size();
  }

  /**
   * Whether the barrier is broken: asyncio's {@code barrier.broken}.
   *
   * @return true after {@link #abort()}, until {@link #reset()}
   */
  public synchronized boolean broken() {
    return broken;
  }

  /**
   * A snapshot for monitoring.
   *
   * @return parties, waiters and whether broken
   */
  public synchronized Statistics statistics() {
    return new Statistics(parties, waiters.size(), broken);
  }

  /**
   * A barrier's state at one moment.
   *
   * @param parties how many must arrive
   * @param waiting how many wait now
   * @param broken whether it is broken
   */
  public record Statistics(int parties, int waiting, boolean broken) {}

  @Override
  public void waiterCancelled(Waiter<?> w) {
    synchronized (this) {
      if (waiters.remove(w)) {
        // Renumber so the indexes of a cycle stay 0..parties-1, in arrival order.
        renumber();
      }
    }
  }

  private void renumber() {
    Waiter<?>[] all = waiters.drain();
    for (int i = 0; i < all.length; i++) {
      all[i].payload = i;
      waiters.add(all[i]);
    }
  }

  /**
   * asyncio's repr: {@code <Barrier [filling, waiters:2/3]>} or {@code <Barrier [broken]>}.
   *
   * @return the state
   */
  @Override
  public synchronized String toString() {
    return broken
        ? "<Barrier [broken]>"
        : "<Barrier [filling, waiters:" + waiters.size() + "/" + parties + "]>";
  }
}
