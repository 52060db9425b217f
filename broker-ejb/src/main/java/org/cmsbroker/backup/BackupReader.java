package org.cmsbroker.backup;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cmsbroker.json.StrictJson;

/**
 * Reads a backup's plaintext ({@link BackupFormat}) strictly, checking its whole structure (header,
 * files, tables, every value's kind, row counts, the end line), and hands what it reads to a {@link
 * Sink}. The content is input like any other: table and column names are only checked here for
 * shape; the importer matches them against the real schema.
 */
final class BackupReader {
  /** The largest data directory file a backup may carry. */
  static final int MAX_FILE_BYTES = 64 * 1024;

  private static final String NAME = "[a-z][a-z0-9_]{0,127}";

  private BackupReader() {}

  /** Receives a backup as it is read. */
  interface Sink {
    default void table(String table, List<String> columns, List<ColumnKind> kinds)
        throws SQLException, BackupException {}

    default void row(Object[] values) throws SQLException {}

    default void endTable(String table, long rows) throws SQLException {}
  }

  /** The header of a backup. */
  record Header(String createdAt, String schemaVersion, String database) {}

  /**
   * What a backup holds.
   *
   * @param files data directory files, by relative path
   * @param rows rows per table, in the backup's order
   */
  record Contents(Header header, Map<String, byte[]> files, Map<String, Long> rows) {
    long totalRows() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Reads the whole plaintext.
   *
   * @throws BackupException if it is not a complete backup in the broker's format (a damaged or
   *     altered file, or one made by something else)
   * @throws IOException if the stream fails (for a decrypting stream: damaged ciphertext)
   */
  static Contents read(InputStream in, Sink sink)
      throws BackupException, IOException, SQLException {
    LineReader lines = new LineReader(in);
    JsonObject header = object(lines.next(), lines, "a header");
    if (!BackupFormat.FORMAT.equals(string(header, "format", lines))) {
      throw bad("it is not a broker backup", lines);
    }
    JsonElement version = header.get("format_version");
    if (version == null
        || !version.isJsonPrimitive()
        || !version.getAsJsonPrimitive().isNumber()
        || version.getAsInt() != BackupFormat.FORMAT_VERSION) {
      throw new BackupException(
          "the backup's format version is not "
              + BackupFormat.FORMAT_VERSION
              + " (made by a newer broker?); restore it with that broker version");
    }
    String schemaVersion = string(header, "schema_version", lines);
    if (!schemaVersion.matches("[0-9]{1,9}(\\.[0-9]{1,9}){0,3}")) {
      throw bad("its schema version is malformed", lines);
    }
    Header parsed =
        new Header(
            string(header, "created_at", lines), schemaVersion, string(header, "database", lines));
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    Set<String> seenColumns = new HashSet<>();
    while (true) {
      byte[] raw = lines.next();
      if (raw == null) {
        throw new BackupException("the backup is cut short (no end line)");
      }
      JsonObject record = object(raw, lines, "a file, table or end line");
      if (record.has("file") && rows.isEmpty()) {
        String path = string(record, "file", lines);
        if (!BackupFormat.FILES.contains(path) || files.containsKey(path)) {
          throw bad("it carries an unexpected or repeated file", lines);
        }
        byte[] data;
        try {
          data = Base64.getDecoder().decode(string(record, "data", lines));
        } catch (IllegalArgumentException e) {
          throw bad("a file's content is not base64", lines);
        }
        if (data.length > MAX_FILE_BYTES) {
          throw bad("a file is too large", lines);
        }
        files.put(path, data);
      } else if (record.has("table")) {
        String table = string(record, "table", lines);
        if (!table.matches(NAME)
            || table.equals(SchemaTables.FLYWAY_HISTORY)
            || rows.containsKey(table)) {
          throw bad("a table name is malformed or repeated", lines);
        }
        List<String> columns = new ArrayList<>();
        List<ColumnKind> kinds = new ArrayList<>();
        JsonElement list = record.get("columns");
        if (list == null || !list.isJsonArray() || list.getAsJsonArray().isEmpty()) {
          throw bad("a table has no columns", lines);
        }
        seenColumns.clear();
        for (JsonElement c : list.getAsJsonArray()) {
          if (!c.isJsonArray() || c.getAsJsonArray().size() != 2) {
            throw bad("a column is malformed", lines);
          }
          String name = text(c.getAsJsonArray().get(0), lines);
          ColumnKind kind = ColumnKind.ofCode(text(c.getAsJsonArray().get(1), lines));
          if (!name.matches(NAME) || kind == null || !seenColumns.add(name)) {
            throw bad("a column name or type is malformed or repeated", lines);
          }
          columns.add(name);
          kinds.add(kind);
        }
        sink.table(table, columns, kinds);
        long count = tableRows(lines, table, kinds, sink);
        sink.endTable(table, count);
        rows.put(table, count);
      } else if (record.has("end")) {
        if (!BackupFormat.FORMAT.equals(string(record, "end", lines))
            || number(record, "tables", lines) != rows.size()
            || number(record, "rows", lines)
                != rows.values().stream().mapToLong(Long::longValue).sum()) {
          throw bad("its end line does not match its content", lines);
        }
        if (lines.next() != null) {
          throw bad("there is content after its end line", lines);
        }
        return new Contents(parsed, files, rows);
      } else {
        throw bad("a line is neither a file, a table nor the end", lines);
      }
    }
  }

