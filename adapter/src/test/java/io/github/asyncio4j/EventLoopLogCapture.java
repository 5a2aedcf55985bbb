package io.github.asyncio4j;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.test.util.LoggerUtils;
import reactor.util.Logger;

/**
 * Captures what is logged through Reactor's {@code Loggers} (the loop logs on {@code asyncio4j}),
 * for the tests of the default exception handler and of debug mode. Open it around the code under
 * test; while open, the records are not printed.
 *
 * <p>The loop's logger is a {@code static final} field, created with the loop's class. Reactor's
 * capturing factory only diverts loggers created after it is installed, so {@link SessionListener}
 * installs it when the JUnit session opens, before any test class runs (as reactor-core's own tests
 * do).
 */
final class EventLoopLogCapture implements Logger, AutoCloseable {

  /** One log call. */
  record Record(String level, String message, @Nullable Throwable thrown) {}

  private final List<Record> records = new CopyOnWriteArrayList<>();
  private final Runnable onLog;

  EventLoopLogCapture() {
    this(() -> {});
  }

  /** A capture that also runs {@code onLog} at each call, as a logging backend's own work. */
  EventLoopLogCapture(Runnable onLog) {
    this.onLog = onLog;
    LoggerUtils.useCurrentLoggersWithCapture(); // idempotent; normally done by SessionListener
    LoggerUtils.enableCaptureWith(this, false);
  }

  /** The records logged at {@code level} ("ERROR", "WARN", ...), oldest first. */
  List<Record> records(String level) {
    return records.stream().filter(r -> r.level().equals(level)).toList();
  }

  /** The messages logged at {@code level}, oldest first. */
  List<String> messages(String level) {
    return records(level).stream().map(Record::message).toList();
  }

  @Override
  public void close() {
    LoggerUtils.disableCapture();
  }

  /** Installs Reactor's capturing logger factory before any test class is loaded. */
  public static final class SessionListener implements LauncherSessionListener {
    /** Used by {@code ServiceLoader}. */
    public SessionListener() {}

    @Override
    public void launcherSessionOpened(LauncherSession session) {
      LoggerUtils.useCurrentLoggersWithCapture();
    }
  }

  // ---------------------------------------------------------------- reactor.util.Logger

  private void add(String level, String format, @Nullable Object[] args, @Nullable Throwable t) {
    String message = format;
    if (args != null) {
      for (Object arg : args) { // Reactor's "{}" placeholders, in order
        int at = message.indexOf("{}");
        if (at < 0) {
          break;
        }
        message = message.substring(0, at) + arg + message.substring(at + 2);
      }
    }
    records.add(new Record(level, message, t));
    onLog.run();
  }

  @Override
  public String getName() {
    return "EventLoopLogCapture";
  }

  @Override
  public boolean isTraceEnabled() {
    return true;
  }

  @Override
  public void trace(String msg) {
    add("TRACE", msg, null, null);
  }

  @Override
  public void trace(String format, Object... arguments) {
    add("TRACE", format, arguments, null);
  }

  @Override
  public void trace(String msg, Throwable t) {
    add("TRACE", msg, null, t);
  }

  @Override
  public boolean isDebugEnabled() {
    return true;
  }

  @Override
  public void debug(String msg) {
    add("DEBUG", msg, null, null);
  }

  @Override
  public void debug(String format, Object... arguments) {
    add("DEBUG", format, arguments, null);
  }

  @Override
  public void debug(String msg, Throwable t) {
    add("DEBUG", msg, null, t);
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public void info(String msg) {
    add("INFO", msg, null, null);
  }

  @Override
  public void info(String format, Object... arguments) {
    add("INFO", format, arguments, null);
  }

  @Override
  public void info(String msg, Throwable t) {
    add("INFO", msg, null, t);
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public void warn(String msg) {
    add("WARN", msg, null, null);
  }

  @Override
  public void warn(String format, Object... arguments) {
    add("WARN", format, arguments, null);
  }

  @Override
  public void warn(String msg, Throwable t) {
    add("WARN", msg, null, t);
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }

  @Override
  public void error(String msg) {
    add("ERROR", msg, null, null);
  }

  @Override
  public void error(String format, Object... arguments) {
    add("ERROR", format, arguments, null);
  }

  @Override
  public void error(String msg, Throwable t) {
    add("ERROR", msg, null, t);
  }
}
