package io.github.asyncio4j;

import org.reactivestreams.Subscriber;
import org.reactivestreams.tck.SubscriberBlackboxVerification;
import org.reactivestreams.tck.TestEnvironment;

/**
 * The Reactive Streams TCK's subscriber rules (black box) for the subscriber behind {@link
 * Queue#putAll}: a {@link QueueFill.Filler} without a downstream, putting into an unbounded queue
 * (a TestNG class, run on the JUnit Platform by testng-engine).
 */
public class QueueFillSubscriberTckTest extends SubscriberBlackboxVerification<Integer> {
  public QueueFillSubscriberTckTest() {
    super(new TestEnvironment(2_000, 100));
  }

  @Override
  public Subscriber<Integer> createSubscriber() {
    return new QueueFill.Filler<>(new Queue<>(), null);
  }

  @Override
  public Integer createElement(int element) {
    return element;
  }
}
