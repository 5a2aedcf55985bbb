package io.github.asyncio4j.benchmarks;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code floor} baseline: the least an event loop can do on one thread. Ready callbacks wait in
 * an {@link ArrayDeque}, timers in a {@link PriorityQueue} ordered by deadline then by scheduling
 * order; nothing is thread-safe, nothing is cancellable, and an exception from a callback ends the
 * run.
 *
 * <p>Each iteration runs the timers that are due, then the callbacks ready at that moment; when
 * nothing is ready it parks until the next deadline. Deadlines are {@link System#nanoTime()}.
 */
final class FloorLoop {
  private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private long nextSeq;
  private boolean stopping;

  /** Schedules {@code callback} to run after every callback already scheduled. */
  void callSoon(Runnable callback) {
    ready.addLast(callback);
  }

  /** Schedules {@code callback} to run once {@code delayNanos} have passed. */
  void callLater(long delayNanos, Runnable callback) {
    timers.add(new Timer(System.nanoTime() + delayNanos, nextSeq++, callback));
  }

  /** Makes {@link #runForever()} return once the current iteration is over. */
  void stop() {
    stopping = true;
  }

  /**
   * Runs until {@link #stop()}.
   *
   * @throws IllegalStateException if nothing is left to run before {@code stop()} (a real loop
   *     would wait forever)
   */
  void runForever() {
    final ArrayDeque<Runnable> ready = this.ready;
    final PriorityQueue<Timer> timers = this.timers;
    while (!stopping) {
      if (!timers.isEmpty()) {
        long now = System.nanoTime();
        Timer head;
        while ((head = timers.peek()) != null && head.deadline - now <= 0) {
          ready.addLast(timers.poll().callback);
        }
        if (ready.isEmpty() && head != null) {
          LockSupport.parkNanos(head.deadline - now);
          continue;
        }
      }
      int n = ready.size();
      if (n == 0) {
        throw new IllegalStateException("nothing left to run and stop() was not called");
      }
      for (int i = 0; i < n; i++) {
        ready.pollFirst().run();
      }
    }
    stopping = false;
  }

  private static final class Timer implements Comparable<Timer> {
    final long deadline;
    final long seq;
    final Runnable callback;

    Timer(long deadline, long seq, Runnable callback) {
      this.deadline = deadline;
      this.seq = seq;
      this.callback = callback;
    }

    @Override
    public int compareTo(Timer o) {
      int byDeadline = Long.compare(deadline - o.deadline, 0);
      return byDeadline != 0 ? byDeadline : Long.compare(seq, o.seq);
    }
  }
}
