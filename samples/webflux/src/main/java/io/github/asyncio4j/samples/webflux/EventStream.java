package io.github.asyncio4j.samples.webflux;

import io.github.asyncio4j.Queue;
import io.github.asyncio4j.QueueFull;
import io.github.asyncio4j.QueueShutDown;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /api/events}: a server-sent-events stream drained from a bounded asyncio4j {@link Queue},
 * and the {@code POST} that puts into it. A work queue: each event goes to exactly one listener;
 * several listeners take turns, first come first served.
 *
 * <ul>
 *   <li>{@code GET /api/events} streams {@code text/event-stream}, one {@code message} event per
 *       item, with the item's id as the event id; {@code ?max=N} ends the stream after N events.
 *   <li>{@code POST /api/events} with {@code {"message": "..."}} queues an event: 202 with its id;
 *       503 with {@code Retry-After: 1} when the queue is full.
 *   <li>{@code GET /api/events/stats}: items queued, capacity, listeners waiting.
 * </ul>
 *
 * <p><b>Backpressure, end to end.</b> The stream is {@link Queue#asFlux()}: an item leaves the
 * queue only when the HTTP response asks for one, and Reactor Netty asks for a bounded batch and
 * for more only as the connection drains what was written. A slow listener therefore leaves items
 * in the queue rather than in an unbounded buffer; {@code ?max=N} asks for exactly N, so exactly N
 * leave. On the producer side the queue is bounded ({@code asyncio4j.sample.events.capacity}) and
 * {@code POST} never waits: {@link Queue#putNowait} refuses at once when the queue is full (a
 * choice: a {@code put} with a timeout would hold the request open, and a client can retry as well
 * as the server can wait). 503, not 429: the queue is shared, so a full queue is no one client's
 * fault.
 *
 * <p><b>Cancellation.</b> A listener that disconnects cancels its stream, and its pending {@code
 * get} leaves the queue; an item handed to it at that moment goes back to the head of the queue.
 *
 * <p><b>Threads.</b> No event loop is involved: the queue is used off any loop, from Netty's
 * threads. A waiting listener is resumed on the thread of the {@code POST} that served it.
 *
 * <p><b>Shutdown.</b> As a {@link SmartLifecycle} it stops before the web server's graceful
 * shutdown: it shuts the queue down, so open streams send what is still queued and then end, and
 * the server need not wait for them.
 */
public final class EventStream implements SmartLifecycle {
  private static final ParameterizedTypeReference<ServerSentEvent<StreamEvent>> SSE_TYPE =
      new ParameterizedTypeReference<>() {};

  /** The largest {@code ?max=}. */
  static final long MAX_EVENTS = 10_000;

  private final Queue<StreamEvent> queue;
  private final int maxMessageLength;
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean running;

  /**
   * A stream over a new queue.
   *
   * @param config the queue's capacity and the longest message
   */
  public EventStream(SampleProperties.Events config) {
    Objects.requireNonNull(config, "config");
    this.queue = new Queue<>(config.capacity());
    this.maxMessageLength = config.maxMessageLength();
  }

  /**
   * One event.
   *
   * @param id its number, increasing (a refused post uses one up)
   * @param message its text
   */
  public record StreamEvent(long id, String message) {}

  /**
   * The body of {@code POST /api/events}.
   *
   * @param message the text to send, required
   */
  public record NewEvent(@Nullable String message) {}

  /**
   * The answer to {@code POST /api/events}.
   *
   * @param id the event's id
   * @param queued items in the queue right after it was put (0 if a listener took it at once)
   */
  public record Accepted(long id, int queued) {}

  /**
   * The answer to {@code GET /api/events/stats}.
   *
   * @param queued items waiting for a listener
   * @param capacity the most items the queue holds
   * @param listeners listeners waiting for an item
   * @param shutdown whether the stream was shut down
   */
  public record Stats(int queued, int capacity, int listeners, boolean shutdown) {}

  /**
   * The queue, for monitoring and tests.
   *
   * @return the queue
   */
  public Queue<StreamEvent> queue() {
    return queue;
  }

  /**
   * Handles {@code GET /api/events}.
   *
   * @param request the request
   * @return the stream
   */
  public Mono<ServerResponse> stream(ServerRequest request) {
    long max = parseMax(request.queryParam("max"));
    Flux<StreamEvent> events = queue.asFlux();
    if (max > 0) {
      events = events.take(max); // take(n) caps the demand at n: exactly n items leave the queue
    }
    Flux<ServerSentEvent<StreamEvent>> sse =
        events.map(
            e -> ServerSentEvent.builder(e).id(Long.toString(e.id())).event("message").build());
    return ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(sse, SSE_TYPE);
  }

  /**
   * Handles {@code POST /api/events}.
   *
   * @param request the request, with a JSON body {@code {"message": "..."}}
   * @return 202, or a problem: 400 for a malformed body, 503 when the queue is full
   */
  public Mono<ServerResponse> publish(ServerRequest request) {
    return request
        .bodyToMono(NewEvent.class)
        .switchIfEmpty(
            Mono.error(
                () -> ApiException.badRequest("a JSON body {\"message\": \"...\"} is required")))
        .flatMap(
            body -> {
              StreamEvent event = new StreamEvent(ids.incrementAndGet(), validate(body.message()));
              try {
                queue.putNowait(event);
              } catch (QueueFull full) {
                return Mono.error(
                    ApiException.retryLater(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "the event queue is full ("
                            + queue.maxsize()
                            + " events wait for a listener); retry later",
                        Duration.ofSeconds(1)));
              } catch (QueueShutDown shutDown) {
                return Mono.error(
                    ApiException.of(
                        HttpStatus.SERVICE_UNAVAILABLE, "the event stream is shut down"));
              }
              return ServerResponse.accepted()
                  .contentType(MediaType.APPLICATION_JSON)
                  .bodyValue(new Accepted(event.id(), queue.qsize()));
            });
  }

  /**
   * Handles {@code GET /api/events/stats}.
   *
   * @param request the request
   * @return the queue's state
   */
  public Mono<ServerResponse> stats(ServerRequest request) {
    Queue.Statistics s = queue.statistics();
    return ServerResponse.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(new Stats(s.items(), s.maxsize(), s.getters(), s.shutdown()));
  }

  private String validate(@Nullable String message) {
    if (message == null) {
      throw ApiException.badRequest("message is required: {\"message\": \"...\"}");
    }
    if (message.isBlank()) {
      throw ApiException.badRequest("message must not be blank");
    }
    if (message.length() > maxMessageLength) {
      throw ApiException.badRequest(
          "message must be at most "
              + maxMessageLength
              + " characters but it was "
              + message.length());
    }
    return message;
  }

  private static long parseMax(Optional<String> value) {
    if (value.isEmpty()) {
      return 0;
    }
    String rule = "max must be a whole number from 1 to " + MAX_EVENTS;
    long max;
    try {
      max = Long.parseLong(value.get().strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(rule + " but it was '" + Texts.clip(value.get()) + "'");
    }
    if (max < 1 || max > MAX_EVENTS) {
      throw ApiException.badRequest(rule + " but it was " + max);
    }
    return max;
  }

  // ------------------------------------------------------------------ lifecycle

  /** Marks the stream running; the queue exists from construction. */
  @Override
  public void start() {
    running = true;
  }

  /** Shuts the queue down: listeners get what is queued, then their streams end. */
  @Override
  public void stop() {
    running = false;
    queue.shutdown();
  }

  /**
   * Whether the stream runs.
   *
   * @return true between start and stop
   */
  @Override
  public boolean isRunning() {
    return running;
  }
}
