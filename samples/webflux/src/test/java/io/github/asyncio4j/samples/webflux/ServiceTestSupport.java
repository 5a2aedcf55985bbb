package io.github.asyncio4j.samples.webflux;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The service on a random port, configured by {@code test.yml} and pointed at {@link
 * TestDownstreams}. Test classes that keep this configuration share one Spring context.
 *
 * <p>No test waits for a time to pass: each waits for a condition ({@link #awaitUntil}) and the
 * class's {@link Timeout} bounds the whole test.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=test")
@AutoConfigureWebTestClient
@Timeout(30)
abstract class ServiceTestSupport {
  static final TestDownstreams DOWNSTREAMS = TestDownstreams.shared();

  @Autowired WebTestClient client;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void downstreams(DynamicPropertyRegistry registry) {
    String base = DOWNSTREAMS.baseUrl();
    String services = "asyncio4j.sample.fanout.services.";
    registry.add(services + "fast-a", () -> base + "/fast/fast-a");
    registry.add(services + "fast-b", () -> base + "/fast/fast-b");
    registry.add(services + "flaky", () -> base + "/fail/flaky");
    registry.add(services + "slow", () -> base + "/slow/slow");
    registry.add(services + "slow-2", () -> base + "/slow/slow-2");
    for (int i = 1; i <= 4; i++) {
      String name = "paced-" + i;
      registry.add(services + name, () -> base + "/paced/" + name);
    }
    registry.add("asyncio4j.sample.orders.ledger", () -> base + "/ledger");
  }

  @BeforeEach
  void resetDownstreams() {
    DOWNSTREAMS.reset();
  }

  /** Every test leaves nothing running downstream: cancelled calls must have been seen there. */
  @AfterEach
  void nothingLeftInFlight() {
    awaitUntil("no downstream call in flight", () -> DOWNSTREAMS.inFlight() == 0);
    DOWNSTREAMS.reset();
  }

  /** What a downstream route saw for {@code name}. */
  static TestDownstreams.RouteStats downstream(String name) {
    return DOWNSTREAMS.stats(name);
  }

  /** A plain reactive client, for requests a test abandons halfway (a client disconnect). */
  WebClient rawClient() {
    return WebClient.create("http://127.0.0.1:" + port);
  }

  /** Waits until {@code condition} holds; the test's timeout bounds the wait. */
  static void awaitUntil(String what, BooleanSupplier condition) {
    Awaitility.await(what)
        .atMost(Duration.ofSeconds(25))
        .pollInterval(Duration.ofMillis(5))
        .until(condition::getAsBoolean);
  }
}
