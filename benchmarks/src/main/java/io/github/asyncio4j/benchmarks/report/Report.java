package io.github.asyncio4j.benchmarks.report;

import io.github.asyncio4j.benchmarks.Workload;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report of {@code benchmarks/run}: reads JMH's JSON results and the CPython script's {@code
 * BENCH} lines, prints one {@code BENCH} line per workload and implementation and a table of
 * ratios, and writes the same figures as CSV and a bar chart (PNG) of the ratios.
 *
 * <p>Commands:
 *
 * <pre>
 * Report includes [WORKLOAD ...]
 *     the JMH include regex for the named workloads (all when none is named) that have a
 *     JMH class; prints nothing when none has
 * Report report --out DIR [--jmh FILE] [--python FILE] [--label TEXT]
 *     the report; writes DIR/latest.csv, DIR/latest.png and DIR/latest.txt
 * </pre>
 *
 * <p>A JMH operation is one whole run of a workload, so operations per second are {@link
 * Workload#ops(int)} divided by the time of one operation, and bytes per operation are JMH's {@code
 * gc.alloc.rate.norm} divided by {@link Workload#ops(int)}. A ratio is asyncio4j's operations per
 * second divided by the other implementation's: above 1, asyncio4j is faster.
 */
public final class Report {
  /** Implementations in the order the report shows them; others follow in order of appearance. */
  static final List<String> IMPLEMENTATION_ORDER =
      List.of("asyncio4j", "floor", "reactor", "juc", "resilience4j", "bucket4j", "cpython");

  private static final String PACKAGE = "io.github.asyncio4j.benchmarks";
  private static final Pattern BENCH_LINE =
      Pattern.compile(
          "^BENCH\\s+(\\S+)\\s+(\\S+)\\s+ops_per_s=(\\S+)\\s+alloc_bytes_per_op=(\\S+)\\s*$");

  private Report() {}

  /**
   * Runs one command; see the class documentation.
   *
   * @param args the command and its arguments
   */
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    if (args.length == 0) {
      usage();
      return;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    switch (args[0]) {
      case "includes":
        System.out.println(includes(rest));
        break;
      case "report":
        report(rest);
        break;
      default:
        usage();
        System.exit(2);
    }
  }

  private static void usage() {
    System.err.println(
        "usage: Report includes [WORKLOAD ...]\n"
            + "       Report report --out DIR [--jmh FILE] [--python FILE] [--label TEXT]");
  }

  /** The JMH include regex for the named workloads that have a JMH class, or "". */
  static String includes(List<String> ids) {
    List<Workload> selected = new ArrayList<>();
    if (ids.isEmpty()) {
      selected.addAll(Arrays.asList(Workload.values()));
    } else {
      for (String id : ids) {
        selected.add(Workload.byId(id));
      }
    }
    StringJoiner classes = new StringJoiner("|");
    for (Workload w : selected) {
      try {
        Class.forName(PACKAGE + "." + w.benchmarkClass(), false, Report.class.getClassLoader());
        classes.add(w.benchmarkClass());
      } catch (ClassNotFoundException e) {
        System.err.println("note: no JMH benchmark for " + w.id() + " yet");
      }
    }
    return classes.length() == 0
        ? ""
        : "^" + PACKAGE.replace(".", "\\.") + "\\.(" + classes + ")\\.";
  }

  private static void report(List<String> args) throws IOException {
    Path out = null;
    Path jmh = null;
    Path python = null;
    String label = "";
    for (int i = 0; i < args.size(); i++) {
      String value = i + 1 < args.size() ? args.get(i + 1) : null;
      switch (args.get(i)) {
        case "--out":
          out = Path.of(required("--out", value));
          i++;
          break;
        case "--jmh":
          jmh = Path.of(required("--jmh", value));
          i++;
          break;
        case "--python":
          python = Path.of(required("--python", value));
          i++;
          break;
        case "--label":
          label = required("--label", value);
          i++;
          break;
        default:
          throw new IllegalArgumentException("unknown argument: " + args.get(i));
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("--out DIR is required");
    }
    List<Result> results = new ArrayList<>();
    if (jmh != null && Files.exists(jmh)) {
      results.addAll(readJmh(Files.readString(jmh, StandardCharsets.UTF_8)));
    }
    if (python != null && Files.exists(python)) {
      results.addAll(readBenchLines(Files.readAllLines(python, StandardCharsets.UTF_8)));
    }
    results = sorted(results);

    String when =
        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
            + " UTC";
    String machine = machine();
    StringBuilder text = new StringBuilder();
    for (Result r : results) {
      text.append(benchLine(r)).append('\n');
    }
    text.append('\n').append(ratioTable(results));
    text.append('\n')
        .append("date: ")
        .append(when)
        .append('\n')
        .append("machine: ")
        .append(machine)
        .append('\n');
    if (!label.isEmpty()) {
      text.append("run: ").append(label).append('\n');
    }
    PrintStream stdout = System.out;
    stdout.print(text);

    Files.createDirectories(out);
    Files.writeString(out.resolve("latest.txt"), text, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("latest.csv"), csv(results), StandardCharsets.UTF_8);
    String subtitle = when + " · " + machine + (label.isEmpty() ? "" : " · " + label);
    try {
      Chart.write(results, subtitle, out.resolve("latest.png"));
      stdout.println("wrote " + out.resolve("latest.csv") + " and " + out.resolve("latest.png"));
    } catch (Exception | LinkageError e) {
      // A machine without fonts cannot draw text headless; the figures are still written.
      System.err.println("could not draw " + out.resolve("latest.png") + ": " + e);
      stdout.println("wrote " + out.resolve("latest.csv"));
    }
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  /** Reads JMH's {@code -rf json} output; entries of unknown classes are skipped. */
  @SuppressWarnings("unchecked") // the shape of JMH's JSON, checked by the casts' use
  static List<Result> readJmh(String json) {
    List<Result> results = new ArrayList<>();
    for (Object item : (List<Object>) Json.parse(json)) {
      Map<String, Object> entry = (Map<String, Object>) item;
      String benchmark = (String) entry.get("benchmark");
      int lastDot = benchmark.lastIndexOf('.');
      String implementation = benchmark.substring(lastDot + 1);
      String className = benchmark.substring(0, lastDot);
      Workload workload =
          Workload.byBenchmarkClass(className.substring(className.lastIndexOf('.') + 1));
      if (workload == null) {
        System.err.println("note: skipping " + benchmark + " (not a workload of BENCHMARKS.md)");
        continue;
      }
      Map<String, Object> params = (Map<String, Object>) entry.get("params");
      int divisor =
          params == null || params.get("sizeDivisor") == null
              ? 1
              : Integer.parseInt((String) params.get("sizeDivisor"));
      int ops = workload.ops(divisor);
      Map<String, Object> primary = (Map<String, Object>) entry.get("primaryMetric");
      String mode = (String) entry.get("mode");
      if (!"avgt".equals(mode) && !"ss".equals(mode)) {
        throw new IllegalArgumentException(benchmark + ": mode avgt or ss expected, not " + mode);
      }
      double secondsPerRun =
          Json.number(primary.get("score")) * secondsPer((String) primary.get("scoreUnit"));
      double errorSeconds =
          Json.number(primary.get("scoreError")) * secondsPer((String) primary.get("scoreUnit"));
      double opsPerSecond = ops / secondsPerRun;
      // d(ops/t) = ops/t^2 dt: the half-width of the interval, to first order
      double opsPerSecondError = ops * errorSeconds / (secondsPerRun * secondsPerRun);
      double alloc = Double.NaN;
      Map<String, Object> secondary = (Map<String, Object>) entry.get("secondaryMetrics");
      if (secondary != null && secondary.get("gc.alloc.rate.norm") != null) {
        Map<String, Object> norm = (Map<String, Object>) secondary.get("gc.alloc.rate.norm");
        alloc = Json.number(norm.get("score")) / ops;
      }
      results.add(
          new Result(workload.id(), implementation, opsPerSecond, opsPerSecondError, alloc));
    }
    return results;
  }

  private static double secondsPer(String scoreUnit) {
    String unit = scoreUnit.endsWith("/op") ? scoreUnit.substring(0, scoreUnit.length() - 3) : "";
    switch (unit) {
      case "s":
        return 1;
      case "ms":
        return 1e-3;
      case "us":
        return 1e-6;
      case "ns":
        return 1e-9;
      default:
        throw new IllegalArgumentException("time per operation expected, not " + scoreUnit);
    }
  }

  /** Reads {@code BENCH} lines (the CPython script's output); other lines are ignored. */
  static List<Result> readBenchLines(List<String> lines) {
    List<Result> results = new ArrayList<>();
    for (String line : lines) {
      Matcher m = BENCH_LINE.matcher(line.trim());
      if (m.matches()) {
        double alloc = "na".equals(m.group(4)) ? Double.NaN : Double.parseDouble(m.group(4));
        results.add(
            new Result(m.group(1), m.group(2), Double.parseDouble(m.group(3)), Double.NaN, alloc));
      }
    }
    return results;
  }

  /** Workloads in {@link Workload} order, implementations in {@link #IMPLEMENTATION_ORDER}. */
  static List<Result> sorted(List<Result> results) {
    List<Result> sorted = new ArrayList<>();
    for (String workload : workloads(results)) {
      for (String implementation : implementations(results)) {
        for (Result r : results) {
          if (r.workload().equals(workload) && r.implementation().equals(implementation)) {
            sorted.add(r);
          }
        }
      }
    }
    return sorted;
  }

  static List<String> workloads(List<Result> results) {
    Set<String> ids = new LinkedHashSet<>();
    for (Workload w : Workload.values()) {
      for (Result r : results) {
        if (r.workload().equals(w.id())) {
          ids.add(w.id());
        }
      }
    }
    for (Result r : results) {
      ids.add(r.workload());
    }
    return new ArrayList<>(ids);
  }

  static List<String> implementations(List<Result> results) {
    Set<String> names = new LinkedHashSet<>();
    for (String name : IMPLEMENTATION_ORDER) {
      for (Result r : results) {
        if (r.implementation().equals(name)) {
          names.add(name);
        }
      }
    }
    for (Result r : results) {
      names.add(r.implementation());
    }
    return new ArrayList<>(names);
  }

  static Result find(List<Result> results, String workload, String implementation) {
    for (Result r : results) {
      if (r.workload().equals(workload) && r.implementation().equals(implementation)) {
        return r;
      }
    }
    return null;
  }

  /** asyncio4j's operations per second over {@code other}'s, or {@code NaN} if one is missing. */
  static double ratio(List<Result> results, Result other) {
    Result ours = find(results, other.workload(), "asyncio4j");
    return ours == null ? Double.NaN : ours.opsPerSecond() / other.opsPerSecond();
  }

  static String benchLine(Result r) {
    return String.format(
        Locale.ROOT,
        "BENCH %s %s ops_per_s=%.0f alloc_bytes_per_op=%s",
        r.workload(),
        r.implementation(),
        r.opsPerSecond(),
        Double.isNaN(r.allocBytesPerOp())
            ? "na"
            : String.format(Locale.ROOT, "%.1f", r.allocBytesPerOp()));
  }

  static String ratioTable(List<Result> results) {
    List<String> others = new ArrayList<>(implementations(results));
    others.remove("asyncio4j");
    StringBuilder sb = new StringBuilder();
    sb.append("asyncio4j ops/s divided by each implementation's (above 1: asyncio4j is faster)\n");
    sb.append(String.format(Locale.ROOT, "%-16s", "workload"));
    for (String other : others) {
      sb.append(String.format(Locale.ROOT, " %12s", other));
    }
    sb.append('\n');
    for (String workload : workloads(results)) {
      sb.append(String.format(Locale.ROOT, "%-16s", workload));
      for (String other : others) {
        Result r = find(results, workload, other);
        double ratio = r == null ? Double.NaN : ratio(results, r);
        sb.append(
            String.format(
                Locale.ROOT,
                " %12s",
                Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio)));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static String csv(List<Result> results) {
    StringBuilder sb =
        new StringBuilder(
            "workload,implementation,ops_per_s,ops_per_s_error,alloc_bytes_per_op,"
                + "asyncio4j_ratio\n");
    for (Result r : results) {
      double ratio = ratio(results, r);
      sb.append(r.workload())
          .append(',')
          .append(r.implementation())
          .append(',')
          .append(String.format(Locale.ROOT, "%.0f", r.opsPerSecond()))
          .append(',')
          .append(csvNumber(r.opsPerSecondError(), "%.0f"))
          .append(',')
          .append(csvNumber(r.allocBytesPerOp(), "%.1f"))
          .append(',')
          .append(csvNumber(ratio, "%.3f"))
          .append('\n');
    }
    return sb.toString();
  }

  private static String csvNumber(double value, String format) {
    return Double.isNaN(value) ? "na" : String.format(Locale.ROOT, format, value);
  }

  /** The machine in one line: CPU model, cores, OS and Java. */
  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the CPU model is only a nicety
    }
    return String.format(
        Locale.ROOT,
        "%s, %d cores, %s %s %s, Java %s",
        cpu,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("os.arch"),
        System.getProperty("java.runtime.version"));
  }
}
