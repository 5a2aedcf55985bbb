package io.github.asyncio4j.samples.porting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/porting.md shows only Java that compiles: each {@code ```java} block is preceded by a link
 * to the class it comes from, and must still be that class's code (compared without whitespace, so
 * that reformatting does not matter); each expression of its quick-reference table is in {@link
 * QuickReference}; and its relative links lead to files that exist.
 */
class PortingGuideTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
  private static final Pattern JAVA_LINK = Pattern.compile("\\]\\(([^)\\s]+\\.java)\\)");

  private static Path docs;
  private static List<String> lines;

  @BeforeAll
  static void readTheGuide() throws IOException {
    // Surefire runs in the module's folder, samples/; an IDE may run in the repository's root.
    Path guide = Path.of("..", "docs", "porting.md");
    if (!Files.exists(guide)) {
      guide = Path.of("docs", "porting.md");
    }
    assertThat(guide).exists();
    docs = guide.toAbsolutePath().getParent();
    lines = Files.readAllLines(guide);
  }

  private static String squeeze(String s) {
    return s.replaceAll("\\s+", "");
  }

  @Test
  void everyJavaBlockIsTheCodeOfTheClassLinkedAboveIt() throws IOException {
    int blocks = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```java")) {
        continue;
      }
      int at = i + 1;
      int before = i - 1;
      while (before >= 0 && lines.get(before).isBlank()) {
        before--;
      }
      Matcher link = JAVA_LINK.matcher(before >= 0 ? lines.get(before) : "");
      assertThat(link.find())
          .as("line %d: a ```java block must follow a link to the .java file it comes from", at)
          .isTrue();
      Path source = docs.resolve(link.group(1)).normalize();
      assertThat(source).as("line %d", at).exists();
      StringBuilder block = new StringBuilder();
      int j = i + 1;
      while (!lines.get(j).strip().equals("```")) {
        block.append(lines.get(j)).append('\n');
        j++;
      }
      assertThat(squeeze(Files.readString(source)))
          .as("line %d: the block is no longer the code of %s", at, source.getFileName())
          .contains(squeeze(block.toString()));
      blocks++;
      i = j;
    }
    assertThat(blocks).isGreaterThanOrEqualTo(30);
  }

  @Test
  void everyExpressionOfTheQuickReferenceCompilesInQuickReference() throws IOException {
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("<!-- quick-reference: ")) {
        start = i;
      }
    }
    assertThat(start).as("the quick-reference marker").isNotNegative();
    String path =
        lines.get(start).replace("<!-- quick-reference: ", "").replace(" -->", "").strip();
    String source = squeeze(Files.readString(docs.resolve(path).normalize()));
    List<String> expressions = new ArrayList<>();
    for (int i = start + 3; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String[] cells = lines.get(i).split("\\|");
      Matcher code = Pattern.compile("`([^`]+)`").matcher(cells[3]);
      while (code.find()) {
        expressions.add(code.group(1));
      }
    }
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(10);
    for (String e : expressions) {
      assertThat(source).as(e).contains(squeeze(e));
    }
  }

  @Test
  void relativeLinksLeadToFilesThatExist() {
    for (int i = 0; i < lines.size(); i++) {
      Matcher link = LINK.matcher(lines.get(i));
      while (link.find()) {
        String target = link.group(1);
        if (target.startsWith("http")) {
          continue;
        }
        assertThat(docs.resolve(target).normalize()).as("line %d: %s", i + 1, target).exists();
      }
    }
  }

  @Test
  void everySectionOfTheAsyncioGuideHasItsHeading() {
    for (int section = 1; section <= 10; section++) {
      String prefix = "## " + section + " ";
      assertThat(lines).as(prefix).anyMatch(l -> l.startsWith(prefix));
    }
    assertThat(lines)
        .contains(
            "## Where Java and Reactor differ, and what to do instead",
            "## The guide's mistakes, corrected");
  }
}
