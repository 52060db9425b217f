package org.cmsbroker.backup;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes every table of the connection's schema, generically from JDBC metadata, in {@link
 * BackupFormat}. Reads only: the caller owns the connection and its transaction (one read-only
 * transaction gives one consistent snapshot).
 */
final class DatabaseExport {
  private DatabaseExport() {}

  /** What an export wrote. */
  record Summary(String schemaVersion, int tables, long rows) {}

  /**
   * Writes the backup's plaintext.
   *
   * @param files data directory files to carry (relative path in {@link BackupFormat#FILES} to
   *     content)
   * @throws BackupException if the database has no migrated schema
   */
  static Summary export(Connection connection, Map<String, byte[]> files, Instant now, Writer out)
      throws SQLException, IOException, BackupException {
    SchemaTables schema = SchemaTables.of(connection);
    String version = schemaVersion(connection, schema);
    JsonObject header = new JsonObject();
    header.addProperty("format", BackupFormat.FORMAT);
    header.addProperty("format_version", BackupFormat.FORMAT_VERSION);
    header.addProperty("created_at", now.toString());
    header.addProperty("schema_version", version);
    header.addProperty(
        "database",
        connection.getMetaData().getDatabaseProductName()
            + " "
            + connection.getMetaData().getDatabaseProductVersion());
    line(out, header);
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      if (!BackupFormat.FILES.contains(file.getKey())) {
        throw new IllegalArgumentException("not a backed-up file: " + file.getKey());
      }
      JsonObject entry = new JsonObject();
      entry.addProperty("file", file.getKey());
      entry.addProperty("data", Base64.getEncoder().encodeToString(file.getValue()));
      line(out, entry);
    }
    List<String> tables = schema.dataTablesInDependencyOrder();
    long total = 0;
    for (String table : tables) {
      total += table(connection, schema, table, out);
    }
    JsonObject end = new JsonObject();
    end.addProperty("end", BackupFormat.FORMAT);
    end.addProperty("tables", tables.size());
    end.addProperty("rows", total);
    line(out, end);
    out.flush();
    return new Summary(version, tables.size(), total);
  }

  private static long table(Connection connection, SchemaTables schema, String table, Writer out)
      throws SQLException, IOException {
    List<String> key = schema.primaryKey(table);
    StringBuilder sql =
        new StringBuilder("SELECT * FROM ").append(schema.quoted(schema.actual(table)));
    if (!key.isEmpty()) {
      sql.append(" ORDER BY ");
      for (int i = 0; i < key.size(); i++) {
        sql.append(i == 0 ? "" : ", ").append(schema.quoted(key.get(i)));
      }
    }
    long rows = 0;
    try (Statement s = connection.createStatement()) {
      s.setFetchSize(500);
      try (ResultSet rs = s.executeQuery(sql.toString())) {
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        List<ColumnKind> kinds = new ArrayList<>();
        JsonArray columns = new JsonArray();
        for (int i = 1; i <= n; i++) {
          String name = meta.getColumnName(i).toLowerCase(Locale.ROOT);
          ColumnKind kind =
              ColumnKind.of(meta.getColumnType(i), meta.getColumnTypeName(i), table + "." + name);
          kinds.add(kind);
          JsonArray column = new JsonArray();
          column.add(name);
          column.add(kind.code());
          columns.add(column);
        }
        JsonObject start = new JsonObject();
        start.addProperty("table", table);
        start.add("columns", columns);
        line(out, start);
        while (rs.next()) {
          JsonArray row = new JsonArray(n);
          for (int i = 1; i <= n; i++) {
            row.add(kinds.get(i - 1).read(rs, i));
          }
          line(out, row);
          rows++;
        }
      }
    }
    JsonObject end = new JsonObject();
    end.addProperty("end_table", table);
    end.addProperty("rows", rows);
    line(out, end);
    return rows;
  }

  /**
   * The latest successfully applied versioned migration in Flyway's history.
   *
   * @throws BackupException when there is no history (not a broker database)
   */
  static String schemaVersion(Connection connection, SchemaTables schema)
      throws SQLException, BackupException {
    String history = schema.actual(SchemaTables.FLYWAY_HISTORY);
    if (history == null) {
      throw new BackupException("the database has no broker schema (no Flyway history)");
    }
    long bestRank = Long.MIN_VALUE;
    String best = null;
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + schema.quoted(history))) {
      ResultSetMetaData meta = rs.getMetaData();
      int rank = -1;
      int version = -1;
      int success = -1;
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        switch (meta.getColumnName(i).toLowerCase(Locale.ROOT)) {
          case "installed_rank" -> rank = i;
          case "version" -> version = i;
          case "success" -> success = i;
          default -> {}
        }
      }
      while (rs.next()) {
        String v = rs.getString(version);
        long r = rs.getLong(rank);
        if (v != null && rs.getBoolean(success) && r > bestRank) {
          bestRank = r;
          best = v;
        }
      }
    }
    if (best == null) {
      throw new BackupException("the database has no applied migration");
    }
    return best;
  }

  private static void line(Writer out, JsonElement element) throws IOException {
    out.write(element.toString());
    out.write('\n');
  }

  /** For messages: a count with its noun. */
  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
