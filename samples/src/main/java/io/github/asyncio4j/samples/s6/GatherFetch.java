package io.github.asyncio4j.samples.s6;

import static io.github.asyncio4j.samples.Fetch.fetch;
import static io.github.asyncio4j.samples.Fetch.refused;

import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTimeEventLoop;
import io.github.asyncio4j.operators.Asyncio;
import io.github.asyncio4j.operators.Outcome;
import io.github.asyncio4j.samples.Transcript;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Guide section 6.1 (并发执行多个协程), way one: {@code gather}, with {@code return_exceptions=True}.
 *
 * <h2>The guide's Python</h2>
 *
 * <pre>{@code
 * # 方式一:gather(经典方式)
 * results = await asyncio.gather(
 *     fetch("https://api1.com"),
 *     fetch("https://api2.com"),
 *     fetch("https://api3.com"),
 *     return_exceptions=True  # 异常作为结果返回,而非抛出
 * )
 * }</pre>
 *
 * <h2>The port</h2>
 *
 * <pre>{@code
 * Mono<List<Outcome<String>>> results = Asyncio.gatherReturnExceptions(List.of(
 *     fetch("https://api1.com"),
 *     fetch("https://api2.com"),
 *     fetch("https://api3.com")));
 * }</pre>
 *
 * <p>{@link Asyncio#gatherReturnExceptions(List)} is {@code gather(..., return_exceptions=True)}:
 * Python puts the exception object itself in the result list, which a Java {@code List<String>}
 * cannot hold, so each slot is an {@link Outcome}, a {@link Outcome.Success} with the result or an
 * {@link Outcome.Failure} with the exception. {@link Asyncio#gather(Mono[])} is the default {@code
 * return_exceptions=False}, a {@code Mono<List<String>>}.
 *
 * <p>What the transcript shows, on a {@link VirtualTimeEventLoop} so that the times are exact:
 *
 * <ul>
 *   <li>All three fetches run at the same time: the gather ends after one {@link
 *       io.github.asyncio4j.samples.Fetch#DELAY}, with the results in argument order.
 *   <li>With {@code api2} refused ({@link io.github.asyncio4j.samples.Fetch#refused(String)}), the
 *       gather still waits for all three and hands back the {@code ConnectException} in {@code
 *       api2}'s place.
 *   <li>Without {@code return_exceptions}, the first exception fails the gather at once, 0.05 s in,
 *       but the other fetches are <em>not</em> cancelled: they keep running and finish 0.05 s later
 *       (ASYNCIO-SEMANTICS.md C1). To watch them the sample starts them as tasks and gives the
 *       tasks to {@code gather}, which accepts futures as they are.
 * </ul>
 */
public final class GatherFetch {
  private GatherFetch() {}

  /**
   * The guide's {@code gather(..., return_exceptions=True)} of three fetches, api2 maybe refused.
   */
  static Mono<List<Outcome<String>>> gatherThree(boolean refuse2) {
    return Asyncio.gatherReturnExceptions(
        List.of(
            fetch("https://api1.com"),
            refuse2 ? refused("https://api2.com") : fetch("https://api2.com"),
            fetch("https://api3.com")));
  }

  /** One outcome, as Python would print the list's entry. */
  static String describe(Outcome<String> outcome) {
    return outcome.isSuccess() ? "'" + outcome.get() + "'" : String.valueOf(outcome.exception());
  }

  /** Three gathers: all well; one refused; one refused without {@code return_exceptions}. */
  static Mono<Void> main(Transcript out) {
    return gatherThree(false)
        .doOnNext(
            results -> {
              out.sayAt("gather(..., return_exceptions=True), all three fine:");
              results.forEach(r -> out.say("  " + describe(r)));
            })
        .then(gatherThree(true))
        .doOnNext(
            results -> {
              out.sayAt("the same with api2 refused: the exception in its place");
              results.forEach(r -> out.say("  " + describe(r)));
            })
        .then(Mono.defer(() -> withoutReturnExceptions(out)));
  }

  /** {@code gather(t1, t2, t3)}: fails with the first exception and leaves the others running. */
  static Mono<Void> withoutReturnExceptions(Transcript out) {
    Task<String> t1 = Asyncio.createTask(fetch("https://api1.com"));
    Task<String> t2 = Asyncio.createTask(refused("https://api2.com"));
    Task<String> t3 = Asyncio.createTask(fetch("https://api3.com"));
    return Asyncio.gather(t1, t2, t3)
        .then()
        .onErrorResume(
            e -> {
              out.sayAt("gather(t1, t2, t3) without return_exceptions raised " + e);
              out.say("  t1.done()=" + t1.done() + ", t3.done()=" + t3.done() + ": still running");
              return Mono.empty();
            })
        .then(t1.zipWith(t3))
        .doOnNext(
            both ->
                out.sayAt(
                    "t1 and t3 were not cancelled and finished: "
                        + both.getT1()
                        + ", "
                        + both.getT2()))
        .then();
  }

  /**
   * Runs the three gathers on a virtual-time loop.
   *
   * @return what they printed
   */
  public static String run() {
    Transcript out = new Transcript();
    Asyncio.run(main(out), false, VirtualTimeEventLoop::create);
    return out.toString();
  }

  /**
   * Prints what {@link #run()} shows.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    System.out.println(run());
  }
}
