package io.github.asyncio4j;

/**
 * Debug mode's description of a callback: a Java lambda has no readable name, so the handle shows
 * where it was scheduled instead, as asyncio's debug mode records a handle's source traceback.
 */
final class Scheduled implements Runnable {
  private final Runnable callback;
  private final String site;

  private Scheduled(Runnable callback, String site) {
    this.callback = callback;
    this.site = site;
  }

  static Runnable describe(Runnable callback) {
    if (callback instanceof Scheduled || !callback.getClass().isSynthetic()) {
      return callback; // already described, or a class with its own toString
    }
    for (StackTraceElement e : new Throwable().getStackTrace()) {
      String c = e.getClassName();
      if (!c.startsWith("io.github.asyncio4j.") || c.startsWith("io.github.asyncio4j.samples")) {
        return new Scheduled(callback, e.getFileName() + ":" + e.getLineNumber());
      }
    }
    return callback;
  }

  @Override
  public void run() {
    callback.run();
  }

  @Override
  public String toString() {
    return "callback scheduled at " + site;
  }
}
