package org.cmsbroker.admin;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The admin socket's wire format, server side. The launcher has its own copy ({@code
 * org.cmsbroker.launcher.AdminWire}): it cannot see this module.
 *
 * <p>Request: UTF-8 lines {@code name=value}, values percent-encoded ({@link URLEncoder}, UTF-8),
 * the first line {@code command=...}, names repeatable, ended by an empty line; at most {@link
 * #MAX_REQUEST_BYTES} bytes. Response: a first line {@code ok} or {@code error <code>}, then lines
 * of text; the server then closes the connection. Stateless and thread-safe.
 */
public final class AdminProtocol {
  /** The largest request accepted, terminating empty line included. */
  public static final int MAX_REQUEST_BYTES = 64 * 1024;

  // URLEncoder's output alphabet: anything else in a line means it was not encoded.
  private static final Pattern LINE = Pattern.compile("([a-z][a-z_]{0,63})=([A-Za-z0-9.*_+%-]*)");

  private AdminProtocol() {}

  /**
   * The length of the request in {@code buffer[0..length)} including its terminating empty line, or
   * -1 while it is incomplete. Bytes before {@code from} were scanned already (pass 0 the first
   * time, then the previous {@code length}).
   */
  public static int endOfRequest(byte[] buffer, int from, int length) {
    if (length > 0 && buffer[0] == '\n') {
      return 1;
    }
    for (int i = Math.max(1, from); i < length; i++) {
      if (buffer[i] == '\n' && buffer[i - 1] == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  /**
   * Parses a complete request (as delimited by {@link #endOfRequest}).
   *
   * @throws AdminProtocolException {@code too_large} or {@code bad_request}, with a message that
   *     repeats no value
   */
  public static AdminRequest parse(byte[] buffer, int length) throws AdminProtocolException {
    if (length > MAX_REQUEST_BYTES) {
      throw tooLarge();
    }
    if (length < 2 || buffer[length - 1] != '\n' || buffer[length - 2] != '\n') {
      throw malformed("the request does not end with an empty line");
    }
    String text;
    try {
      text =
          StandardCharsets.US_ASCII
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(buffer, 0, length - 2))
              .toString();
    } catch (CharacterCodingException e) {
      throw malformed("the request holds characters that are not percent-encoded");
    }
    String command = null;
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      var m = LINE.matcher(line);
      if (!m.matches()) {
        throw malformed("a line is not name=value with a percent-encoded value");
      }
      String value;
      try {
        value = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw malformed("a value is not validly percent-encoded");
      }
      if (command == null) {
        if (!m.group(1).equals("command")) {
          throw malformed("the first line must be command=...");
        }
        command = value;
      } else if (m.group(1).equals("command")) {
        throw malformed("more than one command");
      } else {
        parameters.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(value);
      }
    }
    return new AdminRequest(command, parameters);
  }

  /** Encodes a response: the status line, then the text lines, each ended by a newline. */
  public static byte[] encode(AdminResponse response) {
    StringBuilder text =
        new StringBuilder(response.isOk() ? "ok" : "error " + response.errorCode());
    text.append('\n');
    for (String line : response.lines()) {
      text.append(line).append('\n');
    }
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(text));
    byte[] out = new byte[bytes.remaining()];
    bytes.get(out);
    return out;
  }

  /** Encodes a request (for tests and tools on this side): the inverse of {@link #parse}. */
  public static byte[] encode(String command, List<Map.Entry<String, String>> parameters) {
    StringBuilder text = new StringBuilder("command=").append(encodeValue(command)).append('\n');
    for (Map.Entry<String, String> p : parameters) {
      text.append(p.getKey()).append('=').append(encodeValue(p.getValue())).append('\n');
    }
    return text.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String encodeValue(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A value shortened and stripped of control characters, safe to echo in one line. */
  static String printable(String value) {
    String clean = value.replaceAll("[\\p{Cntrl}\\p{Cf}\\p{Zl}\\p{Zp}]", "?");
    return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
  }

  static AdminProtocolException tooLarge() {
    return new AdminProtocolException(
        AdminProtocolException.TOO_LARGE,
        "the request is larger than " + MAX_REQUEST_BYTES + " bytes");
  }

  private static AdminProtocolException malformed(String why) {
    return new AdminProtocolException(
        AdminProtocolException.BAD_REQUEST, "malformed request: " + why);
  }
}
