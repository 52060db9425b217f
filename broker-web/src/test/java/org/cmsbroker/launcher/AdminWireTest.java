package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminWireTest {

  /** Decodes a request as the server does: name=value lines, URLDecoder, until the empty line. */
  private static Map<String, String> decode(byte[] request) {
    String text = new String(request, StandardCharsets.US_ASCII);
    assertTrue(text.endsWith("\n\n"), text);
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.substring(0, text.length() - 2).split("\n")) {
      assertTrue(line.matches("[a-z_]+=[A-Za-z0-9.*_+%-]*"), "one encoded line: " + line);
      int eq = line.indexOf('=');
      fields.merge(
          line.substring(0, eq),
          URLDecoder.decode(line.substring(eq + 1), StandardCharsets.UTF_8),
          (a, b) -> a + "|" + b);
    }
    return fields;
  }

  @Test
  void requestRoundTripsThroughUrlDecoding() throws Exception {
    byte[] request =
        AdminWire.request(
            "user.add",
            List.of(
                Map.entry("username", "alice"),
                Map.entry("role", "admin"),
                Map.entry("role", "editor")),
            "password",
            "pässwörd 1".toCharArray());

    assertEquals(
        Map.of(
            "command", "user.add",
            "username", "alice",
            "role", "admin|editor",
            "password", "pässwörd 1"),
        decode(request));
    assertTrue(new String(request, StandardCharsets.US_ASCII).startsWith("command=user.add\n"));
  }

  @Test
  void newlinesAndEqualsSignsArePercentEncoded() throws Exception {
    String tricky = "a=b\nc\r\n\nd +%";
    byte[] request =
        AdminWire.request(
            "user.add", List.of(Map.entry("name", tricky)), "password", "x=\ny".toCharArray());
    String text = new String(request, StandardCharsets.US_ASCII);

    assertTrue(text.contains("name=a%3Db%0Ac%0D%0A%0Ad+%2B%25\n"), text);
    assertTrue(text.contains("password=%78%3D%0A%79\n"), text);
    assertEquals(tricky, decode(request).get("name"));
    assertEquals("x=\ny", decode(request).get("password"));
  }

  @Test
  void requestWithoutSecretHasNoPasswordLine() throws Exception {
    assertEquals(
        "command=user.list\n\n",
        new String(
            AdminWire.request("user.list", List.of(), "password", null),
            StandardCharsets.US_ASCII));
  }

  @Test
  void oversizedRequestIsRefusedBeforeSending() {
    AdminWire.WireException e =
        assertThrows(
            AdminWire.WireException.class,
            () ->
                AdminWire.request(
                    "user.add",
                    List.of(Map.entry("name", "x".repeat(AdminWire.MAX_REQUEST_BYTES))),
                    null,
                    null));
    assertTrue(e.getMessage().contains("65536"), e.getMessage());
  }

  @Test
  void oversizedPasswordIsRefusedWithoutRepeatingIt() {
    char[] password = "y".repeat(AdminWire.MAX_REQUEST_BYTES / 3 + 1).toCharArray();
    AdminWire.WireException e =
        assertThrows(
            AdminWire.WireException.class,
            () -> AdminWire.request("user.set_password", List.of(), "password", password));
    assertFalse(e.getMessage().contains("yyy"));
  }

  @Test
  void okResponseCarriesItsLines() throws Exception {
    byte[] bytes = "ok\nUSERNAME  ID\nJosé      1\n".getBytes(StandardCharsets.UTF_8);

    AdminWire.Response response = AdminWire.response(bytes, bytes.length);

    assertTrue(response.ok());
    assertNull(response.errorCode());
    assertEquals(List.of("USERNAME  ID", "José      1"), response.lines());
  }

  @Test
  void errorResponseCarriesCodeAndMessage() throws Exception {
    byte[] bytes =
        "error weak_password\nThe password is too common.\n".getBytes(StandardCharsets.UTF_8);

    AdminWire.Response response = AdminWire.response(bytes, bytes.length);

    assertFalse(response.ok());
    assertEquals("weak_password", response.errorCode());
    assertEquals(List.of("The password is too common."), response.lines());
  }

  @Test
  void emptyOrUnknownResponseIsRefused() {
    assertThrows(AdminWire.WireException.class, () -> AdminWire.response(new byte[0], 0));
    byte[] http = "HTTP/1.1 400 Bad Request\n".getBytes(StandardCharsets.US_ASCII);
    assertThrows(AdminWire.WireException.class, () -> AdminWire.response(http, http.length));
  }

  @Test
  void oversizedResponseIsRefused() {
    byte[] big = new byte[AdminWire.MAX_RESPONSE_BYTES + 1];
    assertThrows(AdminWire.WireException.class, () -> AdminWire.response(big, big.length));
  }
}
