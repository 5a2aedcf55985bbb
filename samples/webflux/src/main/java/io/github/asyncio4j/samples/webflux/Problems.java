package io.github.asyncio4j.samples.webflux;

import io.github.asyncio4j.CancelledError;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;

/**
 * Error answers as RFC 9457 problems ({@code application/problem+json}), and the filter that turns
 * every failure of a route into one: malformed input is a 400 with a reason, never a 500.
 *
 * <ul>
 *   <li>{@link ApiException}: its status, reason and {@code Retry-After};
 *   <li>a body that is not JSON, or JSON of the wrong shape: 400 {@code "malformed JSON body: ..."}
 *       with the parser's first line;
 *   <li>a {@code Content-Type} other than JSON: 415; any other {@link ResponseStatusException}: its
 *       status and reason;
 *   <li>a {@link CancelledError} that reaches here (the loop shut down under the request): 503;
 *   <li>anything else is a bug: 500, logged with its stack trace.
 * </ul>
 */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  /**
   * An RFC 9457 problem.
   *
   * @param type always {@code about:blank}: the status says it all
   * @param title the status's reason phrase
   * @param status the status code
   * @param detail what went wrong, for a person
   * @param instance the request's path
   */
  public record Problem(String type, String title, int status, String detail, String instance) {}

  /**
   * The filter for every {@code /api} route: failures become problems.
   *
   * @return the filter
   */
  public static HandlerFilterFunction<ServerResponse, ServerResponse> filter() {
    return (request, next) ->
        Mono.defer(() -> next.handle(request)) // a handler that throws is a failure too
            .onErrorResume(e -> answer(request, e));
  }

  /**
   * The answer to {@code error}.
   *
   * @param request the request that failed
   * @param error its failure
   * @return the problem response
   */
  static Mono<ServerResponse> answer(ServerRequest request, Throwable error) {
    if (error instanceof ApiException api) {
      return problem(request, api.status(), api.getMessage(), api.retryAfter());
    }
    if (error instanceof UnsupportedMediaTypeStatusException media) {
      MediaType type = media.getContentType();
      return problem(
          request,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type "
              + (type == null ? "(none)" : "'" + type + "'")
              + " is not supported: send application/json",
          null);
    }
    if (error instanceof ServerWebInputException input) {
      return problem(request, HttpStatus.BAD_REQUEST, describe(input), null);
    }
    if (error instanceof ResponseStatusException status) {
      String reason = status.getReason();
      return problem(
          request,
          status.getStatusCode(),
          reason != null ? reason : String.valueOf(status.getStatusCode()),
          null);
    }
    if (error instanceof CancelledError) {
      return problem(
          request, HttpStatus.SERVICE_UNAVAILABLE, "the service is shutting down", Duration.ZERO);
    }
    LOG.error("{} {} failed", request.method(), request.path(), error);
    return problem(request, HttpStatus.INTERNAL_SERVER_ERROR, "internal error", null);
  }

  /**
   * A problem response.
   *
   * @param request the request answered
   * @param status the status
   * @param detail the reason
   * @param retryAfter a {@code Retry-After} to send (whole seconds, rounded up, at least 1), or
   *     null
   * @return the response
   */
  static Mono<ServerResponse> problem(
      ServerRequest request, HttpStatusCode status, String detail, @Nullable Duration retryAfter) {
    HttpStatus known = HttpStatus.resolve(status.value());
    String title = known != null ? known.getReasonPhrase() : String.valueOf(status.value());
    ServerResponse.BodyBuilder builder =
        ServerResponse.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (retryAfter != null) {
      builder.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
    }
    return builder.bodyValue(
        new Problem("about:blank", title, status.value(), detail, request.path()));
  }

  /**
   * {@code Retry-After} in seconds: the wait rounded up, at least 1 (a client told 0 would retry at
   * once, into the same refusal).
   *
   * @param wait the wait
   * @return whole seconds, {@code >= 1}
   */
  static long retryAfterSeconds(Duration wait) {
    long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  /** The reason of a body that could not be read: the decoder's first line, without the source. */
  private static String describe(ServerWebInputException e) {
    Throwable cause = e.getCause();
    if (cause instanceof DecodingException) {
      Throwable root = cause;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String message = root.getMessage() != null ? root.getMessage() : cause.getMessage();
      return "malformed JSON body: " + firstLine(message);
    }
    String reason = e.getReason();
    return reason != null ? reason : "malformed request";
  }

  private static String firstLine(@Nullable String s) {
    if (s == null || s.isBlank()) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
