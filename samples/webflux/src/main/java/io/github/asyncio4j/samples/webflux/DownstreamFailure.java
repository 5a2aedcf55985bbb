package io.github.asyncio4j.samples.webflux;

/**
 * A downstream call that failed: an error status, a refused connection, a body that is not JSON.
 * Never a cancellation: {@link io.github.asyncio4j.CancelledError} passes through unchanged, so
 * that the task awaiting the call can still end cancelled.
 */
final class DownstreamFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String service;
  private final String reason;

  DownstreamFailure(String service, Throwable cause) {
    super("downstream '" + service + "' failed: " + reasonOf(cause), cause);
    this.service = service;
    this.reason = reasonOf(cause);
  }

  /** The service's name. */
  String service() {
    return service;
  }

  /**
   * What went wrong, without the service's name: {@code "503 Service Unavailable from GET ..."}.
   */
  String reason() {
    return reason;
  }

  private static String reasonOf(Throwable cause) {
    String m = cause.getMessage();
    if (m == null || m.isBlank()) {
      return cause.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }
}
