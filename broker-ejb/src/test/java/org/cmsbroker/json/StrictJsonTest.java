package org.cmsbroker.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictJsonTest {
  private static StrictJson.Problem refusal(byte[] body) {
    return assertThrows(StrictJson.InvalidJsonException.class, () -> StrictJson.parse(body))
        .problem();
  }

  private static StrictJson.Problem refusal(String body) {
    return refusal(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void oneStrictValueIsParsed() throws Exception {
    JsonElement e = StrictJson.parse("{\"a\": [1, \"x\", null]}".getBytes(StandardCharsets.UTF_8));
    assertEquals(3, e.getAsJsonObject().getAsJsonArray("a").size());
    assertTrue(StrictJson.parse("null".getBytes(StandardCharsets.UTF_8)).isJsonNull());
  }

  @Test
  void malformedUtf8IsRefusedAsSuch() {
    assertEquals(StrictJson.Problem.NOT_UTF8, refusal(new byte[] {'"', (byte) 0xC3, '"'}));
  }

  @Test
  void emptyBodyIsNotJson() {
    assertEquals(StrictJson.Problem.NOT_JSON, refusal(""));
  }

  @Test
  void trailingContentIsRefused() {
    assertEquals(StrictJson.Problem.NOT_JSON, refusal("{} {}"));
    assertEquals(StrictJson.Problem.NOT_JSON, refusal("{}x"));
  }

  @Test
  void lenientSyntaxIsRefused() {
    assertEquals(StrictJson.Problem.NOT_JSON, refusal("{'a': 1}"));
    assertEquals(StrictJson.Problem.NOT_JSON, refusal("{a: 1}"));
    assertEquals(StrictJson.Problem.NOT_JSON, refusal("{\"a\": 1,}"));
    assertEquals(StrictJson.Problem.NOT_JSON, refusal("/* c */ {}"));
  }

  @Test
  void truncatedDocumentIsRefused() {
    assertEquals(StrictJson.Problem.NOT_JSON, refusal("{\"a\": [1, 2"));
  }
}
