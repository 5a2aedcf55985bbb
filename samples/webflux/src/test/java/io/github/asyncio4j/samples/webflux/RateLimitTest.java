package io.github.asyncio4j.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The per-client rate limit: a burst of 2, then one request a minute, so that the third request of
 * a client is refused whatever the machine's speed.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=test",
      "asyncio4j.sample.rate-limit.rate=1",
      "asyncio4j.sample.rate-limit.period=1m",
      "asyncio4j.sample.rate-limit.burst=2"
    })
class RateLimitTest extends ServiceTestSupport {

  @Test
  void aClientOverItsLimitGets429WithRetryAfter() {
    stats("alice").expectStatus().isOk();
    stats("alice").expectStatus().isOk();
    String retryAfter =
        stats("alice")
            .expectStatus()
            .isEqualTo(429)
            .expectBody()
            .jsonPath("$.title")
            .isEqualTo("Too Many Requests")
            .jsonPath("$.detail")
            .value(
                String.class,
                d ->
                    assertThat(d)
                        .startsWith(
                            "rate limit of 2 requests at once, then 1 per 60 s exceeded for"
                                + " client:alice; retry in "))
            .returnResult()
            .getResponseHeaders()
            .getFirst("Retry-After");
    // One permit a minute, and the bucket emptied just now: the next is at most 60 s away.
    assertThat(retryAfter).isNotNull();
    assertThat(Long.parseLong(retryAfter)).isBetween(1L, 60L);

    // Another client has a bucket of its own.
    stats("bob").expectStatus().isOk();
  }

  @Test
  void withoutAClientIdTheRemoteAddressIsTheClient() {
    WebTestClient.ResponseSpec last = null;
    for (int i = 0; i < 3; i++) {
      last = client.get().uri("/api/events/stats").exchange();
      if (i < 2) {
        last.expectStatus().isOk();
      }
    }
    last.expectStatus()
        .isEqualTo(429)
        .expectHeader()
        .exists("Retry-After")
        .expectBody()
        .jsonPath("$.detail")
        .value(String.class, d -> assertThat(d).contains("exceeded for ip:127.0.0.1"));
  }

  private WebTestClient.ResponseSpec stats(String clientId) {
    return client
        .get()
        .uri("/api/events/stats")
        .header(ClientRateLimit.CLIENT_HEADER, clientId)
        .exchange();
  }
}
