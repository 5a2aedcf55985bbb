package io.github.asyncio4j.samples.webflux;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.operators.Asyncio;
import java.net.URI;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/orders}: records an order in a downstream ledger service, and the write finishes
 * even if the client goes away: the use for {@code shield}.
 *
 * <pre>{@code
 * # the asyncio original
 * async def place(order_id, order):
 *     write = orders[order_id].write = asyncio.create_task(ledger_write(order))
 *     try:
 *         return await asyncio.shield(write)   # the client may leave; the write goes on
 *     except asyncio.CancelledError:
 *         log.info("client left; the write goes on")
 *         raise
 * }</pre>
 *
 * <p>The write is a task of its own, under its own timeout ({@code
 * asyncio4j.sample.orders.ledger-timeout}); the request awaits it through {@link
 * Asyncio#shield(Mono)}. When the client disconnects, WebFlux cancels the request's task ({@link
 * OnLoop}): the shield raises {@link CancelledError} in the request, which logs it and ends
 * cancelled, while the write runs on to the ledger's answer and records it on the order.
 *
 * <p><b>Idempotency.</b> A client that lost its answer retries with the same {@code
 * Idempotency-Key} header ({@code [A-Za-z0-9_-]}, 1 to 64 characters), which becomes the order's
 * id: the retry awaits the same write (or gets its result) and writes nothing twice; 201 for the
 * first answer, 200 for a replay, 409 if the key was used for a different order. A write that
 * failed is tried again. Without the header the service picks a UUID.
 *
 * <p><b>Answers.</b> 201 (or 200) with the order, {@code "status": "RECORDED"} and the ledger's
 * entry; 502 when the ledger fails, 504 when it does not answer in time; 400 for a malformed body
 * ({@code {"item": "...", "quantity": 1..1000}}) or key. {@code GET /api/orders/{id}} shows an
 * order ({@code PENDING}, {@code RECORDED} or {@code FAILED}), 404 if unknown.
 *
 * <p><b>Threads.</b> The orders live on the event loop's thread: every read and write of them runs
 * there, inside tasks, so they need no lock. The last {@code max-orders} finished orders are kept.
 */
public final class OrdersHandler {
  private static final Logger LOG = LoggerFactory.getLogger(OrdersHandler.class);

  /** The header naming an order, so that a retry does not write twice. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final int MAX_ITEM = 100;
  private static final int MAX_QUANTITY = 1000;
  private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
      new ParameterizedTypeReference<>() {};

  private final SampleProperties.Orders config;
  private final OnLoop onLoop;
  private final WebClient http;

  /** The orders by id, oldest first. Loop thread only. */
  private final LinkedHashMap<String, Order> orders = new LinkedHashMap<>();

  private final AtomicInteger clientsGone = new AtomicInteger();

  /**
   * A handler.
   *
   * @param config the ledger and its timeout
   * @param onLoop where orders are placed
   * @param http the HTTP client for the ledger
   */
  public OrdersHandler(SampleProperties.Orders config, OnLoop onLoop, WebClient http) {
    this.config = Objects.requireNonNull(config, "config");
    this.onLoop = Objects.requireNonNull(onLoop, "onLoop");
    this.http = Objects.requireNonNull(http, "http");
  }

  /**
   * The body of {@code POST /api/orders}.
   *
   * @param item what is ordered: 1 to 100 characters, not blank
   * @param quantity how many: 1 to 1000
   */
  public record NewOrder(@Nullable String item, @Nullable Integer quantity) {}

  /**
   * An order as the API shows it.
   *
   * @param id its id (the {@code Idempotency-Key}, or a UUID)
   * @param item what is ordered
   * @param quantity how many
   * @param status {@code PENDING}, {@code RECORDED} or {@code FAILED}
   * @param ledgerEntry the ledger's entry, once recorded
   * @param error why it failed
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record OrderView(
      String id,
      String item,
      int quantity,
      String status,
      @Nullable String ledgerEntry,
      @Nullable String error) {}

  /**
   * How many requests were cancelled while their ledger write went on (their clients went away).
   *
   * @return the count since start
   */
  public int clientsGone() {
    return clientsGone.get();
  }

