package io.github.asyncio4j.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Semaphore;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/** {@code GET /api/fanout}: gather under one deadline, behind the bulkhead, with cancellation. */
class FanoutTest extends ServiceTestSupport {
  @Autowired Semaphore bulkhead;

  /**
   * One fan-out before the tests that race a deadline, so that a cold JVM's first HTTP calls do not
   * count against it.
   */
  @BeforeEach
  void warmUp() {
    client
        .get()
        .uri("/api/fanout?services=fast-a,fast-b,flaky&partial=true")
        .exchange()
        .expectStatus()
        .isOk();
    awaitUntil("the warm-up done downstream", () -> DOWNSTREAMS.inFlight() == 0);
    DOWNSTREAMS.reset();
  }

  @Test
  void gathersEveryServiceInTheOrderAsked() {
    client
        .get()
        .uri("/api/fanout?services=fast-b,fast-a")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.complete")
        .isEqualTo(true)
        .jsonPath("$.partial")
        .isEqualTo(false)
        .jsonPath("$.results.length()")
        .isEqualTo(2)
        .jsonPath("$.results[0].service")
        .isEqualTo("fast-b")
        .jsonPath("$.results[0].status")
        .isEqualTo("ok")
        .jsonPath("$.results[0].body.service")
        .isEqualTo("fast-b")
        .jsonPath("$.results[1].service")
        .isEqualTo("fast-a")
        .jsonPath("$.results[1].body.service")
        .isEqualTo("fast-a");
    assertThat(downstream("fast-a").arrived).hasValue(1);
    assertThat(downstream("fast-b").arrived).hasValue(1);
  }

  @Test
  void aPassedDeadlineIs504AndCancelsTheCallStillOut() {
    client
        .get()
        .uri("/api/fanout?services=fast-a,slow&deadlineMs=1000")
        .exchange()
        .expectStatus()
        .isEqualTo(504)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo(504)
        .jsonPath("$.detail")
        .isEqualTo("no answer from [slow] within the deadline of 1000 ms");
    awaitUntil("the slow call cancelled downstream", () -> downstream("slow").cancelled.get() == 1);
    assertThat(downstream("slow").answered).hasValue(0);
    assertThat(downstream("fast-a").arrived).hasValue(1);
  }

  @Test
  void aFailingServiceIs502AndCancelsTheOthers() {
    client
        .get()
        .uri("/api/fanout?services=slow,flaky")
        .exchange()
        .expectStatus()
        .isEqualTo(502)
        .expectBody()
        .jsonPath("$.detail")
        .value(
            String.class,
            s ->
                assertThat(s)
                    .startsWith(
                        "downstream 'flaky' failed: 503 Service Unavailable from GET http://"));
    // gather alone would leave the slow call running; the handler cancels it.
    awaitUntil("the slow call cancelled downstream", () -> downstream("slow").cancelled.get() == 1);
  }

  @Test
  void partialResultsReportEachServiceUnderTheSameDeadline() {
    client
        .get()
        .uri("/api/fanout?services=fast-a,flaky,slow&partial=true&deadlineMs=1000")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.partial")
        .isEqualTo(true)
        .jsonPath("$.complete")
        .isEqualTo(false)
        .jsonPath("$.deadlineMs")
        .isEqualTo(1000)
        .jsonPath("$.results[0].service")
        .isEqualTo("fast-a")
        .jsonPath("$.results[0].status")
        .isEqualTo("ok")
        .jsonPath("$.results[0].body.service")
        .isEqualTo("fast-a")
        .jsonPath("$.results[1].service")
        .isEqualTo("flaky")
        .jsonPath("$.results[1].status")
        .isEqualTo("failed")
        .jsonPath("$.results[1].error")
        .value(
            String.class, s -> assertThat(s).startsWith("503 Service Unavailable from GET http://"))
        .jsonPath("$.results[2].service")
        .isEqualTo("slow")
        .jsonPath("$.results[2].status")
        .isEqualTo("timeout")
        .jsonPath("$.results[2].error")
        .isEqualTo("no answer within the deadline of 1000 ms");
    awaitUntil("the slow call cancelled downstream", () -> downstream("slow").cancelled.get() == 1);
  }

  @Test
  void aClientDisconnectCancelsTheDownstreamCalls() {
    Disposable request =
        rawClient()
            .get()
            .uri("/api/fanout?services=slow,slow-2")
            .retrieve()
            .bodyToMono(String.class)
            .subscribe();
    awaitUntil(
        "both calls in flight downstream",
        () -> downstream("slow").inFlight.get() == 1 && downstream("slow-2").inFlight.get() == 1);

    request.dispose(); // the client goes away

    awaitUntil(
        "both calls cancelled downstream",
        () -> downstream("slow").cancelled.get() == 1 && downstream("slow-2").cancelled.get() == 1);
    awaitUntil("the bulkhead's permits back", () -> bulkhead.statistics().permits() == 2);
  }

  @Test
  void theBulkheadBoundsDownstreamCallsOverAllRequests() {
    WebClientFanout twoAtOnce = new WebClientFanout();
    Mono.zip(twoAtOnce.get(), twoAtOnce.get()).block();
    assertThat(downstream("paced").arrived).hasValue(8);
    assertThat(downstream("paced").answered).hasValue(8);
    assertThat(downstream("paced").maxInFlight.get()).isBetween(1, 2); // bulkhead: 2
  }

  /** Fan-outs to the four paced services, over a reactive client so that two run at once. */
  private final class WebClientFanout {
    Mono<Map<String, Object>> get() {
      return rawClient()
          .get()
          .uri("/api/fanout?services=paced-1,paced-2,paced-3,paced-4")
          .retrieve()
          .bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {})
          .doOnNext(body -> assertThat(body).containsEntry("complete", true));
    }
  }
}
