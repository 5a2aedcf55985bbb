/**
 * The JMH side of the benchmarks of {@code BENCHMARKS.md}: one class per workload, named after it
 * ({@link io.github.asyncio4j.benchmarks.Workload} lists them), with one {@code @Benchmark} method
 * per implementation: {@code asyncio4j}, and the baselines {@code floor}, {@code reactor}, {@code
 * juc}, {@code resilience4j} and {@code bucket4j} where the workload has them. After the 11
 * workloads of {@code BENCHMARKS.md} come the extra allocation checks of issues 3 and 4 ({@code
 * lock_uncontended}, {@code lock_try}, {@code semaphore_uncontended}, {@code semaphore_try}, {@code
 * rate_limit_try}; see {@link io.github.asyncio4j.benchmarks.Workload}), which have no CPython
 * side, and {@code queue_1p1c_await}, {@code queue_1p1c} with one awaited put and get per item
 * (asyncio4j's {@code queue_1p1c} goes through the queue's bridges), whose CPython side is {@code
 * queue_1p1c}'s own. {@code benchmarks/run} runs them with the CPython script and prints the report
 * ({@link io.github.asyncio4j.benchmarks.report.Report}).
 *
 * <p>Conventions shared by every class:
 *
 * <ul>
 *   <li>One JMH operation is one whole run of the workload ({@code Mode.AverageTime}, in ms); the
 *       report divides by the operations the workload counts. Sizes are divided by the {@code
 *       sizeDivisor} parameter (10 in quick mode).
 *   <li>asyncio4j gets a fresh loop per invocation ({@link
 *       io.github.asyncio4j.benchmarks.LoopState}), created and closed outside the timed region;
 *       the loop runs on the JMH thread.
 *   <li>Baselines with threads keep them for the whole trial: JMH's {@code gc} profiler on Java 17
 *       loses the allocations of threads that die during an iteration. The {@code juc} baselines of
 *       the contended primitives use {@value io.github.asyncio4j.benchmarks.WorkersState#WORKERS}
 *       threads, not one per task ({@link io.github.asyncio4j.benchmarks.WorkersState} says why).
 *   <li>Where Reactor has no such primitive, its baseline is what a Reactor user writes instead:
 *       {@code flatMap(f, 1)} for a lock, {@code flatMap(f, 10)} for a semaphore of 10, a hop
 *       through the single scheduler ({@code subscribeOn}) for a yield.
 *   <li>Each fork runs with a fixed 2 GiB heap and the Parallel collector. With G1's default region
 *       size on this heap, the million-entry ready queues of {@code call_soon} grow into humongous
 *       {@code Object[]} regions whose young-collection pauses took seconds on the 2-core machine,
 *       and drowned every implementation's cost in GC noise (the same runs were 5 to 10 times
 *       slower and varied tenfold).
 * </ul>
 */
package io.github.asyncio4j.benchmarks;