  /**
   * Handles {@code POST /api/orders}.
   *
   * @param request the request
   * @return 201 or 200 with the order, or a problem
   */
  public Mono<ServerResponse> create(ServerRequest request) {
    String key = request.headers().firstHeader(IDEMPOTENCY_KEY);
    String id = key != null ? checkId(key, IDEMPOTENCY_KEY) : UUID.randomUUID().toString();
    return request
        .bodyToMono(NewOrder.class)
        .switchIfEmpty(
            Mono.error(
                () ->
                    ApiException.badRequest(
                        "a JSON body {\"item\": \"...\", \"quantity\": n} is required")))
        .map(OrdersHandler::validate)
        .flatMap(order -> onLoop.run(place(id, order)))
        .flatMap(
            placed ->
                (placed.created()
                        ? ServerResponse.created(URI.create("/api/orders/" + id))
                        : ServerResponse.ok())
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(placed.view()));
  }

  /**
   * Handles {@code GET /api/orders/{id}}.
   *
   * @param request the request
   * @return the order, 404 if unknown, 400 for a malformed id
   */
  public Mono<ServerResponse> get(ServerRequest request) {
    String id = checkId(request.pathVariable("id"), "order id");
    return onLoop
        .run(Mono.fromSupplier(() -> view(id)))
        .switchIfEmpty(
            Mono.error(() -> ApiException.of(HttpStatus.NOT_FOUND, "no order '" + id + "'")))
        .flatMap(v -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(v));
  }

  // ------------------------------------------------------------------ on the loop

  private record Valid(String item, int quantity) {}

  private record Placed(OrderView view, boolean created) {}

  private enum Status {
    PENDING,
    RECORDED,
    FAILED
  }

  /** An order and its write. Loop thread only. */
  private static final class Order {
    final String id;
    final Valid request;
    Status status = Status.PENDING;
    @Nullable String ledgerEntry;
    @Nullable ApiException failure;
    @Nullable Task<Order> write;

    Order(String id, Valid request) {
      this.id = id;
      this.request = request;
    }

    Order recorded(String entry) {
      status = Status.RECORDED;
      ledgerEntry = entry;
      return this;
    }

    Order failed(HttpStatus why, String detail) {
      status = Status.FAILED;
      failure = ApiException.of(why, detail);
      return this;
    }

    OrderView view() {
      ApiException f = failure;
      return new OrderView(
          id,
          request.item(),
          request.quantity(),
          status.name(),
          ledgerEntry,
          f == null ? null : f.getMessage());
    }
  }

  /** Places an order, or replays one: inside the request's task. */
  private Mono<Placed> place(String id, Valid request) {
    return Mono.defer(
        () -> {
          Order existing = orders.get(id);
          Order order;
          boolean created;
          if (existing != null && existing.status != Status.FAILED) {
            if (!existing.request.equals(request)) {
              return Mono.error(
                  ApiException.of(
                      HttpStatus.CONFLICT,
                      IDEMPOTENCY_KEY + " '" + id + "' was used for a different order"));
            }
            order = existing;
            created = false;
          } else {
            order = new Order(id, request);
            remember(order);
            order.write = onLoop.loop().createTask(write(order), "ledger write " + id);
            created = true;
          }
          Task<Order> write = Objects.requireNonNull(order.write);
          return Asyncio.shield(write)
              .doOnError(
                  CancelledError.class,
                  e -> {
                    // The client went away: this request ends cancelled (re-raised, never
                    // swallowed), the shielded write goes on and records its outcome.
                    clientsGone.incrementAndGet();
                    LOG.info("order {}: the client left; the ledger write goes on", id);
                  })
              .flatMap(
                  done -> {
                    ApiException f = done.failure;
                    return f != null ? Mono.error(f) : Mono.just(new Placed(done.view(), created));
                  });
        });
  }

