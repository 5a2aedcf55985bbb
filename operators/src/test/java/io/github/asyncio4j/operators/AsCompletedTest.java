package io.github.asyncio4j.operators;

import static io.github.asyncio4j.operators.Asyncio.asCompleted;
import static io.github.asyncio4j.operators.Asyncio.createTask;
import static io.github.asyncio4j.operators.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.VirtualTimeEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rule C4, {@code asyncio.as_completed}: the futures in completion order, each input once, the
 * original futures where futures were given (Python 3.13), and on timeout a {@link TimeoutError}
 * after what completed, with nothing cancelled.
 */
class AsCompletedTest {
  private final VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
  private final List<String> log = new ArrayList<>();
  private final List<Map<String, Object>> reports = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void collectReports() {
    loop.setExceptionHandler((l, context) -> reports.add(context));
  }

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  private <T> T run(Mono<T> main) {
    return Asyncio.run(main, false, () -> loop);
  }

  private void log(String event) {
    log.add(event + " at " + loop.time());
  }

  private Mono<String> sleeper(long millis, String x) {
    return sleep(Duration.ofMillis(millis), x).doOnNext(v -> log(v + " done"));
  }

  /** Awaits each future in turn, as {@code async for f in as_completed(...): await f}. */
  private static <T> Mono<List<T>> results(Flux<Future<T>> futures) {
    return futures.concatMap(f -> f).collectList();
  }

  // test_tasks.py::BaseTaskTests::test_as_completed
  @Test
  void futuresComeInCompletionOrder() {
    List<String> res =
        run(results(asCompleted(List.of(sleeper(10, "b"), sleeper(150, "c"), sleeper(10, "a")))));
    assertThat(loop.time()).isEqualTo(0.15);
    // a and b complete together; asyncio leaves their order undefined (rule L3).
    assertThat(res.subList(0, 2)).containsExactlyInAnyOrder("a", "b");
    assertThat(res.get(2)).isEqualTo("c");
  }

  @Test
  void eachResultIsDeliveredAsItsFutureCompletes() {
    run(
        asCompleted(List.of(sleeper(300, "3"), sleeper(100, "1"), sleeper(200, "2")))
            .concatMap(f -> f)
            .doOnNext(v -> log("got " + v))
            .then());
    assertThat(log)
        .containsExactly(
            "1 done at 0.1",
            "got 1 at 0.1",
            "2 done at 0.2",
            "got 2 at 0.2",
            "3 done at 0.3",
            "got 3 at 0.3");
  }

  // test_tasks.py::BaseTaskTests::test_as_completed_same_tasks_in_as_out (Python 3.13, gh-77714)
  @Test
  void theOriginalFuturesComeOut() {
    AtomicReference<Task<String>> b = new AtomicReference<>();
    AtomicReference<Task<String>> d = new AtomicReference<>();
    Mono<String> a = Mono.just("a");
    Mono<String> c = Mono.just("c");
    List<Future<String>> out =
        run(
            Mono.defer(
                () -> {
                  b.set(createTask(Mono.just("b")));
                  d.set(createTask(Mono.just("d")));
                  return asCompleted(List.of(a, b.get(), c, d.get())).collectList();
                }));
    Set<Object> outSet = Collections.newSetFromMap(new IdentityHashMap<>());
    outSet.addAll(out);
    assertThat(outSet).hasSize(4).contains(b.get(), d.get()).doesNotContain(a, c);
    assertThat(out).allSatisfy(f -> assertThat(f.done()).isTrue());
  }

  // test_tasks.py::BaseTaskTests::test_as_completed_duplicate_coroutines
  @Test
  void duplicatesCountOnce() {
    AtomicInteger hamRuns = new AtomicInteger();
    Mono<String> ham = Mono.fromCallable(() -> "ham" + hamRuns.incrementAndGet());
    List<String> res = run(results(asCompleted(List.of(ham, ham, Mono.just("spam")))));
    assertThat(res).containsExactlyInAnyOrder("ham1", "spam");
    assertThat(hamRuns).hasValue(1);
  }

  @Test
  void theSameFutureTwiceComesOutOnce() {
    List<Future<String>> out =
        run(
            Mono.defer(
                () -> {
                  Task<String> t = createTask(sleep(Duration.ofSeconds(1), "t"));
                  return asCompleted(List.of(t, t)).collectList();
                }));
    assertThat(out).hasSize(1);
  }

  @Test
  void aFailedFutureComesOutInItsTurnAndRaisesWhenAwaited() {
    Mono<String> fails =
        sleep(Duration.ofMillis(100)).then(Mono.error(new IllegalStateException("x")));
    List<String> res =
        run(
            asCompleted(List.of(sleeper(200, "ok"), fails))
                .concatMap(f -> f.onErrorResume(e -> Mono.just("raised " + e.getMessage())))
                .collectList());
    assertThat(res).containsExactly("raised x", "ok");
  }

  @Test
  void nothingGivenCompletesAtOnce() {
    assertThat(run(asCompleted(List.<Mono<String>>of(), Duration.ofSeconds(1)).collectList()))
        .isEmpty();
    assertThat(loop.time()).isZero();
  }

  // ---------------------------------------------------------------- timeout

