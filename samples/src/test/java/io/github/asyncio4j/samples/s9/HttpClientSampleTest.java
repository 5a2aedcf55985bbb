package io.github.asyncio4j.samples.s9;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HttpClientSampleTest {
  @Test
  @Timeout(60)
  void theCapHoldsASlowRouteIsCancelledOnTheServerAndOneFailureCancelsTheRestOfFetchAll() {
    assertThat(HttpClientSample.run().lines())
        .containsExactly(
            "a Reactor Netty server on 127.0.0.1, ephemeral port: /fast, /slow and /status routes",
            "/fast/get: 8 bytes",
            "/fast/ip: 7 bytes",
            "/fast/headers: 12 bytes",
            "fetchAll of 9 URLs with maxConcurrent=3, the server answering in waves of 3:",
            "  results in URL order: [fast 1, fast 2, fast 3, fast 4, fast 5, fast 6, fast 7,"
                + " fast 8, fast 9]",
            "  server: at most 3 requests in flight at once (the cap is 3)",
            "GET /slow/a -> TimeoutError: GET /slow/a took longer than 0.3 s",
            "  server: /slow/a cancelled, the client closed the connection",
            "fetchAll(/slow/b, /status/500?wait=3, /slow/c) ->",
            "  ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)",
            "    HttpStatusException: 500 Internal Server Error for GET /status/500?wait=3",
            "  server: /slow/b and /slow/c cancelled: the TaskGroup cancelled the rest",
            "get(\"htp:/not-a-url\") -> at the call: IllegalArgumentException: url must be an"
                + " absolute http or https URL but it was 'htp:/not-a-url'",
            "fetchAll(/fast/x, \"/fast/y\") -> at the call: IllegalArgumentException: urls[1] must"
                + " be an absolute http or https URL but it was '/fast/y'",
            "  requests the server got meanwhile: 0",
            "gather(return_exceptions=True) of three gets:",
            "  GET <closed port>/fast/z -> ConnectException: Cannot connect to"
                + " http://<closed port>/fast/z: Connection refused",
            "  GET /status/404 -> HttpStatusException: 404 Not Found for GET /status/404",
            "  GET /fast/beside -> \"fast beside\"",
            "  afterwards: 3 of 3 permits free, 0 waiting");
  }
}
