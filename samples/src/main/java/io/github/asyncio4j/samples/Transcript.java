package io.github.asyncio4j.samples;

import io.github.asyncio4j.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
   * Adds one line prefixed with the running loop's time, {@code "t=0.10 " + line}: for samples on a
   * {@link io.github.asyncio4j.VirtualTimeEventLoop}, whose clock starts at 0 and makes every time
   * exact. Loop thread only.
   *
   * @param line what to show
   * @throws IllegalStateException {@code "no running event loop"} off the loop's thread
   */
  public void sayAt(String line) {
    say(String.format(Locale.ROOT, "t=%.2f %s", EventLoop.running().time(), line));
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
