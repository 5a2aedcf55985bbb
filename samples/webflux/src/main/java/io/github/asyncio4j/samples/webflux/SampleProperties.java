package io.github.asyncio4j.samples.webflux;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The service's settings, under {@code asyncio4j.sample} (defaults in {@code application.yml}).
 * Each value is checked when the service starts: a bad one stops it with a message naming the
 * property and the rule.
 *
 * @param fanout the fan-out endpoint
 * @param orders the orders endpoint and its ledger
 * @param events the event stream
 * @param rateLimit the per-client rate limit of every {@code /api} route
 */
@ConfigurationProperties("asyncio4j.sample")
public record SampleProperties(Fanout fanout, Orders orders, Events events, RateLimit rateLimit) {

  /** Service names as they appear in {@code ?services=}: letters, digits, '-' and '_'. */
  static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  /**
   * Checks that every group is present.
   *
   * @param fanout the fan-out endpoint
   * @param orders the orders endpoint and its ledger
   * @param events the event stream
   * @param rateLimit the per-client rate limit
   */
  public SampleProperties {
    Objects.requireNonNull(fanout, "asyncio4j.sample.fanout must be set");
    Objects.requireNonNull(orders, "asyncio4j.sample.orders must be set");
    Objects.requireNonNull(events, "asyncio4j.sample.events must be set");
    Objects.requireNonNull(rateLimit, "asyncio4j.sample.rate-limit must be set");
  }

  /**
   * {@code GET /api/fanout}.
   *
   * @param deadline the deadline of one fan-out when the request names none
   * @param maxDeadline the longest deadline a request may ask for with {@code ?deadlineMs=}
   * @param bulkhead how many downstream calls may be in flight at once, over all requests
   * @param services the downstream services by name, in the order results are listed
   */
  public record Fanout(
      Duration deadline, Duration maxDeadline, int bulkhead, Map<String, URI> services) {
    /**
     * Checks the values.
     *
     * @param deadline the default deadline, {@code > 0}
     * @param maxDeadline the longest deadline, {@code >= deadline}
     * @param bulkhead the bulkhead's permits, {@code >= 1}
     * @param services at least one service, named by {@code [A-Za-z0-9_-]{1,32}}
     */
    public Fanout {
      positive(deadline, "asyncio4j.sample.fanout.deadline");
      positive(maxDeadline, "asyncio4j.sample.fanout.max-deadline");
      if (maxDeadline.compareTo(deadline) < 0) {
        throw new IllegalArgumentException(
            "asyncio4j.sample.fanout.max-deadline >= deadline ("
                + deadline
                + ") required but it was "
                + maxDeadline);
      }
      if (bulkhead < 1) {
        throw new IllegalArgumentException(
            "asyncio4j.sample.fanout.bulkhead >= 1 required but it was " + bulkhead);
      }
      if (services == null || services.isEmpty()) {
        throw new IllegalArgumentException(
            "asyncio4j.sample.fanout.services must name at least one service");
      }
      for (String name : services.keySet()) {
        if (!SERVICE_NAME.matcher(name).matches()) {
          throw new IllegalArgumentException(
              "asyncio4j.sample.fanout.services: a name matching "
                  + SERVICE_NAME
                  + " required but it was '"
                  + name
                  + "'");
        }
      }
      services = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
    }
  }

  /**
   * {@code POST /api/orders}.
   *
   * @param ledger the ledger service's URL, to which each order is posted
   * @param ledgerTimeout how long a ledger write may take, whether or not the client still waits
   * @param maxOrders how many finished orders are remembered for {@code GET /api/orders/{id}} and
   *     for replays of an {@code Idempotency-Key}
   */
  public record Orders(URI ledger, Duration ledgerTimeout, int maxOrders) {
    /**
     * Checks the values.
     *
     * @param ledger the ledger's URL
     * @param ledgerTimeout {@code > 0}
     * @param maxOrders {@code >= 1}
     */
    public Orders {
      Objects.requireNonNull(ledger, "asyncio4j.sample.orders.ledger must be set");
      positive(ledgerTimeout, "asyncio4j.sample.orders.ledger-timeout");
      if (maxOrders < 1) {
        throw new IllegalArgumentException(
            "asyncio4j.sample.orders.max-orders >= 1 required but it was " + maxOrders);
      }
    }
  }

  /**
   * {@code /api/events}.
   *
   * @param capacity how many events the queue holds before {@code POST} answers 503
   * @param maxMessageLength the longest message accepted
   */
  public record Events(int capacity, int maxMessageLength) {
    /**
     * Checks the values.
     *
     * @param capacity {@code >= 1}
     * @param maxMessageLength {@code >= 1}
     */
    public Events {
      if (capacity < 1) {
        throw new IllegalArgumentException(
            "asyncio4j.sample.events.capacity >= 1 required but it was " + capacity);
      }
      if (maxMessageLength < 1) {
        throw new IllegalArgumentException(
            "asyncio4j.sample.events.max-message-length >= 1 required but it was "
                + maxMessageLength);
      }
    }
  }

  /**
   * The per-client limit of every {@code /api} route: a token bucket per client.
   *
   * @param rate requests each client earns per {@code period}
   * @param period the period of {@code rate}
   * @param burst the most requests a client may make at once
   * @param maxKeys the most clients tracked at once
   */
  public record RateLimit(double rate, Duration period, int burst, int maxKeys) {
    /**
     * Checks the values (the limiter checks them again, with its own words).
     *
     * @param rate {@code > 0}
     * @param period {@code > 0}
     * @param burst {@code >= 1}
     * @param maxKeys {@code >= 1}
     */
    public RateLimit {
      if (!(rate > 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException(
            "asyncio4j.sample.rate-limit.rate > 0 and finite required but it was " + rate);
      }
      positive(period, "asyncio4j.sample.rate-limit.period");
      if (burst < 1) {
        throw new IllegalArgumentException(
            "asyncio4j.sample.rate-limit.burst >= 1 required but it was " + burst);
      }
      if (maxKeys < 1) {
        throw new IllegalArgumentException(
            "asyncio4j.sample.rate-limit.max-keys >= 1 required but it was " + maxKeys);
      }
    }
  }

  private static void positive(Duration d, String property) {
    Objects.requireNonNull(d, property + " must be set");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(property + " > 0 required but it was " + d);
    }
  }
}
