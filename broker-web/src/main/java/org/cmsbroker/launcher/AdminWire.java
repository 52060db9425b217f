package org.cmsbroker.launcher;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The admin socket's wire format, launcher side (the server's copy is {@code
 * org.cmsbroker.admin.AdminProtocol}, which this class path cannot see).
 *
 * <p>Request: lines {@code name=value}, values percent-encoded (UTF-8), the first line {@code
 * command=...}, ended by an empty line, at most {@link #MAX_REQUEST_BYTES}. Response: {@code ok} or
 * {@code error <code>}, then lines of text (UTF-8) until the connection closes.
 */
final class AdminWire {
  static final int MAX_REQUEST_BYTES = 64 * 1024;
  static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

  private AdminWire() {}

  /** A request that cannot be sent, or a response that is not in the protocol's form. */
  static final class WireException extends Exception {
    private static final long serialVersionUID = 1L;

    WireException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A parsed response.
   *
   * @param errorCode null for {@code ok}
   * @param lines the text after the status line
   */
  record Response(String errorCode, List<String> lines) {
    boolean ok() {
      return errorCode == null;
    }
  }

  /**
   * Encodes a request. The secret, if not null, is sent as {@code secretName} with every byte
   * percent-escaped, so it never becomes a {@link String}; the caller wipes both the secret and the
   * returned array after sending.
   *
   * @throws WireException if the request would exceed {@link #MAX_REQUEST_BYTES}
   */
  static byte[] request(
      String command, List<Map.Entry<String, String>> fields, String secretName, char[] secret)
      throws WireException {
    return request(
        command,
        fields,
        secret == null ? List.of() : List.of(new SimpleImmutableEntry<>(secretName, secret)));
  }

  /**
   * Encodes a request with any number of secrets (name and value, in order; a null value is left
   * out), each sent with every byte percent-escaped so it never becomes a {@link String}; the
   * caller wipes the secrets and the returned array after sending.
   *
   * @throws WireException if the request would exceed {@link #MAX_REQUEST_BYTES}
   */
  static byte[] request(
      String command,
      List<Map.Entry<String, String>> fields,
      List<Map.Entry<String, char[]>> secrets)
      throws WireException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    line(out, "command", command);
    for (Map.Entry<String, String> field : fields) {
      line(out, field.getKey(), field.getValue());
    }
    List<byte[]> encoded = new ArrayList<>();
    try {
      int size = out.size() + 1;
      for (Map.Entry<String, char[]> secret : secrets) {
        byte[] value = secret.getValue() == null ? null : escapeAll(secret.getValue());
        encoded.add(value);
        if (value != null) {
          size += secret.getKey().length() + 2 + value.length;
        }
      }
      if (size > MAX_REQUEST_BYTES) {
        throw new WireException(
            "the request is larger than " + MAX_REQUEST_BYTES + " bytes; shorten the values");
      }
      byte[] request = new byte[size];
      byte[] head = out.toByteArray();
      System.arraycopy(head, 0, request, 0, head.length);
      int at = head.length;
      for (int i = 0; i < secrets.size(); i++) {
        byte[] value = encoded.get(i);
        if (value == null) {
          continue;
        }
        byte[] name = (secrets.get(i).getKey() + "=").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, request, at, name.length);
        at += name.length;
        System.arraycopy(value, 0, request, at, value.length);
        at += value.length;
        request[at++] = '\n';
      }
      request[at] = '\n';
      return request;
    } finally {
      for (byte[] value : encoded) {
        if (value != null) {
          Arrays.fill(value, (byte) 0);
        }
      }
    }
  }

  private static void line(ByteArrayOutputStream out, String name, String value) {
    out.writeBytes(
        (name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + "\n")
            .getBytes(StandardCharsets.US_ASCII));
  }

  /** UTF-8 bytes of {@code secret}, each written as {@code %XX}: what URLDecoder reverses. */
  private static byte[] escapeAll(char[] secret) throws WireException {
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer utf8;
    try {
      utf8 = encoder.encode(CharBuffer.wrap(secret));
    } catch (CharacterCodingException e) {
      throw new WireException("a secret from standard input is not valid text");
    }
    byte[] escaped = new byte[utf8.remaining() * 3];
    byte[] hex = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; utf8.hasRemaining(); i += 3) {
      int b = utf8.get() & 0xff;
      escaped[i] = '%';
      escaped[i + 1] = hex[b >> 4];
      escaped[i + 2] = hex[b & 0xf];
    }
    if (utf8.hasArray()) {
      Arrays.fill(utf8.array(), (byte) 0);
    }
    return escaped;
  }

  /**
   * Parses a whole response (the bytes until the server closed the connection).
   *
   * @throws WireException if it is empty, too large or has no valid status line
   */
  static Response response(byte[] bytes, int length) throws WireException {
    if (length > MAX_RESPONSE_BYTES) {
      throw new WireException(
          "the broker's answer is larger than " + MAX_RESPONSE_BYTES + " bytes");
    }
    String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
    if (text.isEmpty()) {
      throw new WireException("the broker closed the connection without an answer");
    }
    List<String> lines = new ArrayList<>(text.lines().toList());
    String status = lines.remove(0);
    if (status.equals("ok")) {
      return new Response(null, lines);
    }
    if (status.matches("error [a-z_]{1,64}")) {
      return new Response(status.substring(6), lines);
    }
    throw new WireException("the broker's answer is not in the admin protocol");
  }
}
