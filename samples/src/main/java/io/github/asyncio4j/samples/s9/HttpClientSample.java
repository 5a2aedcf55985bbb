package io.github.asyncio4j.samples.s9;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionGroup;
import io.github.asyncio4j.Semaphore;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.operators.Outcome;
import io.github.asyncio4j.samples.Transcript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Guide section 9 (完整示例:异步 HTTP 客户端): the guide's {@code AsyncHTTPClient}, ported as {@link
 * AsyncHttpClient}, run against a real Reactor Netty server on an ephemeral loopback port ({@link
 * LoopbackServer}: fast, slow and failing routes) instead of httpbin.org.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * async def main():
 *     urls = [
 *         "https://httpbin.org/get",
 *         "https://httpbin.org/ip",
 *         "https://httpbin.org/headers",
 *     ]
 *     async with AsyncHTTPClient(max_concurrent=5) as client:
 *         results = await client.fetch_all(urls)
 *         for url, result in zip(urls, results):
 *             print(f"{url}: {len(result)} bytes")
 *
 * asyncio.run(main())
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * static Mono<Void> main(List<String> urls) {
 *   return AsyncHttpClient.use(                                  // async with AsyncHTTPClient(
 *       AsyncHttpClient.Config.DEFAULT.withMaxConcurrent(5),     //     max_concurrent=5) as client:
 *       client -> client.fetchAll(urls)                          //   results = await client.fetch_all(urls)
 *           .doOnNext(results -> {
 *             for (int i = 0; i < urls.size(); i++) {            //   for url, result in zip(urls, results):
 *               System.out.println(urls.get(i) + ": " + results.get(i).length() + " bytes");
 *             }
 *           })
 *           .then());
 * }
 *
 * Asyncio.run(main(urls));
 * }</pre>
 *
 * <h2>What the transcript shows</h2>
 *
 * <ol>
 *   <li><b>The guide's main</b>, on three fast routes: the bodies' sizes, in URL order.
 *   <li><b>The cap is never exceeded, counted on the server.</b> {@code fetchAll} of nine URLs with
 *       {@code maxConcurrent=3}; the server holds each answer until three requests are in flight
 *       ({@code ?wait=3}), so it answers in three waves of exactly three: at most 3 at once, and
 *       the results come back in URL order.
 *   <li><b>A slow route times out and is cancelled on the server side.</b> {@code get} of a route
 *       that never answers, with a 0.3 s timeout: {@link io.github.asyncio4j.TimeoutError}, and the
 *       server sees the connection closed, because the request was wrapped with {@link
 *       EventLoop#wrap} and the timeout's cancellation reached Netty.
 *   <li><b>One failing URL cancels the rest of {@code fetchAll}</b>: two slow routes and a 500
 *       (answered once all three requests are in flight). The 500 aborts the {@code TaskGroup},
 *       which cancels the two slow requests (the server sees both connections closed) and raises
 *       {@link ExceptionGroup} holding the one {@link HttpStatusException}.
 *   <li><b>Bad input</b>: an invalid URL is rejected at the call, also inside {@code fetchAll}
 *       before any request starts; a refused connection and a 404 fail their own requests only,
 *       while a request beside them (a {@code gather(return_exceptions=True)}) succeeds and every
 *       permit comes back.
 * </ol>
 *
 * <p>Nothing here depends on timing except the deliberately short timeout of a route that never
 * answers: the waves are made by the server's {@code ?wait}, and the sample waits for the server to
 * report each cancellation (with a bound) before it goes on. The server's port changes from run to
 * run, so the transcript shows paths, not URLs.
 */
public final class HttpClientSample {
  /** The cap of the demonstration: {@code max_concurrent}. */
  static final int CAP = 3;

  /** The timeout of the client that fetches the slow route. */
  static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

  /** The bound on waiting for the server to report what it saw; never reached when all is well. */
  static final Duration SERVER_REPORT_LIMIT = Duration.ofSeconds(10);

  private HttpClientSample() {}

  /** The guide's {@code main()}: three URLs, their sizes. */
  static Mono<Void> guideMain(Transcript out, LoopbackServer server) {
    List<String> urls =
        List.of(server.url("/fast/get"), server.url("/fast/ip"), server.url("/fast/headers"));
    return AsyncHttpClient.use(
        AsyncHttpClient.Config.DEFAULT.withMaxConcurrent(5),
        client ->
            client
                .fetchAll(urls)
                .doOnNext(
                    results -> {
                      for (int i = 0; i < urls.size(); i++) {
                        out.say(
                            path(server, urls.get(i)) + ": " + results.get(i).length() + " bytes");
                      }
                    })
                .then());
  }

  /** Nine requests, three at a time, counted on the server. */
  static Mono<Void> capNeverExceeded(Transcript out, LoopbackServer server) {
    List<String> urls =
        IntStream.rangeClosed(1, 3 * CAP)
            .mapToObj(i -> server.url("/fast/" + i + "?wait=" + CAP))
            .toList();
    return AsyncHttpClient.use(
        AsyncHttpClient.Config.DEFAULT.withMaxConcurrent(CAP),
        client ->
            Mono.fromRunnable(server::resetMax)
                .then(client.fetchAll(urls))
                .doOnNext(
                    results -> {
                      out.say(
                          "fetchAll of "
                              + urls.size()
                              + " URLs with maxConcurrent="
                              + CAP
                              + ", the server answering in waves of "
                              + CAP
                              + ":");
                      out.say("  results in URL order: " + results);
                      out.say(
                          "  server: at most "
                              + server.maxInFlight()
                              + " requests in flight at once (the cap is "
                              + CAP
                              + ")");
                    })
                .then());
  }

  /** A route that never answers, under a short timeout: the server sees the client go away. */
  static Mono<Void> slowRouteTimesOut(Transcript out, LoopbackServer server) {
    String url = server.url("/slow/a");
    return AsyncHttpClient.use(
        AsyncHttpClient.Config.DEFAULT.withTimeout(SHORT_TIMEOUT),
        client ->
            client
                .get(url)
                .doOnNext(body -> out.say("GET /slow/a answered?! " + body))
                .then()
                .onErrorResume(
                    e -> {
                      out.say("GET /slow/a -> " + describe(server, e));
                      return Mono.empty();
                    })
                .then(awaitCancelled(server, List.of("/slow/a")))
                .doOnNext(
                    paths ->
                        out.say(
                            "  server: "
                                + paths.get(0)
                                + " cancelled, the client closed the connection"))
                .then());
  }

  /** fetchAll of two slow routes and a 500: the 500 cancels the slow ones. */
  static Mono<Void> oneFailureCancelsTheRest(Transcript out, LoopbackServer server) {
    List<String> urls =
        List.of(server.url("/slow/b"), server.url("/status/500?wait=3"), server.url("/slow/c"));
    return AsyncHttpClient.use(
        AsyncHttpClient.Config.DEFAULT.withMaxConcurrent(CAP),
        client ->
            client
                .fetchAll(urls)
                .doOnNext(results -> out.say("fetchAll returned?! " + results))
                .then()
                .onErrorResume(
                    ExceptionGroup.class,
                    eg -> {
                      out.say("fetchAll(/slow/b, /status/500?wait=3, /slow/c) ->");
                      out.say("  " + describe(server, eg));
                      for (Throwable e : eg.exceptions()) {
                        out.say("    " + describe(server, e));
                      }
                      return Mono.empty();
                    })
                .then(awaitCancelled(server, List.of("/slow/b", "/slow/c")))
                .doOnNext(
                    paths ->
                        out.say(
                            "  server: "
                                + String.join(" and ", paths)
                                + " cancelled: the TaskGroup cancelled the rest"))
                .then());
  }

  /** Bad URL, refused connection, 404: each fails alone. */
  static Mono<Void> badInput(Transcript out, LoopbackServer server, int closedPort) {
    return AsyncHttpClient.use(
        AsyncHttpClient.Config.DEFAULT.withMaxConcurrent(CAP),
        client ->
            Mono.defer(
                () -> {
                  try {
                    client.get("htp:/not-a-url");
                    out.say("get(\"htp:/not-a-url\") was accepted?!");
                  } catch (IllegalArgumentException e) {
                    out.say("get(\"htp:/not-a-url\") -> at the call: " + describe(server, e));
                  }
                  int before = server.requests();
                  try {
                    client.fetchAll(List.of(server.url("/fast/x"), "/fast/y"));
                    out.say("fetchAll with a relative URL was accepted?!");
                  } catch (IllegalArgumentException e) {
                    out.say(
                        "fetchAll(/fast/x, \"/fast/y\") -> at the call: " + describe(server, e));
                  }
                  out.say("  requests the server got meanwhile: " + (server.requests() - before));

                  String refused = "http://127.0.0.1:" + closedPort + "/fast/z";
                  List<Mono<String>> gets =
                      List.of(
                          client.get(refused),
                          client.get(server.url("/status/404")),
                          client.get(server.url("/fast/beside")));
                  return Asyncio.gatherReturnExceptions(gets)
                      .doOnNext(
                          outcomes -> {
                            out.say("gather(return_exceptions=True) of three gets:");
                            List<String> names =
                                List.of(
                                    "GET <closed port>/fast/z",
                                    "GET /status/404",
                                    "GET /fast/beside");
                            for (int i = 0; i < outcomes.size(); i++) {
                              Outcome<String> o = outcomes.get(i);
                              String shown =
                                  o instanceof Outcome.Failure<String> f
                                      ? describe(server, f.error())
                                          .replace("127.0.0.1:" + closedPort, "<closed port>")
                                      : "\"" + o.get() + "\"";
                              out.say("  " + names.get(i) + " -> " + shown);
                            }
                            Semaphore.Statistics stats = client.semaphore().statistics();
                            out.say(
                                "  afterwards: "
                                    + stats.permits()
                                    + " of "
                                    + CAP
                                    + " permits free, "
                                    + stats.waiters()
                                    + " waiting");
                          })
                      .then();
                }));
  }

  /**
   * Waits, with a bound, until the server has seen the requests to {@code paths} cancelled.
   *
   * @return the paths, sorted
   */
  static Mono<List<String>> awaitCancelled(LoopbackServer server, List<String> paths) {
    return Mono.defer(
        () ->
            Asyncio.timeout(
                SERVER_REPORT_LIMIT,
                Asyncio.getRunningLoop()
                    .wrap(
                        server
                            .cancelled()
                            .filter(paths::contains)
                            .take(paths.size())
                            .sort()
                            .collectList())));
  }

  /** An exception as the transcript shows it: its simple class name, its message without host. */
  static String describe(LoopbackServer server, Throwable e) {
    String message = String.valueOf(e.getMessage()).replace(server.base(), "");
    return e.getClass().getSimpleName() + ": " + message;
  }

  static String path(LoopbackServer server, String url) {
    return url.replace(server.base(), "");
  }

  /**
   * A loopback port with nothing listening on it: bound, then closed.
   *
   * @return the port
   */
  static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the loopback server, runs the five parts in one {@link Asyncio#run}, and stops the
   * server.
   *
   * @return what they printed
   */
  public static String run() {
    Transcript out = new Transcript();
    List<Mono<Void>> parts = new ArrayList<>();
    try (LoopbackServer server = LoopbackServer.start()) {
      out.say(
          "a Reactor Netty server on 127.0.0.1, ephemeral port: /fast, /slow and /status routes");
      int closedPort = closedPort();
      parts.add(guideMain(out, server));
      parts.add(capNeverExceeded(out, server));
      parts.add(slowRouteTimesOut(out, server));
      parts.add(oneFailureCancelsTheRest(out, server));
      parts.add(badInput(out, server, closedPort));
      Asyncio.run(Flux.concat(parts).then()); // one part after the other
    }
    return out.toString();
  }

  /**
   * Prints what {@link #run()} shows.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    System.out.println(run());
  }
}
