package io.github.asyncio4j.samples.s9;

import java.net.URI;

/**
 * A response whose status is not a success (2xx): aiohttp's {@code ClientResponseError}, raised by
 * {@link AsyncHttpClient} as {@code resp.raise_for_status()} does. It carries the status, its
 * reason phrase and the URL, and reads {@code "500 Internal Server Error for GET
 * http://127.0.0.1:8080/status/500"}.
 */
public final class HttpStatusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String reason;
  private final URI url;

  /**
   * A failed response.
   *
   * @param status the status code, such as 404
   * @param reason the reason phrase, such as {@code "Not Found"}
   * @param url the URL requested
   */
  public HttpStatusException(int status, String reason, URI url) {
    super(status + " " + reason + " for GET " + url);
    this.status = status;
    this.reason = reason;
    this.url = url;
  }

  /**
   * The response's status code: aiohttp's {@code ClientResponseError.status}.
   *
   * @return the status, outside 200..299
   */
  public int status() {
    return status;
  }

  /**
   * The status's reason phrase: aiohttp's {@code ClientResponseError.message}.
   *
   * @return the reason phrase, such as {@code "Not Found"}
   */
  public String reason() {
    return reason;
  }

  /**
   * The URL requested: aiohttp's {@code ClientResponseError.request_info.url}.
   *
   * @return the URL
   */
  public URI url() {
    return url;
  }
}