  private static long tableRows(LineReader lines, String table, List<ColumnKind> kinds, Sink sink)
      throws IOException, BackupException, SQLException {
    long count = 0;
    while (true) {
      byte[] raw = lines.next();
      if (raw == null) {
        throw new BackupException("the backup is cut short (in table " + table + ")");
      }
      JsonElement element = parse(raw, lines);
      if (element.isJsonArray()) {
        JsonArray row = element.getAsJsonArray();
        if (row.size() != kinds.size()) {
          throw bad("a row of " + table + " has the wrong number of values", lines);
        }
        Object[] values = new Object[kinds.size()];
        for (int i = 0; i < values.length; i++) {
          try {
            values[i] = kinds.get(i).parse(row.get(i));
          } catch (IllegalArgumentException e) {
            throw bad("a value in " + table + " is " + e.getMessage(), lines);
          }
        }
        sink.row(values);
        count++;
      } else if (element.isJsonObject() && element.getAsJsonObject().has("end_table")) {
        JsonObject end = element.getAsJsonObject();
        if (!table.equals(string(end, "end_table", lines)) || number(end, "rows", lines) != count) {
          throw bad("the row count of " + table + " does not match", lines);
        }
        return count;
      } else {
        throw bad("a line in table " + table + " is not a row", lines);
      }
    }
  }

  private static JsonElement parse(byte[] raw, LineReader lines) throws BackupException {
    try {
      return StrictJson.parse(raw);
    } catch (StrictJson.InvalidJsonException e) {
      throw bad("a line is not JSON", lines);
    }
  }

  private static JsonObject object(byte[] raw, LineReader lines, String what)
      throws BackupException {
    if (raw == null) {
      throw new BackupException("the backup is empty");
    }
    JsonElement element = parse(raw, lines);
    if (!element.isJsonObject()) {
      throw bad("expected " + what, lines);
    }
    return element.getAsJsonObject();
  }

  private static String string(JsonObject o, String name, LineReader lines) throws BackupException {
    return text(o.get(name), lines);
  }

  private static String text(JsonElement e, LineReader lines) throws BackupException {
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw bad("a field is missing or not text", lines);
    }
    return e.getAsString();
  }

  private static long number(JsonObject o, String name, LineReader lines) throws BackupException {
    JsonElement e = o.get(name);
    if (e == null || !e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
      throw bad("a count is missing", lines);
    }
    try {
      return e.getAsBigDecimal().longValueExact();
    } catch (ArithmeticException | NumberFormatException x) {
      throw bad("a count is malformed", lines);
    }
  }

  private static BackupException bad(String why, LineReader lines) {
    return new BackupException(
        "the backup is not in the broker's format: " + why + " (line " + lines.number() + ")");
  }

  /** Lines of at most {@link BackupFormat#MAX_LINE_BYTES}, without their line end. */
  private static final class LineReader {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private long number;

    LineReader(InputStream in) {
      this.in = in;
    }

    long number() {
      return number;
    }

    /** The next non-empty line, or null at the end. */
    byte[] next() throws IOException, BackupException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (true) {
        if (position == limit) {
          limit = in.read(buffer);
          position = 0;
          if (limit < 0) {
            limit = 0;
            number++;
            return line.size() == 0 ? null : line.toByteArray();
          }
        }
        int start = position;
        while (position < limit && buffer[position] != '\n') {
          position++;
        }
        line.write(buffer, start, position - start);
        if (line.size() > BackupFormat.MAX_LINE_BYTES) {
          throw new BackupException(
              "the backup is not in the broker's format: a line is too long (line "
                  + (number + 1)
                  + ")");
        }
        if (position < limit) {
          position++;
          number++;
          if (line.size() > 0) {
            return line.toByteArray();
          }
        }
      }
    }
  }
}
