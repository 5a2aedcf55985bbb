package io.github.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class SmokeTest {
  @Test
  void runOnceOrder() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    List<String> log = new ArrayList<>();
    loop.callSoon(
        () -> {
          loop.callSoon(() -> log.add("A"));
          loop.callLater(0, () -> log.add("T"));
          loop.callSoon(() -> log.add("B"));
          loop.callAt(loop.time() - 1, () -> log.add("P"));
          loop.callSoon(() -> log.add("C"));
          loop.callLater(3600, loop::stop);
        });
    loop.runForever();
    assertThat(log).containsExactly("A", "B", "C", "P", "T");
    assertThat(loop.time()).isEqualTo(3600.0);
  }

  @Test
  void taskCancelWithCleanup() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    List<String> log = new ArrayList<>();
    String r =
        loop.runUntilComplete(
            Mono.defer(
                () -> {
                  Task<String> t =
                      loop.createTask(
                          loop.sleep(Duration.ofHours(1), "late")
                              .onErrorResume(
                                  CancelledError.class,
                                  e ->
                                      loop.sleep(Duration.ofSeconds(1))
                                          .doOnSuccess(x -> log.add("cleaned " + e.getMessage()))
                                          .then(Mono.error(e))));
                  return loop.sleep(Duration.ofSeconds(5))
                      .then(Mono.fromRunnable(() -> t.cancel("bye")))
                      .then(t)
                      .onErrorResume(
                          CancelledError.class, e -> Mono.just("caught " + e.getMessage()));
                }));
    assertThat(r).isEqualTo("caught bye");
    assertThat(log).containsExactly("cleaned bye");
    assertThat(loop.time()).isEqualTo(6.0);
  }

  @Test
  void cancelBeforeStartNeverRuns() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    List<String> log = new ArrayList<>();
    Task<Object> t = loop.createTask(Mono.fromRunnable(() -> log.add("ran")));
    t.cancel("early");
    assertThatThrownBy(() -> loop.runUntilComplete(t))
        .isInstanceOf(CancelledError.class)
        .hasMessage("early");
    assertThat(log).isEmpty();
  }

  @Test
  void lockFifoAndQueueHandOff() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    List<String> log = new ArrayList<>();
    Lock lock = new Lock();
    Queue<Integer> q = new Queue<>(1);
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              Task<Void> a =
                  loop.createTask(
                      lock.withLock(
                          loop.sleep(Duration.ofSeconds(1))
                              .then(Mono.fromRunnable(() -> log.add("A")))));
              Task<Void> b = loop.createTask(lock.withLock(Mono.fromRunnable(() -> log.add("B"))));
              Task<Void> c = loop.createTask(lock.withLock(Mono.fromRunnable(() -> log.add("C"))));
              Task<Void> prod =
                  loop.createTask(
                      q.put(1).then(q.put(2)).then(q.put(3)).then(Mono.fromRunnable(q::shutdown)));
              Mono<Void> cons = q.asFlux().doOnNext(i -> log.add("got" + i)).then();
              return Mono.when(a, b, c, prod, cons);
            }));
    assertThat(log).containsExactly("got1", "got2", "got3", "A", "B", "C");
  }

  @Test
  void cancelledWaiterAfterHandOffPassesLockOn() {
    VirtualTimeEventLoop loop = VirtualTimeEventLoop.create();
    Lock lock = new Lock();
    List<String> log = new ArrayList<>();
    loop.runUntilComplete(
        Mono.defer(
            () -> {
              lock.tryAcquire();
              Task<Void> b = loop.createTask(lock.withLock(Mono.fromRunnable(() -> log.add("B"))));
              Task<Void> c = loop.createTask(lock.withLock(Mono.fromRunnable(() -> log.add("C"))));
              return loop.sleep(0)
                  .then(
                      Mono.fromRunnable(
                          () -> {
                            lock.release(); // handed to b
                            b.cancel(); // b cancelled before it resumes: c must get it
                          }))
                  .then(c);
            }));
    assertThat(log).containsExactly("C");
    assertThat(lock.locked()).isFalse();
  }
}
