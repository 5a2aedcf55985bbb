package io.github.asyncio4j.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Malformed requests get 400 (or 415 for a wrong body type) with a reason, never a 500. */
class BadInputTest extends ServiceTestSupport {

  static Stream<Arguments> malformedQueries() {
    return Stream.of(
        Arguments.of(
            "/api/fanout?services=nope",
            "unknown service 'nope' in services: known are fast-a, fast-b, flaky, slow, slow-2,"
                + " paced-1, paced-2, paced-3, paced-4"),
        Arguments.of(
            "/api/fanout?services=fast-a,,fast-b",
            "services must be a comma-separated list of names but it was 'fast-a,,fast-b'"),
        Arguments.of(
            "/api/fanout?services=fast-a,fast-a", "service 'fast-a' is named twice in services"),
        Arguments.of(
            "/api/fanout?deadlineMs=soon",
            "deadlineMs must be a whole number of milliseconds from 1 to 20000 but it was 'soon'"),
        Arguments.of(
            "/api/fanout?deadlineMs=0",
            "deadlineMs must be a whole number of milliseconds from 1 to 20000 but it was 0"),
        Arguments.of(
            "/api/fanout?deadlineMs=20001",
            "deadlineMs must be a whole number of milliseconds from 1 to 20000 but it was 20001"),
        Arguments.of(
            "/api/fanout?partial=maybe", "partial must be true or false but it was 'maybe'"),
        Arguments.of(
            "/api/events?max=0", "max must be a whole number from 1 to 10000 but it was 0"),
        Arguments.of(
            "/api/events?max=all", "max must be a whole number from 1 to 10000 but it was 'all'"),
        Arguments.of(
            "/api/orders/bad!id",
            "order id must be 1 to 64 characters of [A-Za-z0-9_-] but it was 'bad!id'"));
  }

  @ParameterizedTest(name = "GET {0}")
  @MethodSource("malformedQueries")
  void aMalformedQueryIs400WithTheReason(String uri, String detail) {
    expect400(client.get().uri(uri).exchange(), detail);
  }

  static Stream<Arguments> malformedBodies() {
    String item = "x".repeat(101);
    return Stream.of(
        Arguments.of(
            "/api/orders", "", "a JSON body {\"item\": \"...\", \"quantity\": n} is required"),
        Arguments.of("/api/orders", "{\"item\": \"book\",", "malformed JSON body: "),
        Arguments.of("/api/orders", "not json", "malformed JSON body: "),
        Arguments.of(
            "/api/orders", "{\"item\": \"book\", \"quantity\": \"two\"}", "malformed JSON body: "),
        Arguments.of("/api/orders", "[1, 2]", "malformed JSON body: "),
        Arguments.of("/api/orders", "{\"quantity\": 1}", "item is required and must not be blank"),
        Arguments.of(
            "/api/orders",
            "{\"item\": \" \", \"quantity\": 1}",
            "item is required and must not be blank"),
        Arguments.of(
            "/api/orders",
            "{\"item\": \"" + item + "\", \"quantity\": 1}",
            "item must be at most 100 characters but it was 101"),
        Arguments.of("/api/orders", "{\"item\": \"book\"}", "quantity is required"),
        Arguments.of(
            "/api/orders",
            "{\"item\": \"book\", \"quantity\": 0}",
            "quantity must be from 1 to 1000 but it was 0"),
        Arguments.of(
            "/api/orders",
            "{\"item\": \"book\", \"quantity\": 1001}",
            "quantity must be from 1 to 1000 but it was 1001"),
        Arguments.of("/api/events", "", "a JSON body {\"message\": \"...\"} is required"),
        Arguments.of("/api/events", "{\"message\": 42", "malformed JSON body: "),
        Arguments.of("/api/events", "{}", "message is required: {\"message\": \"...\"}"),
        Arguments.of("/api/events", "{\"message\": \"  \"}", "message must not be blank"),
        Arguments.of(
            "/api/events",
            "{\"message\": \"" + "m".repeat(41) + "\"}",
            "message must be at most 40 characters but it was 41"));
  }

  @ParameterizedTest(name = "POST {0} {1}")
  @MethodSource("malformedBodies")
  void aMalformedBodyIs400WithTheReason(String uri, String body, String detail) {
    expect400(
        client
            .method(HttpMethod.POST)
            .uri(uri)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange(),
        detail);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("malformedHeaders")
  void aMalformedHeaderIs400WithTheReason(String header, String value, String detail) {
    expect400(
        client
            .post()
            .uri("/api/orders")
            .header(header, value)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"item\": \"book\", \"quantity\": 1}")
            .exchange(),
        detail);
  }

  static Stream<Arguments> malformedHeaders() {
    return Stream.of(
        Arguments.of(
            "Idempotency-Key",
            "key with spaces",
            "Idempotency-Key must be 1 to 64 characters of [A-Za-z0-9_-] but it was 'key with"
                + " spaces'"),
        Arguments.of(
            "X-Client-Id",
            "who/am/i",
            "X-Client-Id must be 1 to 64 characters of [A-Za-z0-9._-] but it was 'who/am/i'"));
  }

  @org.junit.jupiter.api.Test
  void aBodyThatIsNotJsonIs415() {
    client
        .post()
        .uri("/api/orders")
        .contentType(MediaType.TEXT_PLAIN)
        .bodyValue("book x2")
        .exchange()
        .expectStatus()
        .isEqualTo(415)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.detail")
        .isEqualTo("Content-Type 'text/plain' is not supported: send application/json");
  }

  private static void expect400(WebTestClient.ResponseSpec response, String detail) {
    response
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo(400)
        .jsonPath("$.title")
        .isEqualTo("Bad Request")
        .jsonPath("$.detail")
        .value(String.class, d -> assertThat(d).startsWith(detail));
  }
}
