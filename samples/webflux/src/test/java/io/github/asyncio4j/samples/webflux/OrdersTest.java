package io.github.asyncio4j.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import reactor.core.Disposable;

/** {@code /api/orders}: the ledger write is shielded from the client going away. */
class OrdersTest extends ServiceTestSupport {
  @Autowired OrdersHandler orders;

  @Test
  void anOrderIsRecordedInTheLedger() {
    OrdersHandler.OrderView placed =
        client
            .post()
            .uri("/api/orders")
            .header(OrdersHandler.IDEMPOTENCY_KEY, "order-recorded")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"item\": \"book\", \"quantity\": 2}")
            .exchange()
            .expectStatus()
            .isCreated()
            .expectHeader()
            .location("/api/orders/order-recorded")
            .expectBody(OrdersHandler.OrderView.class)
            .returnResult()
            .getResponseBody();
    assertThat(placed).isNotNull();
    assertThat(placed.status()).isEqualTo("RECORDED");
    assertThat(placed.ledgerEntry()).isEqualTo(DOWNSTREAMS.ledgerEntry("order-recorded"));

    client
        .get()
        .uri("/api/orders/order-recorded")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("RECORDED")
        .jsonPath("$.item")
        .isEqualTo("book")
        .jsonPath("$.quantity")
        .isEqualTo(2)
        .jsonPath("$.ledgerEntry")
        .isEqualTo(placed.ledgerEntry());
  }

  @Test
  void theWriteFinishesWhenTheClientGoesAway() {
    CompletableFuture<Void> gate = DOWNSTREAMS.ledgerGate(); // the ledger holds its answer
    int goneBefore = orders.clientsGone();
    Disposable request =
        rawClient()
            .post()
            .uri("/api/orders")
            .header(OrdersHandler.IDEMPOTENCY_KEY, "order-abandoned")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"item\": \"lamp\", \"quantity\": 1}")
            .retrieve()
            .bodyToMono(String.class)
            .subscribe();
    awaitUntil("the write reached the ledger", () -> downstream("ledger").arrived.get() == 1);

    request.dispose(); // the client goes away while the write is in flight
    awaitUntil("the request was cancelled", () -> orders.clientsGone() == goneBefore + 1);
    client
        .get()
        .uri("/api/orders/order-abandoned")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("PENDING");

    gate.complete(null); // the ledger answers
    awaitUntil("the ledger answered", () -> downstream("ledger").answered.get() == 1);
    assertThat(downstream("ledger").cancelled).hasValue(0);
    String entry = DOWNSTREAMS.ledgerEntry("order-abandoned");
    assertThat(entry).isNotNull();
    awaitUntil("the order recorded", () -> statusOf("order-abandoned").equals("RECORDED"));

    // The client retries with its key: the recorded order, and no second write.
    client
        .post()
        .uri("/api/orders")
        .header(OrdersHandler.IDEMPOTENCY_KEY, "order-abandoned")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"item\": \"lamp\", \"quantity\": 1}")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("RECORDED")
        .jsonPath("$.ledgerEntry")
        .isEqualTo(entry);
    assertThat(downstream("ledger").arrived).hasValue(1);
  }

  @Test
  void aKeyReusedForAnotherOrderIs409() {
    client
        .post()
        .uri("/api/orders")
        .header(OrdersHandler.IDEMPOTENCY_KEY, "order-conflict")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"item\": \"pen\", \"quantity\": 3}")
        .exchange()
        .expectStatus()
        .isCreated();
    client
        .post()
        .uri("/api/orders")
        .header(OrdersHandler.IDEMPOTENCY_KEY, "order-conflict")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"item\": \"pen\", \"quantity\": 4}")
        .exchange()
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.detail")
        .isEqualTo("Idempotency-Key 'order-conflict' was used for a different order");
    assertThat(downstream("ledger").arrived).hasValue(1);
  }

  @Test
  void anUnknownOrderIs404() {
    client
        .get()
        .uri("/api/orders/no-such-order")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectBody()
        .jsonPath("$.detail")
        .isEqualTo("no order 'no-such-order'");
  }

  private String statusOf(String id) {
    OrdersHandler.OrderView view =
        client
            .get()
            .uri("/api/orders/" + id)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(OrdersHandler.OrderView.class)
            .returnResult()
            .getResponseBody();
    return view == null ? "" : view.status();
  }
}
