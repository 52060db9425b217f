package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void quoteWrapsAnArgumentInDoubleQuotes() {
    assertEquals("\"-Dbroker.https.port=8443\"", Main.quote("-Dbroker.https.port=8443"));
  }

  @Test
  void quoteEscapesDoubleQuotes() {
    assertEquals("\"-Dp=a\\\"b\"", Main.quote("-Dp=a\"b"));
  }

  @Test
  void quoteEscapesBackslashesBeforeQuotes() {
    assertEquals("\"C:\\\\data\\\\\\\"x\"", Main.quote("C:\\data\\\"x"));
  }

  @Test
  void quoteKeepsSpacesAndHashInsideTheQuotes() {
    assertEquals("\"-Dbroker.db.password=a b#c\"", Main.quote("-Dbroker.db.password=a b#c"));
  }

  @Test
  void helpListsTheCheckCommandAndTheLogMasking() {
    String usage = Main.usage();
    org.junit.jupiter.api.Assertions.assertTrue(usage.contains("check --site"), usage);
    org.junit.jupiter.api.Assertions.assertTrue(usage.contains("logs mask card numbers"), usage);
  }

  @Test
  void checkWithoutSiteIsAUsageError() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"check"},
            new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
            new java.io.PrintStream(err));
    assertEquals(2, code);
    org.junit.jupiter.api.Assertions.assertTrue(err.toString().contains("--site is required"));
  }
}
