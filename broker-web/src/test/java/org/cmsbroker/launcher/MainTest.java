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
  void checkWithoutSiteAsksTheRunningBrokerForItsSelfCheck(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    String previous = System.getProperty("broker.data.dir");
    System.setProperty("broker.data.dir", dir.toString());
    try {
      int code =
          Main.run(
              new String[] {"check"},
              new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
              new java.io.PrintStream(err));
      assertEquals(1, code);
      org.junit.jupiter.api.Assertions.assertTrue(
          err.toString().contains("no running broker found"), err.toString());
    } finally {
      if (previous == null) {
        System.clearProperty("broker.data.dir");
      } else {
        System.setProperty("broker.data.dir", previous);
      }
    }
  }
}
