package io.github.asyncio4j.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.ExceptionGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ExceptionGroup}: Python's {@code ExceptionGroup} as {@link io.github.asyncio4j.TaskGroup}
 * raises it (rule G4), with {@code exceptions}, {@code message}, {@code str()}, {@code subgroup},
 * {@code split} and {@code derive}. The expected values were checked against CPython 3.13 (its
 * {@code Lib/test/test_exception_group.py} covers the same ground).
 */
class ExceptionGroupTest {
  // Python's ExceptionGroup("m", [ValueError(1), ExceptionGroup("n", [TypeError(2),
  // ValueError(3)]), KeyError(4)]), with Java stand-ins.
  private final IllegalArgumentException value1 = new IllegalArgumentException("1");
  private final IllegalStateException type2 = new IllegalStateException("2");
  private final IllegalArgumentException value3 = new IllegalArgumentException("3");
  private final ArithmeticException key4 = new ArithmeticException("4");
  private final ExceptionGroup n = new ExceptionGroup("n", List.of(type2, value3));
  private final ExceptionGroup m = new ExceptionGroup("m", List.of(value1, n, key4));

  /** The group's structure as a nested list of messages, for exact comparison. */
  static Object shape(Throwable e) {
    if (e instanceof ExceptionGroup g) {
      List<Object> l = new ArrayList<>();
      l.add(g.message());
      for (Throwable x : g.exceptions()) {
        l.add(shape(x));
      }
      return l;
    }
    return e.getMessage();
  }

  static List<Object> group(Object... items) {
    return Arrays.asList(items);
  }

  // ------------------------------------------------------------------ construction

