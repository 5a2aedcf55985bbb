package io.github.asyncio4j.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.FluxExchangeResult;

/** {@code /api/events}: a server-sent-events stream drained from a bounded queue. */
class EventStreamTest extends ServiceTestSupport {
  private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE =
      new ParameterizedTypeReference<>() {};

  @Autowired EventStream events;

  @BeforeEach
  void emptyQueue() {
    while (!events.queue().empty()) {
      events.queue().getNowait();
    }
  }

  @Test
  void postedEventsAreStreamedInOrder() {
    long first = post("one");
    post("two");
    post("three");
    List<ServerSentEvent<Map<String, Object>>> received =
        client
            .get()
            .uri("/api/events?max=3")
            .accept(MediaType.TEXT_EVENT_STREAM)
            .exchange()
            .expectStatus()
            .isOk()
            .returnResult(SSE)
            .getResponseBody()
            .collectList()
            .block();
    assertThat(received).hasSize(3);
    assertThat(received)
        .extracting(e -> e.data().get("message"))
        .containsExactly("one", "two", "three");
    assertThat(received)
        .extracting(ServerSentEvent::id)
        .containsExactly(Long.toString(first), Long.toString(first + 1), Long.toString(first + 2));
    assertThat(received).extracting(ServerSentEvent::event).containsOnly("message");
  }

  @Test
  void aStreamTakesFromTheQueueOnlyWhatItAsksFor() {
    for (String m : List.of("a", "b", "c", "d")) {
      post(m);
    }
    List<ServerSentEvent<Map<String, Object>>> received =
        client
            .get()
            .uri("/api/events?max=2")
            .exchange()
            .returnResult(SSE)
            .getResponseBody()
            .collectList()
            .block();
    assertThat(received).extracting(e -> e.data().get("message")).containsExactly("a", "b");
    client
        .get()
        .uri("/api/events/stats")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.queued")
        .isEqualTo(2)
        .jsonPath("$.capacity")
        .isEqualTo(4);
  }

  @Test
  void aFullQueueIs503WithRetryAfter() {
    for (int i = 0; i < 4; i++) {
      post("fill " + i);
    }
    client
        .post()
        .uri("/api/events")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"message\": \"one too many\"}")
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .valueEquals("Retry-After", "1")
        .expectBody()
        .jsonPath("$.detail")
        .isEqualTo("the event queue is full (4 events wait for a listener); retry later");
  }

  @Test
  void aListenerThatDisconnectsLeavesTheQueueAndLosesNothing() {
    post("first");
    FluxExchangeResult<ServerSentEvent<Map<String, Object>>> stream =
        client.get().uri("/api/events").exchange().returnResult(SSE);
    awaitUntil("the listener waits for more", () -> events.queue().statistics().getters() == 1);
    ServerSentEvent<Map<String, Object>> firstEvent = stream.getResponseBody().blockFirst();
    // blockFirst took one event, then cancelled the response: the client went away.
    assertThat(firstEvent).isNotNull();
    assertThat(firstEvent.data()).containsEntry("message", "first");
    awaitUntil("the listener's get withdrawn", () -> events.queue().statistics().getters() == 0);

    post("second");
    assertThat(events.queue().qsize()).isEqualTo(1); // kept for the next listener, not lost
    List<ServerSentEvent<Map<String, Object>>> next =
        client
            .get()
            .uri("/api/events?max=1")
            .exchange()
            .returnResult(SSE)
            .getResponseBody()
            .collectList()
            .block();
    assertThat(next).extracting(e -> e.data().get("message")).containsExactly("second");
  }

  /** Posts an event; returns its id. */
  private long post(String message) {
    Map<String, Object> accepted =
        client
            .post()
            .uri("/api/events")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("message", message))
            .exchange()
            .expectStatus()
            .isAccepted()
            .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
            .returnResult()
            .getResponseBody();
    assertThat(accepted).isNotNull();
    return ((Number) accepted.get("id")).longValue();
  }
}
