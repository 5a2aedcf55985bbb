package io.github.asyncio4j.samples.webflux;

import io.github.asyncio4j.operators.KeyedRateLimiter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * A per-client rate limit for every {@code /api} route: a {@link KeyedRateLimiter}, one token
 * bucket per client, and 429 Too Many Requests with {@code Retry-After} for a client over its
 * limit.
 *
 * <p>The client is the {@value #CLIENT_HEADER} header when present ({@code [A-Za-z0-9._-]}, 1 to 64
 * characters; anything else is a 400), else the remote IP address. A client may make {@code burst}
 * requests at once and then {@code rate} per {@code period}; one client's burst costs another
 * nothing. {@code Retry-After} is how long until this client's next request would pass, in whole
 * seconds rounded up ({@link KeyedRateLimiter#retryAfter(Object)}).
 *
 * <p>It never waits: {@link KeyedRateLimiter#tryAcquire(Object)} runs on the Netty thread, on the
 * clock of the service's event loop, and refuses at once. The limiter's memory is bounded by {@code
 * max-keys}: idle clients are forgotten as traffic flows; when every tracked client is active, a
 * new one is refused (429) until one goes idle.
 */
public final class ClientRateLimit
    implements HandlerFilterFunction<ServerResponse, ServerResponse> {
  /** The header naming the client. */
  public static final String CLIENT_HEADER = "X-Client-Id";

  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final KeyedRateLimiter<String> limiter;

  /**
   * A filter over {@code limiter}.
   *
   * @param limiter the buckets, keyed by client
   */
  public ClientRateLimit(KeyedRateLimiter<String> limiter) {
    this.limiter = Objects.requireNonNull(limiter, "limiter");
  }

  /**
   * Lets the request through if its client has a permit, else answers 429.
   *
   * @param request the request
   * @param next the route
   * @return the route's response, a 429 or a 400 for a malformed {@value #CLIENT_HEADER}
   */
  @Override
  public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
    String client;
    try {
      client = clientOf(request);
    } catch (ApiException e) {
      return Problems.answer(request, e);
    }
    if (limiter.tryAcquire(client)) {
      return Mono.defer(() -> next.handle(request));
    }
    Duration wait = limiter.retryAfter(client);
    return Problems.answer(
        request,
        ApiException.retryLater(
            HttpStatus.TOO_MANY_REQUESTS,
            "rate limit of "
                + describe(limiter)
                + " exceeded for "
                + client
                + "; retry in "
                + Problems.retryAfterSeconds(wait)
                + " s",
            wait));
  }

  /** The bucket key: {@code client:<id>} or {@code ip:<address>}. */
  static String clientOf(ServerRequest request) {
    String id = request.headers().firstHeader(CLIENT_HEADER);
    if (id != null) {
      if (!CLIENT_ID.matcher(id).matches()) {
        throw ApiException.badRequest(
            CLIENT_HEADER
                + " must be 1 to 64 characters of [A-Za-z0-9._-] but it was '"
                + Texts.clip(id)
                + "'");
      }
      return "client:" + id;
    }
    return request
        .remoteAddress()
        .map(InetSocketAddress::getAddress)
        .map(a -> "ip:" + a.getHostAddress())
        .orElse("ip:unknown");
  }

  private static String describe(KeyedRateLimiter<?> l) {
    return l.burst()
        + " requests at once, then "
        + Texts.number(l.rate())
        + " per "
        + Texts.duration(l.period());
  }
}
