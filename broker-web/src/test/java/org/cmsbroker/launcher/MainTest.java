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
}
