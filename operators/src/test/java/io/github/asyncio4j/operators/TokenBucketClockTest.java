package io.github.asyncio4j.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.VirtualTimeEventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;

/**
 * How the bucket reads its clock when readings arrive out of order: a stale reading (a thread that
 * read the clock, then lost the race for the bucket's lock) must never run the bucket's time ahead
 * of the clock, and a wall clock set back must not freeze the refill. One permit per second, a
 * bucket of one, so that a single permit too many shows.
 */
class TokenBucketClockTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void aStaleReadingOfALoopClockLetsTimeStandStillWithoutRunningAhead() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    TokenBucket bucket = new TokenBucket(new RateSpec(1, Duration.ofSeconds(1), 1, loop));

    assertThat(bucket.tryTake(1, 1000 * SECOND)).as("the full bucket's permit").isTrue();
    assertThat(bucket.tryTake(1, 999 * SECOND)).as("a stale reading, empty bucket").isFalse();
    // Had the stale second been taken for a clock going back, the bucket would run one second
    // ahead from here on and grant the next permit half a second early.
    assertThat(bucket.tryTake(1, 1000 * SECOND + SECOND / 2)).as("half a permit earned").isFalse();
    assertThat(bucket.tryTake(1, 1001 * SECOND)).as("one permit earned").isTrue();
  }

  @Test
  void aWallClockSetBackIsReadUnderTheLockAndTimeGoesOnFromThere() {
    SettableClock clock = new SettableClock();
    TokenBucket bucket = new TokenBucket(new RateSpec(1, Duration.ofSeconds(1), 1, clock));

    clock.nanos = 1000 * SECOND;
    assertThat(bucket.tryTake(1, clock)).isTrue();
    clock.nanos = 500 * SECOND; // set back by 500 s
    assertThat(bucket.tryTake(1, clock)).as("time stands still: empty").isFalse();
    clock.nanos = 501 * SECOND;
    assertThat(bucket.tryTake(1, clock)).as("one second after the set-back").isTrue();
    // A reading the caller took earlier is not trusted for such a clock: the bucket reads its own.
    clock.nanos = 501 * SECOND + SECOND / 2;
    assertThat(bucket.tryTake(1, 9999 * SECOND)).as("half a permit earned").isFalse();
  }

  /** A clock that only tells the time, set by the test; it may go back, as a wall clock may. */
  private static final class SettableClock implements Scheduler {
    long nanos;

    @Override
    public long now(TimeUnit unit) {
      return unit.convert(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public reactor.core.Disposable schedule(Runnable task) {
      throw new UnsupportedOperationException("a clock only");
    }

    @Override
    public Worker createWorker() {
      throw new UnsupportedOperationException("a clock only");
    }
  }
}
