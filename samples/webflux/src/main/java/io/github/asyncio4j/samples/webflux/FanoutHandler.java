package io.github.asyncio4j.samples.webflux;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Semaphore;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.operators.Outcome;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/fanout}: calls several downstream services at once and answers with all their
 * results, under one deadline, behind a bulkhead.
 *
 * <pre>{@code
 * # the asyncio original
 * async def fanout(services, deadline, partial):
 *     async def call(name, url):
 *         async with bulkhead:                       # Semaphore(n), shared by all requests
 *             return await http.get(url)
 *     if partial:
 *         async def within(name, url):
 *             async with asyncio.timeout_at(loop.time() + deadline):
 *                 return await call(name, url)
 *         return await asyncio.gather(*(within(n, u) for n, u in services), return_exceptions=True)
 *     tasks = [asyncio.create_task(call(n, u)) for n, u in services]
 *     try:
 *         async with asyncio.timeout(deadline):
 *             return await asyncio.gather(*tasks)
 *     except BaseException:
 *         for t in tasks: t.cancel()                # the first failure stops the others
 *         raise
 * }</pre>
 *
 * <p><b>Query parameters</b>, each optional: {@code services} (comma-separated names from {@code
 * asyncio4j.sample.fanout.services}; default all), {@code deadlineMs} (1 to the configured maximum;
 * default {@code asyncio4j.sample.fanout.deadline}), {@code partial} ({@code true} or {@code
 * false}). Anything else malformed is a 400 naming the parameter.
 *
 * <p><b>Answers.</b> Without {@code partial}: 200 with every result; 504 when the deadline passes
 * first, naming the services still out; 502 when a service fails, naming it. The calls still
 * running are then cancelled: {@code gather} alone would leave them running, as asyncio's does.
 * With {@code partial=true}: always 200, each service reported as {@code ok}, {@code failed} or
 * {@code timeout}, and {@code "complete": false} when any was not {@code ok}.
 *
 * <p><b>Bulkhead.</b> One {@link Semaphore} bounds the downstream calls in flight over all
 * requests; a call waits for a permit in FIFO order, and the wait counts against its deadline.
 *
 * <p><b>Cancellation.</b> Each call is an HTTP request through Spring's {@link WebClient}, wrapped
 * with {@link EventLoop#wrap}, so that a cancelled task cancels it: the connection is closed and
 * the downstream service sees the request abandoned. That happens when the deadline passes, when a
 * sibling fails, and when the client disconnects (WebFlux cancels the request's task, {@link
 * OnLoop}).
 */
public final class FanoutHandler {
  private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
      new ParameterizedTypeReference<>() {};

  private final SampleProperties.Fanout config;
  private final OnLoop onLoop;
  private final Semaphore bulkhead;
  private final WebClient http;

  /**
   * A handler.
   *
   * @param config the services and limits
   * @param onLoop where the fan-out runs
   * @param bulkhead the permits for downstream calls in flight
   * @param http the HTTP client for downstream calls
   */
  public FanoutHandler(
      SampleProperties.Fanout config, OnLoop onLoop, Semaphore bulkhead, WebClient http) {
    this.config = Objects.requireNonNull(config, "config");
    this.onLoop = Objects.requireNonNull(onLoop, "onLoop");
    this.bulkhead = Objects.requireNonNull(bulkhead, "bulkhead");
    this.http = Objects.requireNonNull(http, "http");
  }

  /**
   * The result of one service.
   *
   * @param service its name
   * @param status {@code ok}, {@code failed}, {@code timeout} or {@code cancelled}
   * @param elapsedMs for {@code ok}: from the call's start, bulkhead wait included
   * @param body for {@code ok}: the service's JSON answer
   * @param error otherwise: what went wrong
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServiceResult(
      String service,
      String status,
      @Nullable Long elapsedMs,
      @Nullable Map<String, Object> body,
      @Nullable String error) {}

  /**
   * The answer of {@code GET /api/fanout}.
   *
   * @param deadlineMs the deadline applied
   * @param partial whether partial results were asked for
   * @param complete whether every service answered {@code ok}
   * @param results one per service, in the order asked
   */
  public record FanoutResponse(
      long deadlineMs, boolean partial, boolean complete, List<ServiceResult> results) {}

