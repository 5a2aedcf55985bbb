package io.github.asyncio4j.samples.s9;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Semaphore;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TaskGroup;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.operators.Asyncio;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.ContextView;

/**
 * The guide's {@code AsyncHTTPClient} (section 9), on Reactor Netty's {@link HttpClient}: a cap on
 * concurrent requests, a total timeout per request, {@code fetchAll} through a {@link TaskGroup},
 * and status errors raised as {@code raise_for_status()} raises them.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * class AsyncHTTPClient:
 *     def __init__(self, max_concurrent: int = 10, timeout: float = 30.0):
 *         self.semaphore = asyncio.Semaphore(max_concurrent)
 *         self.timeout = aiohttp.ClientTimeout(total=timeout)
 *         self.session: Optional[aiohttp.ClientSession] = None
 *
 *     async def __aenter__(self):
 *         self.session = aiohttp.ClientSession(timeout=self.timeout)
 *         return self
 *
 *     async def __aexit__(self, *args):
 *         if self.session:
 *             await self.session.close()
 *
 *     async def get(self, url: str) -> str:
 *         async with self.semaphore:
 *             async with self.session.get(url) as resp:
 *                 resp.raise_for_status()
 *                 return await resp.text()
 *
 *     async def fetch_all(self, urls: list[str]) -> list[str]:
 *         async with asyncio.TaskGroup() as tg:
 *             tasks = [tg.create_task(self.get(url)) for url in urls]
 *         return [t.result() for t in tasks]
 *
 * async with AsyncHTTPClient(max_concurrent=5) as client:
 *     results = await client.fetch_all(urls)
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * List<String> results = Asyncio.run(
 *     AsyncHttpClient.use(
 *         AsyncHttpClient.Config.DEFAULT.withMaxConcurrent(5),  // async with AsyncHTTPClient(5) as client:
 *         client -> client.fetchAll(urls)));                    //     await client.fetch_all(urls)
 * }</pre>
 *
 * <ul>
 *   <li><b>{@code async with}</b> is {@link #use(Config, Function)}: it opens the client (its own
 *       connection pool, aiohttp's session), runs the body, and closes the pool when the body
 *       completes, fails or is cancelled. The close is asynchronous, so there is no {@code
 *       AutoCloseable}: a {@code try}-with-resources would have to block.
 *   <li><b>{@code async with self.semaphore}</b> is {@link Semaphore#withPermit(Mono)}: at most
 *       {@link Config#maxConcurrent()} requests are in flight at once; the others wait in FIFO
 *       order, and a waiter that is cancelled leaves the queue without losing a permit.
 *   <li><b>{@code ClientTimeout(total=...)}</b> is {@link Asyncio#timeout(Duration, Mono)} around
 *       each request, from connecting to the last byte of the body, inside the permit (waiting for
 *       a permit does not count, as in aiohttp). On expiry the request is cancelled and {@link
 *       TimeoutError} is raised.
 *   <li><b>The request</b> is Reactor Netty's, wrapped with {@link EventLoop#wrap} so that it is an
 *       asyncio4j await: the task resumes on its loop, and when the task is cancelled (a timeout, a
 *       {@code TaskGroup} aborting, a caller's {@code cancel()}) Netty's subscription is cancelled,
 *       which closes the connection, so the server sees the client go away.
 *   <li><b>{@code raise_for_status()}</b>: a final status outside 2xx raises {@link
 *       HttpStatusException} with the status, reason and URL. Redirects are followed first, as
 *       aiohttp does; aiohttp raises only from 400, this port also for a 1xx or 3xx it is left
 *       with.
 *   <li><b>{@code fetch_all}</b> is a {@link TaskGroup}: one task per URL, results in URL order;
 *       the first failure cancels the other requests and the group raises {@link
 *       io.github.asyncio4j.ExceptionGroup} holding it.
 * </ul>
 *
 * <h2>Bad input</h2>
 *
 * <ul>
 *   <li>A URL that is not an absolute {@code http} or {@code https} URL with a host is rejected at
 *       the call, with {@link IllegalArgumentException}, before anything starts; {@link #fetchAll}
 *       checks every URL first, so one bad URL starts no request at all.
 *   <li>A refused connection fails that request with {@link ConnectException} {@code "Cannot
 *       connect to <url>: Connection refused"} (Python's {@code ConnectionError}), Netty's
 *       exception as its cause.
 *   <li>A status outside 2xx fails that request with {@link HttpStatusException}.
 * </ul>
 *
 * <p>Each failure is that request's alone: its permit goes back, and other requests on the client
 * go on. Only {@link #fetchAll} cancels the rest, because a {@code TaskGroup} does.
 *
 * <h2>Threads</h2>
 *
 * <p>{@link #get} and {@link #fetchAll} are awaited inside a task of an {@link EventLoop} (for
 * example under {@link Asyncio#run(Mono)}): Netty does the I/O on its own threads, and every result
 * and error is handed back to the loop's thread, so the code after an await runs there. Outside a
 * task they fail with {@code IllegalStateException}. The client itself is thread-safe.
 */
