package io.github.asyncio4j.benchmarks.report;

/**
 * One implementation's figures for one workload.
 *
 * @param workload the workload's id, e.g. {@code call_soon}
 * @param implementation {@code asyncio4j}, {@code cpython} or a baseline's short name
 * @param opsPerSecond operations per second
 * @param opsPerSecondError JMH's 99.9% confidence half-width in operations per second, or {@code
 *     NaN} when there is none (CPython)
 * @param allocBytesPerOp bytes allocated per operation, or {@code NaN} when not measured
 */
record Result(
    String workload,
    String implementation,
    double opsPerSecond,
    double opsPerSecondError,
    double allocBytesPerOp) {}
