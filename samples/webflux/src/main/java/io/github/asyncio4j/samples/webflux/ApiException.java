package io.github.asyncio4j.samples.webflux;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * A request the service answers with an error status and a reason, rendered by {@link Problems} as
 * an RFC 9457 problem: {@code {"title": "Bad Request", "status": 400, "detail": "..."}}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The status to answer with. */
  private final HttpStatus status;

  /** The {@code Retry-After} to send, or null. */
  private final @Nullable Duration retryAfter;

  private ApiException(HttpStatus status, String detail, @Nullable Duration retryAfter) {
    super(detail, null, false, false); // a response, not a bug: no stack trace
    this.status = status;
    this.retryAfter = retryAfter;
  }

  /**
   * A 400: the request is malformed.
   *
   * @param detail what is wrong, naming the parameter and the rule
   * @return the exception
   */
  public static ApiException badRequest(String detail) {
    return new ApiException(HttpStatus.BAD_REQUEST, detail, null);
  }

  /**
   * An answer with any status.
   *
   * @param status the status
   * @param detail the reason
   * @return the exception
   */
  public static ApiException of(HttpStatus status, String detail) {
    return new ApiException(status, detail, null);
  }

  /**
   * An answer with a {@code Retry-After} header (429, 503).
   *
   * @param status the status
   * @param detail the reason
   * @param retryAfter when to try again; sent in whole seconds, rounded up, at least 1
   * @return the exception
   */
  public static ApiException retryLater(HttpStatus status, String detail, Duration retryAfter) {
    return new ApiException(status, detail, retryAfter);
  }

  /**
   * The status to answer with.
   *
   * @return the status
   */
  public HttpStatus status() {
    return status;
  }

  /**
   * The {@code Retry-After} to send.
   *
   * @return the wait, or null for none
   */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }
}
