package org.cmsbroker.grid;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns one kind of value into bytes for the data grid and back. The grid only ever holds bytes
 * (sealed by {@link GridCipher}), never the broker's classes, so a member never deserialises an
 * object it did not write and no class needs to be known to Hazelcast.
 *
 * @param <V> the value type
 */
public interface GridCodec<V> {

  /** Writes {@code value}'s fields. */
  void write(V value, DataOutputStream out) throws IOException;

  /** Reads what {@link #write} wrote. */
  V read(DataInputStream in) throws IOException;

  /** {@code value} as bytes. */
  default byte[] encode(V value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(value, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The value of {@code bytes}. */
  default V decode(byte[] bytes) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return read(in);
    }
  }

  /** Most bytes of one string: far above any value the broker keeps in the grid. */
  int MAX_STRING_BYTES = 1 << 20;

  /** Writes a string that may be null, as its length (-1 for null) and UTF-8 bytes. */
  static void writeString(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /** Reads what {@link #writeString} wrote. */
  static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    if (length > MAX_STRING_BYTES) {
      throw new IOException("String too long");
    }
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new IOException("Truncated string");
    }
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Writes an instant that may be null, as seconds and nanoseconds. */
  static void writeInstant(DataOutputStream out, java.time.Instant value) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeLong(value.getEpochSecond());
      out.writeInt(value.getNano());
    }
  }

  /** Reads what {@link #writeInstant} wrote. */
  static java.time.Instant readInstant(DataInputStream in) throws IOException {
    return in.readBoolean() ? java.time.Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
  }
}