  /**
   * The ledger write, run as its own task: it records its outcome on the order and returns it, so
   * that it never fails unretrieved when nobody awaits it any more. Only a cancellation (the loop
   * shutting down) ends it otherwise.
   */
  private Mono<Order> write(Order order) {
    EventLoop loop = onLoop.loop();
    Mono<Map<String, Object>> post =
        http.post()
            .uri(config.ledger())
            .contentType(MediaType.APPLICATION_JSON)
            .accept(MediaType.APPLICATION_JSON)
            .bodyValue(
                Map.of(
                    "orderId", order.id,
                    "item", order.request.item(),
                    "quantity", order.request.quantity()))
            .retrieve()
            .bodyToMono(JSON_OBJECT);
    long ms = config.ledgerTimeout().toMillis();
    return Asyncio.timeout(config.ledgerTimeout(), loop.wrap(post))
        .map(receipt -> order.recorded(entryOf(receipt)))
        .switchIfEmpty(
            Mono.fromSupplier(
                () -> order.failed(HttpStatus.BAD_GATEWAY, "the ledger answered with no body")))
        .onErrorResume(
            TimeoutError.class,
            e ->
                Mono.just(
                    order.failed(
                        HttpStatus.GATEWAY_TIMEOUT,
                        "the ledger did not answer within " + ms + " ms")))
        .onErrorResume(
            e -> !(e instanceof CancelledError),
            e ->
                Mono.just(
                    order.failed(
                        HttpStatus.BAD_GATEWAY,
                        "the ledger write failed: " + new DownstreamFailure("ledger", e).reason())))
        .doOnError(
            CancelledError.class,
            e -> order.failed(HttpStatus.SERVICE_UNAVAILABLE, "the ledger write was cancelled"))
        .doOnSuccess(o -> LOG.info("order {}: {}", order.id, order.status));
  }

  private static String entryOf(Map<String, Object> receipt) {
    Object entry = receipt.get("entry");
    if (entry == null) {
      throw new IllegalStateException("the ledger's answer has no \"entry\": " + receipt);
    }
    return entry.toString();
  }

  /** Keeps the order; forgets the oldest finished ones beyond max-orders. Loop thread. */
  private void remember(Order order) {
    orders.remove(order.id); // a failed order tried again moves to the back
    orders.put(order.id, order);
    Iterator<Order> oldest = orders.values().iterator();
    while (orders.size() > config.maxOrders() && oldest.hasNext()) {
      if (oldest.next().status != Status.PENDING) {
        oldest.remove();
      }
    }
  }

  private @Nullable OrderView view(String id) {
    Order o = orders.get(id);
    return o == null ? null : o.view();
  }

  // ------------------------------------------------------------------ input

  private static String checkId(String id, String what) {
    if (!ORDER_ID.matcher(id).matches()) {
      throw ApiException.badRequest(
          what
              + " must be 1 to 64 characters of [A-Za-z0-9_-] but it was '"
              + Texts.clip(id)
              + "'");
    }
    return id;
  }

  private static Valid validate(NewOrder o) {
    String item = o.item();
    if (item == null || item.isBlank()) {
      throw ApiException.badRequest("item is required and must not be blank");
    }
    if (item.length() > MAX_ITEM) {
      throw ApiException.badRequest(
          "item must be at most " + MAX_ITEM + " characters but it was " + item.length());
    }
    Integer quantity = o.quantity();
    if (quantity == null) {
      throw ApiException.badRequest("quantity is required");
    }
    if (quantity < 1 || quantity > MAX_QUANTITY) {
      throw ApiException.badRequest(
          "quantity must be from 1 to " + MAX_QUANTITY + " but it was " + quantity);
    }
    return new Valid(item, quantity);
  }
}
