/**
 * The report of {@code benchmarks/run}: parses JMH's JSON and the CPython script's lines, prints
 * the {@code BENCH} lines and the ratio table, and writes the CSV and the PNG chart.
 */
package io.github.asyncio4j.benchmarks.report;
