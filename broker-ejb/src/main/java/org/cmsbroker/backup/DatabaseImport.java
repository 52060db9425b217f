package org.cmsbroker.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Puts a backup's rows into a database whose schema was just migrated to the backup's version, in
 * the caller's transaction: clears the rows the migrations seeded, inserts every row (parents
 * first, in batches), then moves every sequence and identity column past the highest key restored.
 */
final class DatabaseImport {
  static final int BATCH = 500;

  private DatabaseImport() {}

  /**
   * Refuses a schema that has any table: a restore never merges into or overwrites a database.
   *
   * @throws BackupException naming the schema and how many tables it has
   */
  static void requireEmpty(Connection connection) throws SQLException, BackupException {
    SchemaTables tables = SchemaTables.of(connection);
    if (!tables.all().isEmpty()) {
      throw new BackupException(
          "the database is not empty (schema "
              + tables.schema()
              + " has "
              + DatabaseExport.count(tables.all().size(), "table")
              + "); restore only into an empty database: a new data directory for H2, a new"
              + " schema or database for PostgreSQL");
    }
  }

  /**
   * Deletes the rows the migrations inserted (for example the audit chain's head), children first.
   */
  static void clearSeededRows(Connection connection) throws SQLException {
    SchemaTables tables = SchemaTables.of(connection);
    List<String> order = new ArrayList<>(tables.dataTablesInDependencyOrder());
    Collections.reverse(order);
    try (Statement s = connection.createStatement()) {
      for (String table : order) {
        s.executeUpdate("DELETE FROM " + tables.quoted(tables.actual(table)));
      }
    }
  }

  /** Inserts what a {@link BackupReader} reads; names are matched against the real schema. */
  static final class Inserter implements BackupReader.Sink {
    private final Connection connection;
    private final SchemaTables tables;
    private PreparedStatement insert;
    private int[] sqlTypes;
    private int pending;

    Inserter(Connection connection) throws SQLException {
      this.connection = connection;
      this.tables = SchemaTables.of(connection);
    }

    @Override
    public void table(String table, List<String> columns, List<ColumnKind> kinds)
        throws SQLException, BackupException {
      String actual = tables.actual(table);
      if (actual == null || table.equals(SchemaTables.FLYWAY_HISTORY)) {
        throw new BackupException(
            "the backup has a table \"" + table + "\" that its schema version does not have");
      }
      Map<String, SchemaTables.Column> target = tables.columns(table);
      StringBuilder names = new StringBuilder();
      StringBuilder marks = new StringBuilder();
      sqlTypes = new int[columns.size()];
      for (int i = 0; i < columns.size(); i++) {
        SchemaTables.Column column = target.get(columns.get(i));
        if (column == null) {
          throw new BackupException(
              "the backup has a column \""
                  + table
                  + "."
                  + columns.get(i)
                  + "\" that its schema version does not have");
        }
        names.append(i == 0 ? "" : ", ").append(tables.quoted(column.name()));
        marks.append(i == 0 ? "?" : ", ?");
        sqlTypes[i] = column.jdbcType();
      }
      insert =
          connection.prepareStatement(
              "INSERT INTO " + tables.quoted(actual) + " (" + names + ") VALUES (" + marks + ")");
      pending = 0;
    }

    @Override
    public void row(Object[] values) throws SQLException {
      for (int i = 0; i < values.length; i++) {
        if (values[i] == null) {
          insert.setNull(i + 1, sqlTypes[i] == Types.OTHER ? Types.NULL : sqlTypes[i]);
        } else {
          insert.setObject(i + 1, values[i]);
        }
      }
      insert.addBatch();
      if (++pending == BATCH) {
        insert.executeBatch();
        pending = 0;
      }
    }

    @Override
    public void endTable(String table, long rows) throws SQLException {
      try {
        if (pending > 0) {
          insert.executeBatch();
        }
      } finally {
        insert.close();
        insert = null;
      }
    }
  }

  /**
   * Moves every identity column and every sequence of the schema past the highest key restored: an
   * identity column restarts after its own highest value; a sequence (which JDBC cannot tie to the
   * column it feeds) restarts after the highest single-column integer primary key of any table, and
   * never below its own start.
   */
  static void resetSequences(Connection connection) throws SQLException {
    SchemaTables tables = SchemaTables.of(connection);
    long highestKey = 0;
    try (Statement s = connection.createStatement()) {
      for (String table : tables.dataTablesInDependencyOrder()) {
        Map<String, SchemaTables.Column> columns = tables.columns(table);
        List<String> key = tables.primaryKey(table);
        for (SchemaTables.Column column : columns.values()) {
          boolean integerKey =
              key.size() == 1
                  && key.get(0).equals(column.name())
                  && (column.jdbcType() == Types.BIGINT || column.jdbcType() == Types.INTEGER);
          if (!column.identity() && !integerKey) {
            continue;
          }
          long max = max(s, tables, table, column.name());
          highestKey = Math.max(highestKey, max);
          if (column.identity() && max > 0) {
            s.execute(
                "ALTER TABLE "
                    + tables.quoted(tables.actual(table))
                    + " ALTER COLUMN "
                    + tables.quoted(column.name())
                    + " RESTART WITH "
                    + (max + 1));
          }
        }
      }
      List<String[]> sequences = new ArrayList<>();
      try (PreparedStatement p =
          connection.prepareStatement(
              "SELECT sequence_name, start_value FROM information_schema.sequences"
                  + " WHERE sequence_schema = ?")) {
        p.setString(1, tables.schema());
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            sequences.add(new String[] {rs.getString(1), rs.getString(2)});
          }
        }
      }
      for (String[] sequence : sequences) {
        long start = Long.parseLong(sequence[1].trim());
        if (highestKey + 1 > start) {
          s.execute(
              "ALTER SEQUENCE " + tables.quoted(sequence[0]) + " RESTART WITH " + (highestKey + 1));
        }
      }
    }
  }

  private static long max(Statement s, SchemaTables tables, String table, String column)
      throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT MAX("
                + tables.quoted(column)
                + ") FROM "
                + tables.quoted(tables.actual(table)))) {
      rs.next();
      long max = rs.getLong(1);
      return rs.wasNull() ? 0 : max;
    }
  }
}
