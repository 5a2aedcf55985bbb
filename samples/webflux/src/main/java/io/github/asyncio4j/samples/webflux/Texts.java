package io.github.asyncio4j.samples.webflux;

import java.time.Duration;

/** Small text helpers for error messages. */
final class Texts {
  private static final int MAX = 64;

  private Texts() {}

  /** {@code s} cut to 64 characters, so an error message never echoes a huge input back. */
  static String clip(String s) {
    return s.length() <= MAX ? s : s.substring(0, MAX) + "...";
  }

  /** A count without a useless fraction: {@code 5.0} reads {@code 5}, {@code 2.5} stays. */
  static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  /** A duration for people: {@code 1 s}, {@code 60 s}, {@code 250 ms}. */
  static String duration(Duration d) {
    return d.getNano() == 0 ? d.getSeconds() + " s" : d.toMillis() + " ms";
  }
}
