package io.github.asyncio4j;

import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Reactive Streams TCK's publisher rules for {@link Queue#asFlux()} (a TestNG class, run on the
 * JUnit Platform by testng-engine).
 *
 * <p>A publisher of {@code n} elements is a queue holding {@code n} items, then shut down, so the
 * flux emits them and completes. The TCK also asks for publishers far too long to hold (up to
 * {@code Integer.MAX_VALUE} elements, for rule 3.17); those are a bounded queue fed by {@link
 * Queue#putAll} from a generator, the producer resuming on the consumer's thread as it makes room,
 * and shut down (dropping what is left, which ends the producer) when the consumer leaves.
 *
 * <p>Not verified, through the TCK's own mechanism: the rules that need a failed publisher ({@link
 * #createFailedPublisher()} returns null: {@code asFlux} fails only with a task's {@link
 * CancelledError} or a bad request, both covered in {@link QueueFluxTest}); the optional multicast
 * rules of 1.11, since subscribers of one queue compete for its items, each item going to one of
 * them (see {@link QueueFluxTest#subscribersCompeteForItemsInArrivalOrder()}).
 */
public class QueueFluxPublisherTckTest extends PublisherVerification<Integer> {
  /** Held items beyond this are produced on demand instead. */
  private static final long PREFILLED_MAX = 1024;

  public QueueFluxPublisherTckTest() {
    super(new TestEnvironment(2_000, 100));
  }

  @Override
  public Publisher<Integer> createPublisher(long elements) {
    if (elements <= PREFILLED_MAX) {
      Queue<Integer> q = new Queue<>();
      for (int i = 0; i < elements; i++) {
        q.putNowait(i);
      }
      q.shutdown();
      return q.asFlux();
    }
    return Flux.defer(
        () -> {
          Queue<Integer> q = new Queue<>(16);
          q.putAll(count(elements))
              .then(Mono.fromRunnable(q::shutdown))
              .subscribe(null, e -> {}); // QueueShutDown once the consumer left
          return q.asFlux().doFinally(signal -> q.shutdown(true));
        });
  }

  private static Flux<Integer> count(long elements) {
    return Flux.generate(
        () -> 0L,
        (i, sink) -> {
          if (i < elements) {
            sink.next((int) (i % Integer.MAX_VALUE));
          } else {
            sink.complete();
          }
          return i + 1;
        });
  }

  @Override
  public Publisher<Integer> createFailedPublisher() {
    return null; // see the class comment
  }

  @Override
  public void
      optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingOneByOne() {
    notVerified("asFlux subscribers compete for items: each item goes to one of them");
  }

  @Override
  public void
      optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfront() {
    notVerified("asFlux subscribers compete for items: each item goes to one of them");
  }

  @Override
  public void
      optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfrontAndCompleteAsExpected() {
    notVerified("asFlux subscribers compete for items: each item goes to one of them");
  }
}