public final class AsyncHttpClient {

  /**
   * How a client behaves: the guide's constructor arguments.
   *
   * @param maxConcurrent the most requests in flight at once: {@code max_concurrent}, at least 1
   * @param timeout the total time one request may take once it has its permit: {@code timeout},
   *     positive
   */
  public record Config(int maxConcurrent, Duration timeout) {
    /** The guide's defaults: {@code max_concurrent=10, timeout=30.0}. */
    public static final Config DEFAULT = new Config(10, Duration.ofSeconds(30));

    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if {@code maxConcurrent < 1} or {@code timeout} is not
     *     positive
     */
    public Config {
      if (maxConcurrent < 1) {
        throw new IllegalArgumentException(
            "maxConcurrent >= 1 required but it was " + maxConcurrent);
      }
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout > 0 required but it was " + timeout);
      }
    }

    /**
     * This configuration with another cap.
     *
     * @param maxConcurrent the most requests in flight at once, at least 1
     * @return a new configuration
     */
    public Config withMaxConcurrent(int maxConcurrent) {
      return new Config(maxConcurrent, timeout);
    }

    /**
     * This configuration with another timeout.
     *
     * @param timeout the total time one request may take, positive
     * @return a new configuration
     */
    public Config withTimeout(Duration timeout) {
      return new Config(maxConcurrent, timeout);
    }
  }

  private final Config config;
  private final Semaphore semaphore;
  private final ConnectionProvider pool;
  private final HttpClient http;

  /** Set once by {@link #close()}; a closed client refuses new requests. */
  private volatile boolean closed;

  private AsyncHttpClient(Config config) {
    this.config = config;
    this.semaphore = new Semaphore(config.maxConcurrent());
    this.pool = ConnectionProvider.create("asyncio4j-http");
    this.http = HttpClient.create(pool).followRedirect(true);
  }

  /**
   * Opens a client, runs {@code body} with it, and closes it: the guide's {@code async with
   * AsyncHTTPClient(...) as client: ...}. The client's connection pool is closed when the body
   * completes, fails or is cancelled, after which the client refuses requests. Nothing happens
   * until the returned {@code Mono} is subscribed.
   *
   * @param config the cap and the timeout
   * @param body what to do with the client
   * @param <T> the body's result type
   * @return the body's outcome, once the client is closed
   */
  public static <T> Mono<T> use(
      Config config, Function<? super AsyncHttpClient, ? extends Mono<T>> body) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(body, "body");
    return Mono.usingWhen(
        Mono.fromSupplier(() -> new AsyncHttpClient(config)),
        body,
        AsyncHttpClient::close,
        (client, error) -> client.close(),
        AsyncHttpClient::close);
  }

  /**
   * The configuration this client was opened with.
   *
   * @return the cap and the timeout
   */
  public Config config() {
    return config;
  }

  /**
   * The semaphore that caps concurrent requests, for monitoring: its {@code statistics()} show the
   * free permits and the requests waiting for one.
   *
   * @return the client's semaphore
   */
  public Semaphore semaphore() {
    return semaphore;
  }

  /**
   * GETs {@code url} and returns its body as text: the guide's {@code await client.get(url)}. The
   * request waits for a permit, then runs under the client's timeout; a status outside 2xx raises.
   * Each subscription makes one request.
   *
   * @param url an absolute {@code http} or {@code https} URL
   * @return the body, decoded as UTF-8 ({@code ""} when empty); or {@link HttpStatusException},
   *     {@link ConnectException}, {@link TimeoutError}, {@link io.github.asyncio4j.CancelledError},
   *     or {@code IllegalStateException("Session is closed")} once the client is closed
   * @throws IllegalArgumentException at once, if {@code url} is not an absolute http(s) URL
   */
  public Mono<String> get(String url) {
    return request(checkUrl(url, "url"));
  }

  /**
   * GETs every URL concurrently, at most {@link Config#maxConcurrent()} at once, and returns the
   * bodies in URL order: the guide's {@code await client.fetch_all(urls)}. The requests run as the
   * tasks of one {@link TaskGroup}: the first to fail cancels the others (those in flight close
   * their connections, those waiting for a permit are cancelled too), and the group raises {@link
   * io.github.asyncio4j.ExceptionGroup} holding the failure (and any other failure that ended the
   * same way before the cancellation reached it; a cancelled request is not a failure).
   *
   * @param urls absolute {@code http} or {@code https} URLs; may repeat
   * @return the bodies in the order of {@code urls}
   * @throws IllegalArgumentException at once, naming the first bad URL by its index, before any
   *     request starts
   */
  public Mono<List<String>> fetchAll(List<String> urls) {
    Objects.requireNonNull(urls, "urls");
    List<URI> uris = new ArrayList<>(urls.size());
    for (int i = 0; i < urls.size(); i++) {
      uris.add(checkUrl(urls.get(i), "urls[" + i + "]"));
    }
    return Asyncio.taskGroup(
            tg -> {
              List<Task<String>> tasks = new ArrayList<>(uris.size());
              for (URI uri : uris) {
                tasks.add(tg.createTask(request(uri), "GET " + uri));
              }
              return Mono.just(tasks);
            })
        // the group has ended: every task is done, as after the guide's async with block
        .map(tasks -> tasks.stream().map(t -> Objects.requireNonNull(t.result())).toList());
  }

  /**
   * Closes the client's connection pool: aiohttp's {@code await session.close()}, the guide's
   * {@code __aexit__}. Requests made afterwards fail with {@code IllegalStateException("Session is
   * closed")}. {@link #use} calls it; calling it again does nothing more.
   *
   * @return completes once the pool's connections are closed
   */
  public Mono<Void> close() {
    return Mono.deferContextual(
        ctx -> {
          closed = true;
          Mono<Void> dispose = pool.disposeLater();
          EventLoop loop = loopOrNull(ctx);
          return loop == null ? dispose : loop.wrap(dispose);
        });
  }

  /** One GET: a permit, then the timed request; the argument was checked by the caller. */
  private Mono<String> request(URI uri) {
    return Mono.deferContextual(
        ctx -> {
          if (closed) {
            return Mono.error(new IllegalStateException("Session is closed"));
          }
          EventLoop loop = loopOrNull(ctx);
          if (loop == null) {
            return Mono.error(new IllegalStateException("no running event loop"));
          }
          Mono<String> exchange =
              loop.wrap(
                  http.get()
                      .uri(uri)
                      .responseSingle(
                          (response, body) -> {
                            int status = response.status().code();
                            Mono<String> text =
                                body.asString(StandardCharsets.UTF_8).defaultIfEmpty("");
                            if (status >= 200 && status < 300) {
                              return text;
                            }
                            String reason = response.status().reasonPhrase();
                            // read the body all the same, so that the connection can be reused
                            return text.then(
                                Mono.error(new HttpStatusException(status, reason, uri)));
                          }));
          return semaphore.withPermit(
              Asyncio.timeout(config.timeout(), exchange)
                  .onErrorMap(ConnectException.class, e -> cannotConnect(uri, e))
                  .onErrorMap(
                      TimeoutError.class,
                      e ->
                          new TimeoutError(
                              "GET " + uri + " took longer than " + seconds(config.timeout()), e)));
        });
  }

  /** The loop of the awaiting task, else the loop running on this thread, else null. */
  private static @Nullable EventLoop loopOrNull(ContextView ctx) {
    EventLoop loop = ctx.getOrDefault(EventLoop.class, null);
    return loop != null ? loop : EventLoop.runningOrNull();
  }

  /**
   * Python's {@code ConnectionError}, naming the URL: Netty's exception names only the address, in
   * words that differ between its transports ({@code "Connection refused: /127.0.0.1:8080"} on NIO,
   * {@code "finishConnect(..) failed with error(-111): Connection refused: ..."} on epoll).
   */
  private static ConnectException cannotConnect(URI uri, ConnectException netty) {
    String why = String.valueOf(netty.getMessage());
    if (why.contains("Connection refused")) {
      why = "Connection refused";
    }
    ConnectException e = new ConnectException("Cannot connect to " + uri + ": " + why);
    e.initCause(netty);
    return e;
  }

  private static String seconds(Duration d) {
    return BigDecimal.valueOf(d.getSeconds())
            .add(BigDecimal.valueOf(d.getNano(), 9))
            .stripTrailingZeros()
            .toPlainString()
        + " s";
  }

  /**
   * Checks a URL at the call, as the port's bad-input rule asks.
   *
   * @param url the URL
   * @param name the argument's name for the message
   * @return the URL as a URI
   */
  static URI checkUrl(String url, String name) {
    Objects.requireNonNull(url, name);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          name
              + " must be an absolute http or https URL but it was '"
              + url
              + "': "
              + e.getReason(),
          e);
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          name + " must be an absolute http or https URL but it was '" + url + "'");
    }
    return uri;
  }

  /**
   * The client's state, as aiohttp shows a session: {@code <AsyncHttpClient maxConcurrent=10
   * timeout=30 s [open]>}.
   *
   * @return the configuration and whether the client is closed
   */
  @Override
  public String toString() {
    return "<AsyncHttpClient maxConcurrent="
        + config.maxConcurrent()
        + " timeout="
        + seconds(config.timeout())
        + (closed ? " [closed]>" : " [open]>");
  }
}
