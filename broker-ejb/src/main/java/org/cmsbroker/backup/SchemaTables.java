package org.cmsbroker.backup;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tables of the connection's current schema, read from JDBC metadata: their names as the
 * database spells them (upper case on H2, lower case on PostgreSQL), keyed by lower-case name, in
 * an order where every table comes after the tables its foreign keys point to. Names used in SQL
 * come only from here, never from a backup file.
 */
final class SchemaTables {
  /** Flyway's own table: its rows are not exported, its version is. */
  static final String FLYWAY_HISTORY = "flyway_schema_history";

  private final Connection connection;
  private final DatabaseMetaData meta;
  private final String schema;
  private final String quote;
  private final Map<String, String> tables;

  private SchemaTables(Connection connection) throws SQLException {
    this.connection = connection;
    this.meta = connection.getMetaData();
    this.schema = connection.getSchema();
    String q = meta.getIdentifierQuoteString();
    this.quote = q == null || q.isBlank() ? "\"" : q.strip();
    Map<String, String> found = new TreeMap<>();
    try (ResultSet rs = meta.getTables(connection.getCatalog(), pattern(schema), "%", null)) {
      while (rs.next()) {
        String type = rs.getString("TABLE_TYPE");
        if ("TABLE".equalsIgnoreCase(type) || "BASE TABLE".equalsIgnoreCase(type)) {
          String name = rs.getString("TABLE_NAME");
          found.put(name.toLowerCase(Locale.ROOT), name);
        }
      }
    }
    this.tables = found;
  }

  static SchemaTables of(Connection connection) throws SQLException {
    return new SchemaTables(connection);
  }

  private String pattern(String name) throws SQLException {
    if (name == null) {
      return null;
    }
    String escape = meta.getSearchStringEscape();
    return escape == null
        ? name
        : name.replace(escape, escape + escape)
            .replace("_", escape + "_")
            .replace("%", escape + "%");
  }

  /** Every table, Flyway's history included, keyed by lower-case name. */
  Map<String, String> all() {
    return tables;
  }

  /** The database's spelling of the table named {@code lowerName}, or null. */
  String actual(String lowerName) {
    return tables.get(lowerName);
  }

  /** The broker's tables (all but Flyway's history), parents before children. */
  List<String> dataTablesInDependencyOrder() throws SQLException {
    Map<String, Set<String>> parents = new LinkedHashMap<>();
    for (String lower : tables.keySet()) {
      if (lower.equals(FLYWAY_HISTORY)) {
        continue;
      }
      Set<String> of = new LinkedHashSet<>();
      try (ResultSet rs =
          meta.getImportedKeys(connection.getCatalog(), schema, tables.get(lower))) {
        while (rs.next()) {
          String parent = rs.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
          if (!parent.equals(lower) && tables.containsKey(parent)) {
            of.add(parent);
          }
        }
      }
      parents.put(lower, of);
    }
    List<String> ordered = new ArrayList<>();
    Set<String> placed = new LinkedHashSet<>();
    while (ordered.size() < parents.size()) {
      boolean progress = false;
      for (Map.Entry<String, Set<String>> e : parents.entrySet()) {
        if (!placed.contains(e.getKey()) && placed.containsAll(e.getValue())) {
          placed.add(e.getKey());
          ordered.add(e.getKey());
          progress = true;
        }
      }
      if (!progress) {
        throw new IllegalStateException("the broker's tables have cyclic foreign keys");
      }
    }
    return ordered;
  }

  /** The primary key columns of a table, in key order, as the database spells them. */
  List<String> primaryKey(String lowerName) throws SQLException {
    Map<Short, String> columns = new TreeMap<>();
    try (ResultSet rs = meta.getPrimaryKeys(connection.getCatalog(), schema, actual(lowerName))) {
      while (rs.next()) {
        columns.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
      }
    }
    return new ArrayList<>(columns.values());
  }

  /**
   * The columns of a table: lower-case name to the database's spelling, in table order, and whether
   * each is an identity (auto-increment) column.
   */
  Map<String, Column> columns(String lowerName) throws SQLException {
    Map<String, Column> columns = new LinkedHashMap<>();
    try (ResultSet rs =
        meta.getColumns(
            connection.getCatalog(), pattern(schema), pattern(actual(lowerName)), "%")) {
      while (rs.next()) {
        String name = rs.getString("COLUMN_NAME");
        columns.put(
            name.toLowerCase(Locale.ROOT),
            new Column(
                name,
                rs.getInt("DATA_TYPE"),
                rs.getString("TYPE_NAME"),
                "YES".equalsIgnoreCase(rs.getString("IS_AUTOINCREMENT"))));
      }
    }
    return columns;
  }

  /** One column of a table as the database describes it. */
  record Column(String name, int jdbcType, String typeName, boolean identity) {}

  /** An identifier from metadata, quoted for SQL. */
  String quoted(String identifier) {
    return quote + identifier.replace(quote, quote + quote) + quote;
  }

  /** The schema these tables are in, for messages. */
  String schema() {
    return schema;
  }
}
