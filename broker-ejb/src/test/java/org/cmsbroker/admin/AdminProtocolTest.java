package org.cmsbroker.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminProtocolTest {

  private static AdminRequest parse(String text) throws AdminProtocolException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return AdminProtocol.parse(bytes, bytes.length);
  }

  private static AdminRequest roundTrip(String command, List<Map.Entry<String, String>> params)
      throws AdminProtocolException {
    byte[] bytes = AdminProtocol.encode(command, params);
    assertEquals(bytes.length, AdminProtocol.endOfRequest(bytes, 0, bytes.length));
    return AdminProtocol.parse(bytes, bytes.length);
  }

  @Test
  void requestRoundTripKeepsRepeatedParametersInOrder() throws Exception {
    AdminRequest request =
        roundTrip(
            "user.add",
            List.of(
                Map.entry("username", "alice"),
                Map.entry("role", "admin"),
                Map.entry("role", "editor")));

    assertEquals("user.add", request.command());
    assertEquals("alice", request.required("username"));
    assertEquals(List.of("admin", "editor"), request.all("role"));
  }

  @Test
  void newlinesEqualsSignsAndNonAsciiArePercentEncodedAndSurvive() throws Exception {
    String tricky = "a=b\nc\r\n\nd +%é€ \u0000";
    byte[] bytes = AdminProtocol.encode("user.add", List.of(Map.entry("name", tricky)));
    String wire = new String(bytes, StandardCharsets.US_ASCII);

    assertEquals("command=user.add\nname=", wire.substring(0, 22));
    assertTrue(wire.contains("a%3Db%0Ac%0D%0A%0Ad"), wire);
    assertEquals(3, wire.split("\n", -1).length - 1, "only the two lines and the empty one");
    assertEquals(
        tricky, roundTrip("user.add", List.of(Map.entry("name", tricky))).required("name"));
  }

  @Test
  void endOfRequestWaitsForTheEmptyLine() {
    byte[] partial = "command=user.list\n".getBytes(StandardCharsets.US_ASCII);
    byte[] whole = "command=user.list\n\nextra".getBytes(StandardCharsets.US_ASCII);

    assertEquals(-1, AdminProtocol.endOfRequest(partial, 0, partial.length));
    assertEquals(19, AdminProtocol.endOfRequest(whole, 0, whole.length));
    assertEquals(19, AdminProtocol.endOfRequest(whole, 18, whole.length));
  }

  @Test
  void oversizedRequestIsRefused() {
    byte[] big =
        AdminProtocol.encode(
            "user.add", List.of(Map.entry("name", "x".repeat(AdminProtocol.MAX_REQUEST_BYTES))));

    AdminProtocolException e =
        assertThrows(AdminProtocolException.class, () -> AdminProtocol.parse(big, big.length));
    assertEquals(AdminProtocolException.TOO_LARGE, e.code());
  }

  @Test
  void requestWithoutEmptyLineIsMalformed() {
    assertMalformed("command=user.list\n");
  }

  @Test
  void requestNotStartingWithCommandIsMalformed() {
    assertMalformed("username=alice\ncommand=user.list\n\n");
  }

  @Test
  void emptyRequestIsMalformed() {
    assertMalformed("\n");
  }

  @Test
  void lineWithoutEqualsSignIsMalformed() {
    assertMalformed("command=user.list\nusername\n\n");
  }

  @Test
  void unencodedValueIsMalformed() {
    assertMalformed("command=user.add\nname=Ann Lee\n\n");
    assertMalformed("command=user.add\nname=é\n\n");
  }

  @Test
  void brokenPercentEscapeIsMalformed() {
    assertMalformed("command=user.add\nname=%zz\n\n");
  }

  @Test
  void secondCommandIsMalformed() {
    assertMalformed("command=user.list\ncommand=user.add\n\n");
  }

  @Test
  void malformedMessagesDoNotRepeatValues() {
    AdminProtocolException e =
        assertThrows(
            AdminProtocolException.class, () -> parse("command=user.add\npassword=Secret 1\n\n"));
    assertEquals(false, e.getMessage().contains("Secret"), e.getMessage());
  }

  @Test
  void responseIsStatusLineThenText() {
    assertArrayEquals(
        "ok\ncreated user alice\n".getBytes(StandardCharsets.UTF_8),
        AdminProtocol.encode(AdminResponse.ok("created user alice")));
    assertArrayEquals(
        "error username_taken\nThat username is already taken.\n".getBytes(StandardCharsets.UTF_8),
        AdminProtocol.encode(
            AdminResponse.error("username_taken", "That username is already taken.")));
  }

  @Test
  void responseTextIsUtf8() {
    assertArrayEquals(
        "ok\nJosé\n".getBytes(StandardCharsets.UTF_8),
        AdminProtocol.encode(AdminResponse.ok("José")));
  }

  private static void assertMalformed(String text) {
    AdminProtocolException e = assertThrows(AdminProtocolException.class, () -> parse(text));
    assertEquals(AdminProtocolException.BAD_REQUEST, e.code(), e.getMessage());
  }
}
