package io.github.asyncio4j.operators;

import static io.github.asyncio4j.operators.Asyncio.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.ExceptionGroup;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.VirtualTimeEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class OperatorsSmokeTest {
  static <T> T runV(Mono<T> m) {
    return Asyncio.run(m, false, VirtualTimeEventLoop::create);
  }

  @Test
  void taskGroupFailureCancelsSiblingsAndBody() {
    List<String> log = new ArrayList<>();
    assertThatThrownBy(
            () ->
                runV(
                    taskGroup(
                        tg -> {
                          tg.createTask(
                              sleep(Duration.ofSeconds(10))
                                  .doOnCancel(() -> log.add("x"))
                                  .onErrorResume(
                                      CancelledError.class,
                                      e -> {
                                        log.add("sib cancelled");
                                        return Mono.error(e);
                                      }));
                          tg.createTask(
                              sleep(Duration.ofSeconds(1))
                                  .then(Mono.error(new IllegalStateException("boom"))));
                          return sleep(Duration.ofSeconds(100))
                              .onErrorResume(
                                  CancelledError.class,
                                  e -> {
                                    log.add("body cancelled");
                                    return Mono.error(e);
                                  });
                        })))
        .isInstanceOf(ExceptionGroup.class)
        .satisfies(
            e -> {
              ExceptionGroup g = (ExceptionGroup) e;
              assertThat(g.exceptions()).hasSize(1);
              assertThat(g.exceptions().get(0)).hasMessage("boom");
            });
    assertThat(log).containsExactly("sib cancelled", "body cancelled");
  }

  @Test
  void taskGroupReturnsBodyResultAfterAllChildren() {
    String r =
        runV(
            taskGroup(
                tg -> {
                  Task<String> a = tg.createTask(sleep(Duration.ofSeconds(2), "a"));
                  Task<String> b = tg.createTask(sleep(Duration.ofSeconds(1), "b"));
                  return Mono.fromSupplier(() -> "x")
                      .flatMap(x -> a.zipWith(b, (p, q) -> p + q + x));
                }));
    assertThat(r).isEqualTo("abx");
  }

  @Test
  void waitForTimesOutAfterCleanUp() {
    List<String> log = new ArrayList<>();
    assertThatThrownBy(
            () ->
                runV(
                    waitFor(
                        sleep(Duration.ofSeconds(10))
                            .onErrorResume(
                                CancelledError.class,
                                e ->
                                    sleep(Duration.ofSeconds(1))
                                        .then(Mono.fromRunnable(() -> log.add("cleaned")))
                                        .then(Mono.error(e))),
                        Duration.ofSeconds(5))))
        .isInstanceOf(TimeoutError.class)
        .hasCauseInstanceOf(CancelledError.class);
    assertThat(log).containsExactly("cleaned");
  }

  @Test
  void waitForOnForeignPublisherTimesOut() {
    assertThatThrownBy(() -> runV(waitFor(Mono.never(), Duration.ofSeconds(5))))
        .isInstanceOf(TimeoutError.class);
  }

  @Test
  void timeoutLeavesTaskUncancelled() {
    Integer c =
        runV(
            timeout(Duration.ofSeconds(1), sleep(Duration.ofSeconds(5)))
                .onErrorResume(TimeoutError.class, e -> Mono.empty())
                .then(Mono.fromCallable(() -> currentTask().cancelling())));
    assertThat(c).isZero();
  }

  @Test
  void gatherInOrderAndShield() {
    List<Integer> r =
        runV(
            gather(
                sleep(Duration.ofSeconds(3), 1),
                sleep(Duration.ofSeconds(1), 2),
                shield(sleep(Duration.ofSeconds(2), 3))));
    assertThat(r).containsExactly(1, 2, 3);
  }

  @Test
  void gatherReturnExceptionsKeepsPlaces() {
    List<Outcome<Integer>> r =
        runV(
            gatherReturnExceptions(
                List.of(Mono.just(1), Mono.<Integer>error(new IllegalStateException("x")))));
    assertThat(r.get(0).get()).isEqualTo(1);
    assertThat(r.get(1).exception()).hasMessage("x");
  }

  @Test
  void asCompletedInCompletionOrder() {
    List<Integer> r =
        runV(
            asCompleted(
                    List.of(
                        sleep(Duration.ofSeconds(3), 3),
                        sleep(Duration.ofSeconds(1), 1),
                        sleep(Duration.ofSeconds(2), 2)))
                .concatMap(f -> f)
                .collectList());
    assertThat(r).containsExactly(1, 2, 3);
  }
}
