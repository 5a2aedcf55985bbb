package io.github.asyncio4j.samples.s9;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/**
 * A real Reactor Netty HTTP server on an ephemeral loopback port, for {@link HttpClientSample} and
 * the tests: it counts the requests it is answering, so that the client's cap can be checked where
 * it matters, and it sees a client go away.
 *
 * <h2>Routes</h2>
 *
 * <ul>
 *   <li>{@code GET /fast/{name}}: answers {@code "fast <name>"} at once.
 *   <li>{@code GET /slow/{name}}: never answers; when the client closes the connection, the server
 *       records {@code "/slow/<name>"} as cancelled ({@link #cancelled()}).
 *   <li>{@code GET /status/{code}}: answers with that status and the body {@code "status <code>"}.
 *   <li>{@code GET /redirect/{name}}: redirects (302) to {@code /fast/<name>}; not counted.
 * </ul>
 *
 * <p>Any route takes {@code ?wait=N}: the answer is held until at least {@code N} requests are in
 * flight at the server at once. That makes the concurrency visible without timing: nine {@code
 * /fast/i?wait=3} requests from a client capped at 3 are answered in three waves of exactly three,
 * and a client that broke its cap would be seen with more in flight.
 *
 * <h2>What "in flight" counts</h2>
 *
 * <p>A request is in flight at the server from its arrival until the server starts answering it or
 * sees it cancelled. The count drops <em>before</em> the answer is written, so it never includes a
 * request the client already considers done: the server's count is at most the client's, and {@link
 * #maxInFlight()} above the client's cap would be a real breach, never a race.
 *
 * <p>Every answer closes its connection ({@code Connection: close}), so each request comes on a
 * connection of its own. With keep-alive, a request sent on a connection right after the previous
 * answer was seen, on a loaded machine, to reach the handler only when the connection closed (20 s
 * later), which would stall a wave; the client's own connection reuse is not what is shown here.
 *
 * <p>Thread-safe: Netty's threads run the handlers; the state is guarded by {@code this}.
 */
final class LoopbackServer implements AutoCloseable {
  /** A request held by {@code ?wait=N} until {@code N} requests are in flight. */
  private record Held(int threshold, Sinks.Empty<Void> release) {}

  private final DisposableServer server;

  // guarded by this
  private int inFlight;
  private int maxInFlight;
  private int requests;
  private final List<Held> held = new ArrayList<>();
  private final List<String> cancelled = new ArrayList<>();
  private final Sinks.Many<String> cancellations = Sinks.many().replay().all();

  private LoopbackServer() {
    this.server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(
                routes ->
                    routes
                        .get(
                            "/fast/{name}",
                            (req, res) ->
                                res.keepAlive(false)
                                    .sendString(answer(req, "/fast/" + req.param("name"))))
                        .get(
                            "/slow/{name}",
                            (req, res) ->
                                res.keepAlive(false)
                                    .sendString(
                                        answer(
                                            req, "/slow/" + req.param("name"), Integer.MAX_VALUE)))
                        .get(
                            "/redirect/{name}",
                            (req, res) ->
                                res.keepAlive(false).sendRedirect("/fast/" + req.param("name")))
                        .get(
                            "/status/{code}",
                            (req, res) -> {
                              String code = String.valueOf(req.param("code"));
                              return res.keepAlive(false)
                                  .status(HttpResponseStatus.valueOf(Integer.parseInt(code)))
                                  .sendString(answer(req, "/status/" + code));
                            }))
            .bindNow(Duration.ofSeconds(10));
  }

  /**
   * Starts a server on {@code 127.0.0.1} and an ephemeral port. Blocks until it listens: call it
   * off any event loop.
   *
   * @return the running server
   */
  static LoopbackServer start() {
    return new LoopbackServer();
  }

  /**
   * The URL of {@code path} on this server.
   *
   * @param path such as {@code "/fast/1?wait=3"}
   * @return {@code "http://127.0.0.1:<port>" + path}
   */
  String url(String path) {
    return base() + path;
  }

  /**
   * The server's base URL.
   *
   * @return {@code "http://127.0.0.1:<port>"}
   */
  String base() {
    return "http://127.0.0.1:" + server.port();
  }

  /**
   * How many requests have arrived.
   *
   * @return the count since the server started
   */
  synchronized int requests() {
    return requests;
  }

  /**
   * How many requests the server is answering now.
   *
   * @return arrived, and neither answered nor cancelled
   */
  synchronized int inFlight() {
    return inFlight;
  }

  /**
   * The most requests that were in flight at once.
   *
   * @return the high-water mark since the server started or the last {@link #resetMax()}
   */
  synchronized int maxInFlight() {
    return maxInFlight;
  }

  /** Starts a new high-water mark from the requests in flight now. */
  synchronized void resetMax() {
    maxInFlight = inFlight;
  }

  /**
   * The paths of the requests that the client cancelled (closed the connection) before they were
   * answered, in the order the server saw it.
   *
   * @return a snapshot
   */
  synchronized List<String> cancelledPaths() {
    return List.copyOf(cancelled);
  }

  /**
   * The same paths as they come: every cancellation so far, then the next ones.
   *
   * @return a {@code Flux} of paths that never completes
   */
  Flux<String> cancelled() {
    return cancellations.asFlux();
  }

  private Mono<String> answer(HttpServerRequest req, String path) {
    List<String> wait = new QueryStringDecoder(req.uri()).parameters().get("wait");
    return answer(req, path, wait == null ? 0 : Integer.parseInt(wait.get(0)));
  }

  /**
   * The body of the answer to one request: counted in flight from now until it is released, which
   * happens when {@code wait} requests are in flight (at once for {@code wait <= 1}), or until the
   * client goes away first (Netty cancels the answer when the connection closes).
   */
  private Mono<String> answer(HttpServerRequest req, String path, int wait) {
    String body = path.substring(1).replace('/', ' ');
    return Mono.defer(
        () -> {
          Held h = arrive(wait);
          return h.release().asMono().thenReturn(body).doOnCancel(() -> cancel(h, path));
        });
  }

  /**
   * Counts a request in, then releases every held request whose threshold is met, counting them out
   * in the same critical section: a released request must not be counted when the next one arrives,
   * and the next one may arrive as soon as the first answer is written.
   */
  private Held arrive(int wait) {
    Held arrived = new Held(wait, Sinks.empty());
    List<Held> due = new ArrayList<>();
    synchronized (this) {
      requests++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      held.add(arrived);
      for (Held h : held) {
        if (inFlight >= h.threshold()) {
          due.add(h);
        }
      }
      held.removeAll(due);
      inFlight -= due.size();
    }
    for (Held h : due) {
      h.release().tryEmitEmpty(); // each sink is emitted once, by the thread that removed it
    }
    return arrived;
  }

  /** The client went away: a request still held is counted out and recorded as cancelled. */
  private void cancel(Held h, String path) {
    synchronized (this) {
      if (held.remove(h)) {
        inFlight--;
        cancelled.add(path);
        cancellations.tryEmitNext(path); // under the lock: one emitter at a time
      }
    }
  }

  /** Stops the server and closes its connections. Blocks: call it off any event loop. */
  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(10));
  }
}
