package io.github.asyncio4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Several exceptions raised together: Python's {@code ExceptionGroup} (and {@code
 * BaseExceptionGroup}), as {@link TaskGroup} raises it with {@code "unhandled errors in a
 * TaskGroup"}. The exceptions keep their order (for a task group: completion order, then the
 * body's); a group may contain groups. Each is also attached as a suppressed exception, so stack
 * traces show them all.
 *
 * <p>{@link #subgroup(Predicate)} and {@link #split(Predicate)} select by a condition, through
 * nested groups, keeping the nesting, as Python's {@code except*} does. The condition is tested on
 * each group before its members; a group that matches is taken whole. The parts are made by {@link
 * #derive(List)} (a subclass overrides it to keep its type) and carry this group's stack trace.
 */
public class ExceptionGroup extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The message without the count: Python's {@code eg.message}. */
  private final String baseMessage;

  /** The grouped exceptions, in order, unmodifiable. */
  private final List<Throwable> exceptions;

  /**
   * A group of {@code exceptions}: Python's {@code ExceptionGroup(message, exceptions)}.
   *
   * @param message what the exceptions have in common
   * @param exceptions the exceptions, at least one, none null
   * @throws IllegalArgumentException if {@code exceptions} is empty
   */
  public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
    super(Objects.requireNonNull(message, "message"), null, true, true);
    Objects.requireNonNull(exceptions, "exceptions");
    if (exceptions.isEmpty()) {
      throw new IllegalArgumentException("exceptions must be a non-empty sequence");
    }
    this.baseMessage = message;
    this.exceptions = List.copyOf(exceptions);
    for (Throwable e : this.exceptions) {
      addSuppressed(e);
    }
  }

  /**
   * The exceptions, in order: Python's {@code eg.exceptions}.
   *
   * @return an unmodifiable list
   */
  public List<Throwable> exceptions() {
    return exceptions;
  }

  /**
   * The message given at construction: Python's {@code eg.message}.
   *
   * @return the message without the count
   */
  public String message() {
    return baseMessage;
  }

  /**
   * Python's {@code str(eg)}: the message and the count, {@code "unhandled errors in a TaskGroup (2
   * sub-exceptions)"}.
   *
   * @return the message with the count
   */
  @Override
  public String getMessage() {
    int n = exceptions.size();
    return baseMessage + " (" + n + " sub-exception" + (n == 1 ? "" : "s") + ")";
  }

  /**
   * The exceptions that match {@code condition}, with the group's nesting: Python's {@code
   * eg.subgroup(condition)}. A group that matches as a whole is returned whole.
   *
   * @param condition which exceptions to keep
   * @return the matching part, this group if all match, or null if none does
   */
  public @Nullable ExceptionGroup subgroup(Predicate<? super Throwable> condition) {
    return split(condition).match();
  }

  /**
   * The exceptions of {@code type}, with the group's nesting: Python's {@code eg.subgroup(type)}.
   *
   * @param type the exception type to keep
   * @return the matching part, or null if none matches
   */
  public @Nullable ExceptionGroup subgroup(Class<? extends Throwable> type) {
    Objects.requireNonNull(type, "type");
    return subgroup(type::isInstance);
  }

  /**
   * Splits the group by {@code condition}: Python's {@code eg.split(condition)}.
   *
   * @param condition which exceptions go to {@code match}
   * @return the matching part and the rest, each null when empty
   */
  public Split split(Predicate<? super Throwable> condition) {
    Objects.requireNonNull(condition, "condition");
    if (condition.test(this)) {
      return new Split(this, null);
    }
    List<Throwable> match = new ArrayList<>();
    List<Throwable> rest = new ArrayList<>();
    for (Throwable e : exceptions) {
      if (e instanceof ExceptionGroup nested) {
        Split s = nested.split(condition);
        if (s.match() != null) {
          match.add(s.match());
        }
        if (s.rest() != null) {
          rest.add(s.rest());
        }
      } else if (condition.test(e)) {
        match.add(e);
      } else {
        rest.add(e);
      }
    }
    return new Split(part(match), part(rest));
  }

  /**
   * Splits the group by exception type: Python's {@code eg.split(type)}.
   *
   * @param type the exception type that goes to {@code match}
   * @return the matching part and the rest, each null when empty
   */
  public Split split(Class<? extends Throwable> type) {
    Objects.requireNonNull(type, "type");
    return split(type::isInstance);
  }

  private @Nullable ExceptionGroup part(List<Throwable> selected) {
    if (selected.isEmpty()) {
      return null;
    }
    if (selected.equals(exceptions)) {
      return this;
    }
    ExceptionGroup part = derive(selected);
    // As Python's split copies __traceback__ to each part: it was raised where the whole was.
    part.setStackTrace(getStackTrace());
    return part;
  }

  /**
   * A group with this one's message and other exceptions: Python's {@code eg.derive(excs)}, used by
   * {@link #subgroup} and {@link #split}.
   *
   * @param exceptions the exceptions of the new group
   * @return a new group
   */
  public ExceptionGroup derive(List<? extends Throwable> exceptions) {
    return new ExceptionGroup(baseMessage, exceptions);
  }

  /**
   * The two parts of a {@link #split}.
   *
   * @param match the exceptions that matched, or null
   * @param rest the others, or null
   */
  public record Split(@Nullable ExceptionGroup match, @Nullable ExceptionGroup rest) {}
}