  // test_exception_group.py::ExceptionGroupFields::test_basics_ExceptionGroup_fields
  // test_exception_group.py::ExceptionGroupFields::test_fields_are_readonly
  @Test
  void itKeepsItsExceptionsInOrder() {
    assertThat(m.exceptions()).containsExactly(value1, n, key4);
    assertThatThrownBy(() -> m.exceptions().add(new RuntimeException()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  // test_exception_group.py::ExceptionGroupFields::test_basics_ExceptionGroup_fields
  @Test
  void itCopiesTheListGiven() {
    List<Throwable> given = new ArrayList<>(List.of(value1));
    ExceptionGroup g = new ExceptionGroup("m", given);
    given.add(key4);
    assertThat(g.exceptions()).containsExactly(value1);
  }

  // str(ExceptionGroup("m", [ValueError()])) == 'm (1 sub-exception)'
  // test_exception_group.py::StrAndReprTests::test_ExceptionGroup
  @Test
  void itsMessageCountsTheSubExceptions() {
    assertThat(m.message()).isEqualTo("m");
    assertThat(m.getMessage()).isEqualTo("m (3 sub-exceptions)");
    assertThat(new ExceptionGroup("m", List.of(value1)).getMessage())
        .isEqualTo("m (1 sub-exception)");
    assertThat(new ExceptionGroup("unhandled errors in a TaskGroup", List.of(value1, key4)))
        .hasMessage("unhandled errors in a TaskGroup (2 sub-exceptions)");
  }

  // Stack traces show every member.
  // test_exception_group.py::NestedExceptionGroupBasicsTest::test_iteration_full_tracebacks
  @Test
  void itsExceptionsAreAlsoSuppressed() {
    assertThat(m.getSuppressed()).containsExactly(value1, n, key4);
  }

  // ExceptionGroup("m", []) raises ValueError: second argument (exceptions) must be a non-empty
  // sequence
  // test_exception_group.py::BadConstructorArgs::test_bad_EG_construction__bad_excs_sequence
  @Test
  void anEmptyListIsRejected() {
    assertThatThrownBy(() -> new ExceptionGroup("m", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exceptions must be a non-empty sequence");
  }

  // test_exception_group.py::BadConstructorArgs::test_bad_EG_construction__bad_message
  // test_exception_group.py::BadConstructorArgs::test_bad_EG_construction__nested_non_exceptions
  // test_exception_group.py::ExceptionGroupSubgroupTests::test_basics_subgroup_split__bad_arg_type
  @Test
  void nullsAreRejected() {
    assertThatThrownBy(() -> new ExceptionGroup(null, List.of(value1)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("message");
    assertThatThrownBy(() -> new ExceptionGroup("m", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("exceptions");
    assertThatThrownBy(() -> new ExceptionGroup("m", Arrays.asList(value1, null)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> m.split((Class<? extends Throwable>) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> m.subgroup((Class<? extends Throwable>) null))
        .isInstanceOf(NullPointerException.class);
  }

  // ------------------------------------------------------------------ split

  // eg.split(TypeError) ==
  //   (ExceptionGroup('m', [ExceptionGroup('n', [TypeError(2)])]),
  //    ExceptionGroup('m', [ValueError(1), ExceptionGroup('n', [ValueError(3)]), KeyError(4)]))
  // test_exception_group.py::NestedExceptionGroupSplitTest::test_split_by_type
  @Test
  void splitByClassKeepsTheNesting() {
    ExceptionGroup.Split s = m.split(IllegalStateException.class);
    assertThat(shape(s.match())).isEqualTo(group("m", group("n", "2")));
    assertThat(shape(s.rest())).isEqualTo(group("m", "1", group("n", "3"), "4"));
    // the leaves are the original exceptions
    ExceptionGroup nested = (ExceptionGroup) s.match().exceptions().get(0);
    assertThat(nested.exceptions()).containsExactly(type2);
    assertThat(s.rest().exceptions().get(0)).isSameAs(value1);
  }

  // test_exception_group.py::ExceptionGroupSplitTests::test_basics_split_by_predicate__match
  @Test
  void splitByPredicateKeepsTheNesting() {
    ExceptionGroup.Split s = m.split(e -> "3".equals(e.getMessage()) || "4".equals(e.getMessage()));
    assertThat(shape(s.match())).isEqualTo(group("m", group("n", "3"), "4"));
    assertThat(shape(s.rest())).isEqualTo(group("m", "1", group("n", "2")));
  }

  // test_exception_group.py::ExceptionGroupSplitTests::test_basics_split_by_type__passthrough
  @Test
  void splitBySuperclassMatchesSubclasses() {
    ExceptionGroup.Split s = m.split(RuntimeException.class);
    assertThat(s.match()).isSameAs(m);
    assertThat(s.rest()).isNull();
  }

  // eg.split(OSError) == (None, <the whole group>)
  // test_exception_group.py::ExceptionGroupSplitTests::test_basics_split_by_type__no_match
  @Test
  void whenNothingMatchesTheMatchIsNull() {
    ExceptionGroup.Split s = m.split(UnsupportedOperationException.class);
    assertThat(s.match()).isNull();
    assertThat(shape(s.rest())).isEqualTo(shape(m));
  }

  // A condition true for a group takes the group whole, members unseen.
  // test_exception_group.py::NestedExceptionGroupSplitTest::test_split_by_type
  @Test
  void aMatchingGroupIsTakenWhole() {
    List<Throwable> tested = new ArrayList<>();
    ExceptionGroup.Split s =
        m.split(
            e -> {
              tested.add(e);
              return e instanceof ExceptionGroup g && g.message().equals("n");
            });
    assertThat(s.match().exceptions()).containsExactly(n);
    assertThat(shape(s.rest())).isEqualTo(group("m", "1", "4"));
    assertThat(tested).containsExactly(m, value1, n, key4); // the group first, then its members
  }

  // test_exception_group.py::ExceptionGroupSplitTests::test_basics_split_by_predicate__passthrough
  @Test
  void aConditionTrueForTheGroupItselfMatchesIt() {
    ExceptionGroup.Split s = m.split(ExceptionGroup.class);
    assertThat(s.match()).isSameAs(m);
    assertThat(s.rest()).isNull();
  }

  // As Python copies __traceback__ to the parts of a split.
  // test_exception_group.py::NestedExceptionGroupSplitTest::test_split_by_type (tracebacks)
  @Test
  void thePartsCarryTheGroupsStackTrace() {
    ExceptionGroup.Split s = m.split(IllegalStateException.class);
    assertThat(s.match().getStackTrace()).isEqualTo(m.getStackTrace());
    assertThat(s.rest().getStackTrace()).isEqualTo(m.getStackTrace());
    assertThat(s.match().message()).isEqualTo("m");
  }

  // ------------------------------------------------------------------ subgroup

  // test_exception_group.py::ExceptionGroupSubgroupTests::test_basics_subgroup_by_type__match
  // test_exception_group.py::ExceptionGroupSubgroupTests::test_basics_subgroup_by_predicate__match
  @Test
  void subgroupIsTheMatchOfSplit() {
    assertThat(shape(m.subgroup(IllegalArgumentException.class)))
        .isEqualTo(group("m", "1", group("n", "3")));
    assertThat(shape(m.subgroup(e -> e instanceof ArithmeticException))).isEqualTo(group("m", "4"));
  }

  // eg.subgroup(lambda e: True) is eg; eg.subgroup(Exception) is eg
  // test_exception_group.py::ExceptionGroupSubgroupTests::test_basics_subgroup_by_type__passthrough
  @Test
  void aSubgroupOfEverythingIsTheGroupItself() {
    assertThat(m.subgroup(e -> true)).isSameAs(m);
    assertThat(m.subgroup(RuntimeException.class)).isSameAs(m);
  }

  // test_exception_group.py::ExceptionGroupSubgroupTests::test_basics_subgroup_by_type__no_match
  // test_exception_group.py::ExceptionGroupSubgroupTests::test_basics_subgroup_by_predicate__no_match
  @Test
  void aSubgroupOfNothingIsNull() {
    assertThat(m.subgroup(e -> false)).isNull();
    assertThat(m.subgroup(UnsupportedOperationException.class)).isNull();
  }

  // eg.subgroup(lambda e: isinstance(e, ExceptionGroup) and e.message == "n") == 'm (1
  // sub-exception)', holding the nested group whole
  @Test
  void aSubgroupMayHoldANestedGroupWhole() {
    ExceptionGroup sub = m.subgroup(e -> e instanceof ExceptionGroup g && g.message().equals("n"));
    assertThat(sub).hasMessage("m (1 sub-exception)");
    assertThat(sub.exceptions()).containsExactly(n);
  }

  // ------------------------------------------------------------------ derive

  // eg.derive([KeyError(9)]) == ExceptionGroup('m', [KeyError(9)])
  // test_exception_group.py::NestedExceptionGroupSubclassSplitTest (derive)
  @Test
  void deriveKeepsTheMessageWithOtherExceptions() {
    RuntimeException nine = new RuntimeException("9");
    ExceptionGroup d = m.derive(List.of(nine));
    assertThat(d).isNotSameAs(m);
    assertThat(d.message()).isEqualTo("m");
    assertThat(d.exceptions()).containsExactly(nine);
    assertThatThrownBy(() -> m.derive(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  /** A subclass keeps its type through split by overriding derive, as in Python. */
  static final class MyGroup extends ExceptionGroup {
    MyGroup(String message, List<? extends Throwable> exceptions) {
      super(message, exceptions);
    }

    @Override
    public ExceptionGroup derive(List<? extends Throwable> exceptions) {
      return new MyGroup(message(), exceptions);
    }
  }

  // test_exception_group.py::NestedExceptionGroupSubclassSplitTest::
  //     test_split_ExceptionGroup_subclass_derive_and_new_overrides
  @Test
  void splitBuildsItsPartsWithDerive() {
    MyGroup g = new MyGroup("mine", List.of(value1, new MyGroup("inner", List.of(type2, value3))));
    ExceptionGroup.Split s = g.split(IllegalArgumentException.class);
    assertThat(s.match()).isInstanceOf(MyGroup.class);
    assertThat(s.rest()).isInstanceOf(MyGroup.class);
    assertThat(s.rest().exceptions().get(0)).isInstanceOf(MyGroup.class);
    assertThat(shape(s.match())).isEqualTo(group("mine", "1", group("inner", "3")));
    assertThat(shape(s.rest())).isEqualTo(group("mine", group("inner", "2")));
  }
}
