package io.github.asyncio4j.samples.webflux;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Semaphore;
import io.github.asyncio4j.operators.KeyedRateLimiter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The service's beans: one asyncio4j {@link EventLoop} on its own thread, shared by all requests;
 * the bulkhead, the per-client limiter, and the routes.
 *
 * <table>
 *   <caption>Routes under {@code /api}, each behind the rate limit</caption>
 *   <tr><th>route</th><th>handler</th></tr>
 *   <tr><td>{@code GET /api/fanout}</td><td>{@link FanoutHandler}</td></tr>
 *   <tr><td>{@code POST /api/orders}, {@code GET /api/orders/{id}}</td>
 *       <td>{@link OrdersHandler}</td></tr>
 *   <tr><td>{@code GET /api/events}, {@code POST /api/events}, {@code GET /api/events/stats}</td>
 *       <td>{@link EventStream}</td></tr>
 * </table>
 *
 * <p>Every failure of a route becomes a problem response ({@link Problems}); the rate limit runs
 * inside that, so a malformed {@code X-Client-Id} is a 400 too.
 */
@Configuration(proxyBeanMethods = false)
public class ServiceConfiguration {
  /** Spring instantiates it. */
  public ServiceConfiguration() {}

  /** The loop for every request's task; disposed (stopped, then closed) with the context. */
  @Bean(destroyMethod = "dispose")
  EventLoop asyncioLoop() {
    return EventLoop.newThreadEventLoop("asyncio4j");
  }

  @Bean
  OnLoop onLoop(EventLoop asyncioLoop) {
    return new OnLoop(asyncioLoop);
  }

  /** The bulkhead: downstream calls in flight, over all fan-outs. */
  @Bean
  Semaphore bulkhead(SampleProperties properties) {
    return new Semaphore(properties.fanout().bulkhead());
  }

  /** One bucket per client, on the loop's clock; used from Netty's threads (it is thread-safe). */
  @Bean
  KeyedRateLimiter<String> clientLimiter(SampleProperties properties, EventLoop asyncioLoop) {
    SampleProperties.RateLimit r = properties.rateLimit();
    return KeyedRateLimiter.of(r.rate(), r.period(), r.burst(), r.maxKeys(), asyncioLoop);
  }

  @Bean
  WebClient downstreamClient(WebClient.Builder builder) {
    return builder.build();
  }

  @Bean
  FanoutHandler fanoutHandler(
      SampleProperties properties, OnLoop onLoop, Semaphore bulkhead, WebClient downstreamClient) {
    return new FanoutHandler(properties.fanout(), onLoop, bulkhead, downstreamClient);
  }

  @Bean
  OrdersHandler ordersHandler(
      SampleProperties properties, OnLoop onLoop, WebClient downstreamClient) {
    return new OrdersHandler(properties.orders(), onLoop, downstreamClient);
  }

  @Bean
  EventStream eventStream(SampleProperties properties) {
    return new EventStream(properties.events());
  }

  @Bean
  RouterFunction<ServerResponse> apiRoutes(
      FanoutHandler fanout,
      OrdersHandler orders,
      EventStream events,
      KeyedRateLimiter<String> clientLimiter) {
    return RouterFunctions.route()
        .GET("/api/fanout", fanout::fanout)
        .POST("/api/orders", orders::create)
        .GET("/api/orders/{id}", orders::get)
        .GET("/api/events/stats", events::stats)
        .GET("/api/events", events::stream)
        .POST("/api/events", events::publish)
        .filter(new ClientRateLimit(clientLimiter))
        .filter(Problems.filter())
        .build();
  }

  @Bean
  @ConditionalOnProperty(
      name = "asyncio4j.sample.demo-downstreams",
      havingValue = "true",
      matchIfMissing = true)
  RouterFunction<ServerResponse> demoRoutes() {
    return new DemoDownstreams().routes();
  }
}