  /** A parsed request. */
  record FanoutRequest(Map<String, URI> services, Duration deadline, boolean partial) {}

  /**
   * Handles {@code GET /api/fanout}.
   *
   * @param request the request
   * @return the response
   */
  public Mono<ServerResponse> fanout(ServerRequest request) {
    FanoutRequest parsed = parse(request);
    Mono<FanoutResponse> work = parsed.partial() ? gatherPartial(parsed) : gatherAll(parsed);
    return onLoop
        .run(work)
        .flatMap(
            body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body));
  }

  /** All or nothing: one timeout around a gather of tasks; the first failure cancels the rest. */
  private Mono<FanoutResponse> gatherAll(FanoutRequest r) {
    return Mono.defer(
        () -> {
          EventLoop loop = onLoop.loop();
          List<Task<ServiceResult>> tasks = new ArrayList<>();
          for (Map.Entry<String, URI> s : r.services().entrySet()) {
            tasks.add(loop.createTask(call(s.getKey(), s.getValue()), "fanout " + s.getKey()));
          }
          long ms = r.deadline().toMillis();
          return Asyncio.timeout(r.deadline(), Asyncio.gather(tasks))
              .map(results -> new FanoutResponse(ms, false, true, results))
              // gather leaves the other children running after a failure, as asyncio's does:
              // cancel them, so that a failed fan-out holds no downstream connection.
              .doOnError(e -> tasks.forEach(t -> t.cancel()))
              .onErrorMap(
                  TimeoutError.class,
                  e ->
                      ApiException.of(
                          HttpStatus.GATEWAY_TIMEOUT,
                          "no answer from "
                              + cancelledNames(r, tasks)
                              + " within the deadline of "
                              + ms
                              + " ms"))
              .onErrorMap(
                  DownstreamFailure.class,
                  e -> ApiException.of(HttpStatus.BAD_GATEWAY, e.getMessage()));
        });
  }

  /** Partial results: every call under the same absolute deadline, outcomes reported per item. */
  private Mono<FanoutResponse> gatherPartial(FanoutRequest r) {
    return Mono.defer(
        () -> {
          EventLoop loop = onLoop.loop();
          double deadline = loop.time() + r.deadline().toNanos() / 1e9;
          List<String> names = new ArrayList<>(r.services().keySet());
          List<Mono<ServiceResult>> calls = new ArrayList<>();
          for (Map.Entry<String, URI> s : r.services().entrySet()) {
            calls.add(Asyncio.timeoutAt(deadline).wrap(call(s.getKey(), s.getValue())));
          }
          long ms = r.deadline().toMillis();
          return Asyncio.gatherReturnExceptions(calls)
              .map(
                  outcomes -> {
                    List<ServiceResult> results = new ArrayList<>(outcomes.size());
                    boolean complete = true;
                    for (int i = 0; i < outcomes.size(); i++) {
                      Outcome<ServiceResult> o = outcomes.get(i);
                      if (o instanceof Outcome.Success<ServiceResult> ok && ok.value() != null) {
                        results.add(ok.value());
                      } else {
                        complete = false;
                        results.add(failed(names.get(i), o.exception(), ms));
                      }
                    }
                    return new FanoutResponse(ms, true, complete, results);
                  });
        });
  }

  /**
   * One downstream call: a permit of the bulkhead, then the HTTP request, wrapped so that a
   * cancelled task cancels it. Runs inside a task.
   */
  private Mono<ServiceResult> call(String name, URI uri) {
    return Mono.defer(
        () -> {
          EventLoop loop = onLoop.loop();
          double start = loop.time();
          Mono<Map<String, Object>> request =
              http.get()
                  .uri(uri)
                  .accept(MediaType.APPLICATION_JSON)
                  .retrieve()
                  .bodyToMono(JSON_OBJECT)
                  .defaultIfEmpty(Map.of());
          return bulkhead
              .withPermit(loop.wrap(request))
              .map(body -> new ServiceResult(name, "ok", millis(loop.time() - start), body, null))
              // Never turn a cancellation into a failure: the task must still end cancelled.
              .onErrorMap(e -> !(e instanceof CancelledError), e -> new DownstreamFailure(name, e));
        });
  }

  private static ServiceResult failed(String name, @Nullable Throwable e, long deadlineMs) {
    if (e instanceof TimeoutError) {
      return new ServiceResult(
          name, "timeout", null, null, "no answer within the deadline of " + deadlineMs + " ms");
    }
    if (e instanceof DownstreamFailure f) {
      return new ServiceResult(name, "failed", null, null, f.reason());
    }
    if (e instanceof CancelledError) {
      return new ServiceResult(name, "cancelled", null, null, "cancelled");
    }
    return new ServiceResult(name, "failed", null, null, e == null ? "no result" : e.toString());
  }

  private static List<String> cancelledNames(FanoutRequest r, List<Task<ServiceResult>> tasks) {
    List<String> names = new ArrayList<>();
    int i = 0;
    for (String name : r.services().keySet()) {
      Task<ServiceResult> t = tasks.get(i++);
      if (!t.done() || t.cancelled()) {
        names.add(name);
      }
    }
    return names;
  }

  private static long millis(double seconds) {
    return Math.round(seconds * 1000);
  }

  // ------------------------------------------------------------------ input

  private FanoutRequest parse(ServerRequest request) {
    boolean partial = parsePartial(request.queryParam("partial"));
    Duration deadline = parseDeadline(request.queryParam("deadlineMs"));
    Map<String, URI> services = parseServices(request.queryParams().get("services"));
    return new FanoutRequest(services, deadline, partial);
  }

  private static boolean parsePartial(Optional<String> value) {
    if (value.isEmpty()) {
      return false;
    }
    return switch (value.get().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw ApiException.badRequest(
              "partial must be true or false but it was '" + Texts.clip(value.get()) + "'");
    };
  }

  private Duration parseDeadline(Optional<String> value) {
    if (value.isEmpty()) {
      return config.deadline();
    }
    long max = config.maxDeadline().toMillis();
    String rule = "deadlineMs must be a whole number of milliseconds from 1 to " + max;
    long ms;
    try {
      ms = Long.parseLong(value.get().strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(rule + " but it was '" + Texts.clip(value.get()) + "'");
    }
    if (ms < 1 || ms > max) {
      throw ApiException.badRequest(rule + " but it was " + ms);
    }
    return Duration.ofMillis(ms);
  }

  private Map<String, URI> parseServices(@Nullable List<String> values) {
    if (values == null || values.isEmpty()) {
      return config.services();
    }
    Map<String, URI> chosen = new LinkedHashMap<>();
    for (String value : values) {
      for (String raw : value.split(",", -1)) {
        String name = raw.strip();
        if (name.isEmpty()) {
          throw ApiException.badRequest(
              "services must be a comma-separated list of names but it was '"
                  + Texts.clip(value)
                  + "'");
        }
        URI uri = config.services().get(name);
        if (uri == null) {
          throw ApiException.badRequest(
              "unknown service '"
                  + Texts.clip(name)
                  + "' in services: known are "
                  + String.join(", ", config.services().keySet()));
        }
        if (chosen.put(name, uri) != null) {
          throw ApiException.badRequest("service '" + name + "' is named twice in services");
        }
      }
    }
    return chosen;
  }
}
