package io.github.asyncio4j.samples.webflux;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Real downstream services for the tests: a Reactor Netty HTTP server on an ephemeral loopback
 * port, shared by every test of the JVM, with fast, slow, failing and paced routes and a gated
 * ledger. Each route counts, per name, what it saw from its side of the wire: requests that
 * arrived, are in flight, were answered, and were cancelled (the client went away before the
 * answer).
 *
 * <ul>
 *   <li>{@code GET /fast/{name}}: {@code {"service": name}} at once;
 *   <li>{@code GET /slow/{name}}: never answers, so that only a cancel ends it;
 *   <li>{@code GET /fail/{name}}: 503;
 *   <li>{@code GET /paced/{name}}: answers after 25 ms; every name counts under {@code paced}, so
 *       that its most in flight at once covers them all;
 *   <li>{@code POST /ledger}: answers {@code {"entry": "L-n"}} once {@link #ledgerGate()} opens.
 * </ul>
 *
 * <p>A request stops counting as in flight just before its answer is written: the client cannot see
 * the answer, and so cannot send its next request, before that. So the most in flight at once is
 * exact, not inflated by a response still being flushed.
 */
final class TestDownstreams {
  private static final Pattern ORDER_ID = Pattern.compile("\"orderId\"\\s*:\\s*\"([^\"]+)\"");
  private static volatile TestDownstreams shared;

  private final DisposableServer server;
  private final Map<String, RouteStats> stats = new ConcurrentHashMap<>();
  private final Map<String, String> ledgerEntries = new ConcurrentHashMap<>();
  private final AtomicInteger entries = new AtomicInteger();
  private volatile CompletableFuture<Void> ledgerGate = CompletableFuture.completedFuture(null);

  /** What a route saw for one name. */
  static final class RouteStats {
    final AtomicInteger arrived = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();

    void arrive() {
      arrived.incrementAndGet();
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    void answer() {
      inFlight.decrementAndGet();
      answered.incrementAndGet();
    }

    void cancel() {
      inFlight.decrementAndGet();
      cancelled.incrementAndGet();
    }

    @Override
    public String toString() {
      return "arrived="
          + arrived
          + " inFlight="
          + inFlight
          + " max="
          + maxInFlight
          + " answered="
          + answered
          + " cancelled="
          + cancelled;
    }
  }

  private TestDownstreams() {
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(
                routes ->
                    routes
                        .get(
                            "/fast/{name}",
                            (req, res) -> {
                              String name = req.param("name");
                              return tracked(
                                  name, Mono.empty(), () -> json(res, 200, service(name)));
                            })
                        .get(
                            "/slow/{name}",
                            (req, res) ->
                                tracked(
                                    req.param("name"), Mono.never(), () -> json(res, 200, "{}")))
                        .get(
                            "/fail/{name}",
                            (req, res) ->
                                tracked(
                                    req.param("name"),
                                    Mono.empty(),
                                    () -> json(res, 503, "{\"error\":\"down\"}")))
                        .get(
                            "/paced/{name}",
                            (req, res) -> {
                              String name = req.param("name");
                              return tracked(
                                  "paced",
                                  Mono.delay(Duration.ofMillis(25)).then(),
                                  () -> json(res, 200, service(name)));
                            })
                        .post(
                            "/ledger",
                            (req, res) ->
                                req.receive()
                                    .aggregate()
                                    .asString()
                                    .flatMap(
                                        body ->
                                            tracked(
                                                "ledger",
                                                Mono.fromFuture(ledgerGate, true),
                                                () -> {
                                                  String entry = "L-" + entries.incrementAndGet();
                                                  ledgerEntries.put(orderIdOf(body), entry);
                                                  return json(
                                                      res, 200, "{\"entry\":\"" + entry + "\"}");
                                                }))))
            .bindNow();
  }

  /** The server shared by all tests, started on first use. */
  static TestDownstreams shared() {
    TestDownstreams s = shared;
    if (s == null) {
      synchronized (TestDownstreams.class) {
        s = shared;
        if (s == null) {
          s = new TestDownstreams();
          shared = s;
        }
      }
    }
    return s;
  }

  /**
   * A counted request: it arrives, waits for {@code until}, stops counting as in flight, then
   * writes its answer; or it is cancelled while it waits.
   */
  private Mono<Void> tracked(String name, Mono<?> until, Supplier<Mono<Void>> answer) {
    RouteStats s = stats(name);
    return Mono.defer(
        () -> {
          s.arrive();
          AtomicBoolean ended = new AtomicBoolean();
          return until
              .then(
                  Mono.defer(
                      () -> {
                        if (ended.compareAndSet(false, true)) {
                          s.answer();
                        }
                        return answer.get();
                      }))
              .doOnCancel(
                  () -> {
                    if (ended.compareAndSet(false, true)) {
                      s.cancel();
                    }
                  });
        });
  }

  private static Mono<Void> json(HttpServerResponse res, int status, String body) {
    return res.status(status)
        .header("Content-Type", "application/json")
        .sendString(Mono.just(body))
        .then();
  }

  private static String service(String name) {
    return "{\"service\":\"" + name + "\"}";
  }

  private static String orderIdOf(String body) {
    Matcher m = ORDER_ID.matcher(body);
    return m.find() ? m.group(1) : "?";
  }

  /** The base URL, e.g. {@code http://127.0.0.1:40123}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  /** The counts of one name (created empty on first use). */
  RouteStats stats(String name) {
    return stats.computeIfAbsent(name, n -> new RouteStats());
  }

  /** Requests of all names still in flight. */
  int inFlight() {
    return stats.values().stream().mapToInt(s -> s.inFlight.get()).sum();
  }

  /** The ledger entry written for an order id, or null. */
  String ledgerEntry(String orderId) {
    return ledgerEntries.get(orderId);
  }

  /** A closed gate: the ledger holds its answers until the returned future completes. */
  CompletableFuture<Void> ledgerGate() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    ledgerGate = gate;
    return gate;
  }

  /** Forgets the counts and opens the ledger's gate. */
  void reset() {
    stats.clear();
    ledgerGate.complete(null);
    ledgerGate = CompletableFuture.completedFuture(null);
  }
}
