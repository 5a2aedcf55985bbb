package io.github.asyncio4j.samples.s9;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.ExceptionGroup;
import io.github.asyncio4j.Semaphore;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.operators.Outcome;
import io.github.asyncio4j.samples.s9.AsyncHttpClient.Config;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * {@link AsyncHttpClient} against a real {@link LoopbackServer}. No assertion depends on timing:
 * concurrency is made visible by the server's {@code ?wait=N}, and waits for what the server saw
 * are bounded ({@link HttpClientSample#awaitCancelled}, and {@code @Timeout} on every test).
 */
@Timeout(60)
class AsyncHttpClientTest {
  private static final Config CLIENT = Config.DEFAULT.withTimeout(Duration.ofSeconds(20));

  // A server per test, so that no request left over from one test counts in another's waves.
  private LoopbackServer server;

  @BeforeEach
  void startServer() {
    server = LoopbackServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private static <T> T run(Config config, Function<AsyncHttpClient, Mono<T>> body) {
    return Asyncio.run(AsyncHttpClient.use(config, body::apply));
  }

  @Test
  void getReturnsTheBodyAsText() {
    String body = run(CLIENT, c -> c.get(server.url("/fast/hello")));
    assertThat(body).isEqualTo("fast hello");
  }

  @Test
  void redirectsAreFollowedAsAiohttpDoes() {
    String body = run(CLIENT, c -> c.get(server.url("/redirect/moved")));
    assertThat(body).isEqualTo("fast moved");
  }

  @Test
  void fetchAllReturnsTheBodiesInUrlOrder() {
    List<String> urls =
        List.of("c", "a", "b", "a").stream().map(n -> server.url("/fast/" + n)).toList();
    List<String> bodies = run(CLIENT, c -> c.fetchAll(urls));
    assertThat(bodies).containsExactly("fast c", "fast a", "fast b", "fast a");
    List<String> none = run(CLIENT, c -> c.fetchAll(List.of()));
    assertThat(none).isEmpty();
  }

  // The server holds each answer until `cap` requests are in flight, so the client must let
  // exactly `cap` through at once: fewer would hang (bounded by @Timeout), more would be counted.
  @Test
  void theCapIsReachedAndNeverExceededCountedOnTheServer() {
    for (int cap : new int[] {1, 2, 4}) {
      List<String> urls =
          IntStream.range(0, 3 * cap)
              .mapToObj(i -> server.url("/fast/cap" + cap + "-" + i + "?wait=" + cap))
              .toList();
      server.resetMax();
      List<String> results = run(CLIENT.withMaxConcurrent(cap), c -> c.fetchAll(urls));
      assertThat(results).hasSize(3 * cap).first().isEqualTo("fast cap" + cap + "-0");
      assertThat(server.maxInFlight()).as("cap %d", cap).isEqualTo(cap);
    }
  }

  @Test
  void withoutWavesTheServerStillNeverSeesMoreThanTheCap() {
    List<String> urls =
        IntStream.range(0, 40).mapToObj(i -> server.url("/fast/free-" + i)).toList();
    server.resetMax();
    List<String> bodies = run(CLIENT.withMaxConcurrent(3), c -> c.fetchAll(urls));
    assertThat(bodies).hasSize(40);
    assertThat(server.maxInFlight()).isBetween(1, 3);
  }

  @Test
  void aSlowRequestTimesOutAndTheServerSeesItCancelled() {
    Config shortTimeout = CLIENT.withTimeout(Duration.ofMillis(200));
    AtomicReference<AsyncHttpClient> client = new AtomicReference<>();
    assertThatThrownBy(
            () ->
                run(
                    shortTimeout,
                    c -> {
                      client.set(c);
                      return c.get(server.url("/slow/timeout"));
                    }))
        .isInstanceOf(TimeoutError.class)
        .hasMessage("GET " + server.url("/slow/timeout") + " took longer than 0.2 s")
        .cause()
        .isInstanceOf(TimeoutError.class);
    assertThat(Asyncio.run(HttpClientSample.awaitCancelled(server, List.of("/slow/timeout"))))
        .containsExactly("/slow/timeout");
    assertThat(client.get().semaphore().statistics().permits()).isEqualTo(10);
  }

  @Test
  void cancellingTheAwaitingTaskCancelsTheRequestOnTheServer() {
    String url = server.url("/slow/cancelled-by-caller?wait=2");
    String gate = server.url("/fast/gate-for-cancel?wait=2");
    String outcome =
        run(
            CLIENT,
            c ->
                Mono.defer(
                    () -> {
                      Task<String> slow = Asyncio.createTask(c.get(url));
                      // answered only once the slow request is in flight at the server
                      return c.get(gate)
                          .then(
                              Mono.defer(
                                  () -> {
                                    slow.cancel();
                                    return slow;
                                  }))
                          .onErrorResume(
                              CancelledError.class,
                              e -> Mono.just("cancelled=" + slow.cancelled()));
                    }));
    assertThat(outcome).isEqualTo("cancelled=true");
    assertThat(
            Asyncio.run(
                HttpClientSample.awaitCancelled(server, List.of("/slow/cancelled-by-caller"))))
        .containsExactly("/slow/cancelled-by-caller");
  }

  @Test
  void oneFailingUrlCancelsTheRestOfFetchAllAndSurfacesInTheExceptionGroup() {
    List<String> urls =
        List.of(
            server.url("/slow/group-1"),
            server.url("/status/503?wait=3"),
            server.url("/slow/group-2"),
            server.url("/slow/group-3")); // waits for a permit: the cap is 3
    assertThatThrownBy(() -> run(CLIENT.withMaxConcurrent(3), c -> c.fetchAll(urls)))
        .isInstanceOfSatisfying(
            ExceptionGroup.class,
            eg -> {
              assertThat(eg.getMessage())
                  .isEqualTo("unhandled errors in a TaskGroup (1 sub-exception)");
              assertThat(eg.exceptions())
                  .singleElement()
                  .isInstanceOfSatisfying(
                      HttpStatusException.class,
                      e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.reason()).isEqualTo("Service Unavailable");
                        assertThat(e.url()).isEqualTo(URI.create(urls.get(1)));
                      });
            });
    assertThat(
            Asyncio.run(
                HttpClientSample.awaitCancelled(server, List.of("/slow/group-1", "/slow/group-2"))))
        .containsExactly("/slow/group-1", "/slow/group-2");
  }

  @Test
  void aNon2xxStatusRaisesLikeRaiseForStatus() {
    String url = server.url("/status/404");
    assertThatThrownBy(() -> run(CLIENT, c -> c.get(url)))
        .isInstanceOfSatisfying(
            HttpStatusException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.reason()).isEqualTo("Not Found");
              assertThat(e.url()).isEqualTo(URI.create(url));
            })
        .hasMessage("404 Not Found for GET " + url);
    assertThatThrownBy(() -> run(CLIENT, c -> c.get(server.url("/status/500"))))
        .isInstanceOf(HttpStatusException.class)
        .hasMessage("500 Internal Server Error for GET " + server.url("/status/500"));
  }

  @Test
  void aRefusedConnectionIsAConnectExceptionNamingTheUrl() {
    String url = "http://127.0.0.1:" + HttpClientSample.closedPort() + "/fast/refused";
    // caught in the chain: Asyncio.run would wrap a checked exception in Reactor's
    // ReactiveException on its way out
    Throwable error =
        run(CLIENT, c -> c.get(url).then(Mono.<Throwable>empty()).onErrorResume(Mono::just));
    assertThat(error)
        .isInstanceOf(ConnectException.class)
        .hasMessage("Cannot connect to " + url + ": Connection refused")
        .cause()
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void invalidUrlsAreRejectedAtTheCallNamingTheArgument() {
    Asyncio.run(
        AsyncHttpClient.use(
            CLIENT,
            c -> {
              for (String bad :
                  List.of(
                      "not a url", "/fast/relative", "ftp://127.0.0.1/x", "http://", "http:x")) {
                assertThatThrownBy(() -> c.get(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(
                        "url must be an absolute http or https URL but it was '" + bad + "'");
              }
              assertThatThrownBy(() -> c.get(null)).isInstanceOf(NullPointerException.class);
              return Mono.empty();
            }));
  }

  @Test
  void fetchAllWithOneInvalidUrlStartsNoRequest() {
    int before = server.requests();
    Asyncio.run(
        AsyncHttpClient.use(
            CLIENT,
            c -> {
              assertThatThrownBy(() -> c.fetchAll(List.of(server.url("/fast/never"), "http//typo")))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessage(
                      "urls[1] must be an absolute http or https URL but it was 'http//typo'");
              return Mono.empty();
            }));
    assertThat(server.requests()).isEqualTo(before);
  }

  // Bad input cancels nothing else: each failure is its own request's, and every permit returns.
  @Test
  void eachFailureIsItsOwnAndEveryPermitComesBack() {
    String refused = "http://127.0.0.1:" + HttpClientSample.closedPort() + "/";
    List<Outcome<String>> outcomes =
        run(
            CLIENT.withMaxConcurrent(2),
            c ->
                Asyncio.<String>gatherReturnExceptions(
                        List.of(
                            c.get(refused),
                            c.get(server.url("/status/418")),
                            c.get(server.url("/fast/beside-1")),
                            c.get(server.url("/fast/beside-2"))))
                    .doOnNext(
                        o ->
                            assertThat(c.semaphore().statistics())
                                .isEqualTo(new Semaphore.Statistics(2, 0))));
    assertThat(outcomes.get(0).exception()).isInstanceOf(ConnectException.class);
    assertThat(outcomes.get(1).exception()).isInstanceOf(HttpStatusException.class);
    assertThat(outcomes.get(2).get()).isEqualTo("fast beside-1");
    assertThat(outcomes.get(3).get()).isEqualTo("fast beside-2");
  }

  @Test
  void aClosedClientRefusesRequests() {
    AsyncHttpClient client = run(CLIENT, Mono::just);
    assertThat(client).hasToString("<AsyncHttpClient maxConcurrent=10 timeout=20 s [closed]>");
    assertThatThrownBy(() -> Asyncio.run(client.get(server.url("/fast/late"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Session is closed");
  }

  @Test
  void theClientIsClosedWhenTheBodyFails() {
    AtomicReference<AsyncHttpClient> client = new AtomicReference<>();
    assertThatThrownBy(
            () ->
                run(
                    CLIENT,
                    c -> {
                      client.set(c);
                      assertThat(c)
                          .hasToString("<AsyncHttpClient maxConcurrent=10 timeout=20 s [open]>");
                      return Mono.error(new IllegalStateException("body failed"));
                    }))
        .hasMessage("body failed");
    assertThat(client.get().toString()).endsWith("[closed]>");
  }

  @Test
  void aRequestOutsideAnEventLoopFailsClearly() {
    Mono<String> offLoop = AsyncHttpClient.use(CLIENT, c -> c.get(server.url("/fast/outside")));
    assertThatThrownBy(() -> offLoop.block(Duration.ofSeconds(10)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no running event loop");
  }

  @Test
  void badConfigurationIsRejectedNamingTheRule() {
    assertThatThrownBy(() -> Config.DEFAULT.withMaxConcurrent(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrent >= 1 required but it was 0");
    assertThatThrownBy(() -> Config.DEFAULT.withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout > 0 required but it was PT0S");
    assertThatThrownBy(() -> Config.DEFAULT.withTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AsyncHttpClient.use(null, c -> Mono.empty()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("config");
    assertThat(Config.DEFAULT).isEqualTo(new Config(10, Duration.ofSeconds(30)));
  }
}
