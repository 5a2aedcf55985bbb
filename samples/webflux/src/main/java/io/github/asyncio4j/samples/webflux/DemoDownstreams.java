package io.github.asyncio4j.samples.webflux;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Stand-in downstream services under {@code /demo}, so that the service can be tried on its own
 * (the default {@code application.yml} points the fan-out and the ledger here). A real deployment
 * points {@code asyncio4j.sample.fanout.services} and {@code asyncio4j.sample.orders.ledger}
 * elsewhere and sets {@code asyncio4j.sample.demo-downstreams=false}.
 *
 * <ul>
 *   <li>{@code GET /demo/services/{name}?delayMs=&status=}: answers {@code {"service": name,
 *       "answeredAfterMs": delay}} after {@code delayMs} (default 0, at most 60000), or fails with
 *       {@code status} (an error status, 400 to 599);
 *   <li>{@code POST /demo/ledger?delayMs=}: answers {@code {"entry": "L-n"}} after {@code delayMs}
 *       (default 0), and logs each entry it writes.
 * </ul>
 *
 * <p>A request that is abandoned before its answer (its client went away) is logged as such, which
 * shows the fan-out's cancellation from the service's log.
 */
public final class DemoDownstreams {
  private static final Logger LOG = LoggerFactory.getLogger(DemoDownstreams.class);
  private static final long MAX_DELAY_MS = 60_000;

  private final AtomicLong entries = new AtomicLong();

  /** Stand-ins with no entries written yet. */
  public DemoDownstreams() {}

  /**
   * The routes under {@code /demo}.
   *
   * @return the router
   */
  public RouterFunction<ServerResponse> routes() {
    return RouterFunctions.route()
        .GET("/demo/services/{name}", this::service)
        .POST("/demo/ledger", this::ledger)
        .filter(Problems.filter())
        .build();
  }

  private Mono<ServerResponse> service(ServerRequest request) {
    String name = request.pathVariable("name");
    long delay = delayOf(request);
    int status = statusOf(request);
    Mono<ServerResponse> answer =
        status == 200
            ? ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("service", name, "answeredAfterMs", delay))
            : Problems.problem(
                request,
                HttpStatus.valueOf(status),
                "demo service '" + name + "' fails on purpose",
                null);
    return Mono.delay(Duration.ofMillis(delay))
        .then(answer)
        .doOnCancel(() -> LOG.info("demo service '{}': request abandoned by its client", name));
  }

  private Mono<ServerResponse> ledger(ServerRequest request) {
    long delay = delayOf(request);
    return request
        .bodyToMono(String.class)
        .defaultIfEmpty("")
        .delayElement(Duration.ofMillis(delay))
        .flatMap(
            order -> {
              String entry = "L-" + entries.incrementAndGet();
              LOG.info("demo ledger: wrote {} for {}", entry, order);
              return ServerResponse.ok()
                  .contentType(MediaType.APPLICATION_JSON)
                  .bodyValue(Map.of("entry", entry));
            })
        .doOnCancel(() -> LOG.info("demo ledger: write abandoned by its client"));
  }

  private static long delayOf(ServerRequest request) {
    Optional<String> value = request.queryParam("delayMs");
    if (value.isEmpty()) {
      return 0;
    }
    try {
      long ms = Long.parseLong(value.get());
      if (ms >= 0 && ms <= MAX_DELAY_MS) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest(
        "delayMs must be from 0 to "
            + MAX_DELAY_MS
            + " but it was '"
            + Texts.clip(value.get())
            + "'");
  }

  private static int statusOf(ServerRequest request) {
    Optional<String> value = request.queryParam("status");
    if (value.isEmpty()) {
      return 200;
    }
    try {
      int status = Integer.parseInt(value.get());
      if (status >= 400 && status <= 599 && HttpStatus.resolve(status) != null) {
        return status;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest(
        "status must be an error status from 400 to 599 but it was '"
            + Texts.clip(value.get())
            + "'");
  }
}