  // test_tasks.py::BaseTaskTests::test_as_completed_with_timeout
  @Test
  void aTimeoutRaisesAfterTheCompletedOnesAndCancelsNothing() {
    AtomicReference<Task<String>> b = new AtomicReference<>();
    List<String> values =
        run(
            Mono.defer(
                () -> {
                  Task<String> a = createTask(sleep(Duration.ofMillis(100), "a"));
                  b.set(createTask(sleep(Duration.ofMillis(150), "b")));
                  return asCompleted(List.of(a, b.get()), Duration.ofMillis(120))
                      .concatMap(f -> f)
                      .map(v -> "1 " + v)
                      .onErrorResume(
                          TimeoutError.class,
                          e -> Mono.fromCallable(() -> "2 TimeoutError at " + loop.time()))
                      .collectList()
                      .flatMap(list -> b.get().thenReturn(list));
                }));
    assertThat(values).containsExactly("1 a", "2 TimeoutError at 0.12");
    assertThat(b.get().cancelled()).isFalse();
    assertThat(b.get().result()).isEqualTo("b");
    assertThat(loop.time()).isEqualTo(0.15);
  }

  // test_tasks.py::BaseTaskTests::test_as_completed_with_unused_timeout
  @Test
  void anUnusedTimeoutNeitherRaisesNorDelays() {
    List<String> res = run(results(asCompleted(List.of(sleeper(10, "a")), Duration.ofSeconds(1))));
    assertThat(res).containsExactly("a");
    assertThat(loop.time()).isEqualTo(0.01);
  }

  // CPython 3.13 (exp): once every future completed, the timeout is cancelled, however slowly the
  // consumer takes them.
  @Test
  void aTimeoutAfterEverythingCompletedDoesNotRaiseForASlowConsumer() {
    List<String> res =
        run(
            asCompleted(
                    List.of(sleeper(10, "a"), sleeper(20, "b"), sleeper(30, "c")),
                    Duration.ofMillis(50))
                .concatMap(f -> f.flatMap(v -> sleep(Duration.ofMillis(100), v)), 0)
                .collectList());
    assertThat(res).containsExactly("a", "b", "c");
    assertThat(loop.time()).isEqualTo(0.31);
  }

  // asyncio's _on_timeout stops watching the futures: one completing in the same iteration as the
  // timeout, or later, is not delivered and nothing is reported.
  @Test
  void aFutureCompletingAsTheTimeoutFiresIsNotDeliveredNorReported() {
    AtomicReference<Future<String>> d = new AtomicReference<>();
    List<String> values =
        run(
            Mono.defer(
                () -> {
                  d.set(loop.createFuture());
                  return asCompleted(List.of(sleeper(10, "c"), d.get()), Duration.ofMillis(50))
                      // scheduled after the timeout's timer, for the same instant
                      .doOnSubscribe(s -> loop.callLater(0.05, () -> d.get().setResult("d")))
                      .concatMap(f -> f)
                      .onErrorResume(TimeoutError.class, e -> Mono.just("TimeoutError"))
                      .collectList()
                      .flatMap(list -> sleep(Duration.ofSeconds(1), list));
                }));
    assertThat(values).containsExactly("c", "TimeoutError");
    assertThat(d.get().result()).isEqualTo("d");
    assertThat(reports).isEmpty();
  }

  @Test
  void aReactorCancelStopsWatchingAndCancelsNothing() {
    AtomicReference<Task<String>> b = new AtomicReference<>();
    String repr =
        run(
            Mono.defer(
                () -> {
                  Task<String> a = createTask(sleep(Duration.ofSeconds(1), "a"));
                  b.set(createTask(sleep(Duration.ofSeconds(2), "b")));
                  return asCompleted(List.of(a, b.get()), Duration.ofSeconds(5))
                      .next()
                      .then(Mono.fromCallable(() -> b.get().toString()))
                      .flatMap(r -> b.get().thenReturn(r));
                }));
    assertThat(repr).as("no callback left on b").doesNotContain("cb=");
    assertThat(b.get().result()).isEqualTo("b");
    assertThat(loop.time()).isEqualTo(2.0);
    assertThat(reports).isEmpty();
  }

  @Test
  void cancellingTheConsumingTaskRaisesCancelledErrorAndCancelsNothing() {
    AtomicReference<Task<String>> b = new AtomicReference<>();
    String r =
        run(
            Mono.defer(
                () -> {
                  Task<String> a = createTask(sleep(Duration.ofSeconds(1), "a"));
                  b.set(createTask(sleep(Duration.ofSeconds(3), "b")));
                  Task<List<String>> consumer =
                      createTask(
                          asCompleted(List.of(a, b.get()), Duration.ofSeconds(5))
                              .concatMap(f -> f)
                              .doOnNext(v -> log("got " + v))
                              .collectList());
                  return sleep(Duration.ofSeconds(2))
                      .then(Mono.fromRunnable(() -> consumer.cancel("stop")))
                      .then(consumer)
                      .map(List::toString)
                      .onErrorResume(
                          CancelledError.class,
                          e -> Mono.just("consumer raised CancelledError(" + e.getMessage() + ")"))
                      .flatMap(v -> b.get().thenReturn(v));
                }));
    assertThat(r).isEqualTo("consumer raised CancelledError(stop)");
    assertThat(log).containsExactly("got a at 1.0");
    assertThat(b.get().result()).isEqualTo("b");
    assertThat(loop.time()).isEqualTo(3.0);
    assertThat(reports).isEmpty();
  }

  // ---------------------------------------------------------------- starting and bad input

  @Test
  void coroutinesStartWhenTheFluxIsSubscribed() {
    Flux<Future<String>> flux = asCompleted(List.of(sleeper(0, "x")));
    run(
        Mono.fromRunnable(() -> log("subscribing"))
            .then(sleep(Duration.ofSeconds(1)))
            .thenMany(flux)
            .then());
    assertThat(log).containsExactly("subscribing at 0.0", "x done at 1.0");
  }

  @Test
  void nullsAreRejectedNamingTheArgument() {
    assertThatThrownBy(() -> asCompleted(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aws");
    assertThatThrownBy(() -> asCompleted(Arrays.asList(Mono.just(1), null), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aws must not contain null");
  }
}
