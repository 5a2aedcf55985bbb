package io.github.asyncio4j.samples;

import java.util.ArrayList;
import java.util.List;

/**
 * What a sample shows, line by line: the sample's {@code print} calls, collected so that its {@code
 * run()} can return them and the tests can assert them. Thread-safe: the loop's thread and worker
 * threads both write to it, and lines keep the order in which they were said.
 */
public final class Transcript {
  private final List<String> lines = new ArrayList<>();

  /**
   * Adds one line: the sample's {@code print(line)}.
   *
   * @param line what to show
   */
  public synchronized void say(String line) {
    lines.add(line);
  }

  /**
   * The lines said so far.
   *
   * @return a snapshot, in order
   */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /**
   * The lines, one per line.
   *
   * @return the transcript as text
   */
  @Override
  public synchronized String toString() {
    return String.join("\n", lines);
  }
}
