package org.cmsbroker.backup;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;

/**
 * How a column's values are written in a backup, independent of the database: the same column is
 * {@code TIMESTAMP WITH TIME ZONE} on H2 and {@code timestamptz} on PostgreSQL, {@code BOOLEAN} on
 * H2 and {@code bool} (reported as {@code BIT}) on PostgreSQL, so a backup of one restores into the
 * other.
 */
enum ColumnKind {
  STRING,
  INTEGER,
  BOOLEAN,
  DECIMAL,
  DOUBLE,
  /** ISO-8601 with offset, e.g. {@code 2025-01-02T03:04:05.123456Z}. */
  TIMESTAMPTZ,
  TIMESTAMP,
  DATE,
  TIME,
  /** Base64. */
  BINARY;

  /** The name in the backup. */
  String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind named {@code code} in a backup, or null. */
  static ColumnKind ofCode(String code) {
    for (ColumnKind kind : values()) {
      if (kind.code().equals(code)) {
        return kind;
      }
    }
    return null;
  }

  /**
   * The kind of a column from its JDBC metadata.
   *
   * @throws IllegalStateException for a type no broker table uses (a migration the backup does not
   *     know how to carry: a bug to fix here)
   */
  static ColumnKind of(int jdbcType, String typeName, String column) {
    String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    if (name.equals("timestamptz") || name.contains("with time zone")) {
      return TIMESTAMPTZ;
    }
    return switch (jdbcType) {
      case Types.CHAR,
              Types.VARCHAR,
              Types.LONGVARCHAR,
              Types.NCHAR,
              Types.NVARCHAR,
              Types.LONGNVARCHAR,
              Types.CLOB,
              Types.NCLOB ->
          STRING;
      case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> INTEGER;
      case Types.BOOLEAN, Types.BIT -> BOOLEAN;
      case Types.NUMERIC, Types.DECIMAL -> DECIMAL;
      case Types.REAL, Types.FLOAT, Types.DOUBLE -> DOUBLE;
      case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMPTZ;
      case Types.TIMESTAMP -> TIMESTAMP;
      case Types.DATE -> DATE;
      case Types.TIME -> TIME;
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BINARY;
      default ->
          throw new IllegalStateException(
              "column " + column + " has type " + typeName + ", which backups do not carry yet");
    };
  }

  /** Column {@code index} of the current row, as JSON. */
  JsonElement read(ResultSet rs, int index) throws SQLException {
    Object value =
        switch (this) {
          case STRING -> rs.getString(index);
          case INTEGER -> rs.getLong(index);
          case BOOLEAN -> rs.getBoolean(index);
          case DECIMAL -> rs.getBigDecimal(index);
          case DOUBLE -> rs.getDouble(index);
          case TIMESTAMPTZ -> utc(rs.getObject(index, OffsetDateTime.class));
          case TIMESTAMP -> rs.getObject(index, LocalDateTime.class);
          case DATE -> rs.getObject(index, LocalDate.class);
          case TIME -> rs.getObject(index, LocalTime.class);
          case BINARY -> rs.getBytes(index);
        };
    if (value == null || rs.wasNull()) {
      return JsonNull.INSTANCE;
    }
    return switch (this) {
      case INTEGER, DOUBLE -> new JsonPrimitive((Number) value);
      case BOOLEAN -> new JsonPrimitive((Boolean) value);
      case DECIMAL -> new JsonPrimitive(((BigDecimal) value).toPlainString());
      case BINARY -> new JsonPrimitive(Base64.getEncoder().encodeToString((byte[]) value));
      default -> new JsonPrimitive(value.toString());
    };
  }

  /**
   * The Java value of a JSON value of this kind, ready for {@link PreparedStatement#setObject};
   * null for JSON null.
   *
   * @throws IllegalArgumentException if the value is not of this kind
   */
  Object parse(JsonElement json) {
    if (json == null || json.isJsonNull()) {
      return null;
    }
    if (!json.isJsonPrimitive()) {
      throw new IllegalArgumentException("not a single value");
    }
    JsonPrimitive p = json.getAsJsonPrimitive();
    try {
      return switch (this) {
        case STRING -> string(p);
        case INTEGER -> {
          if (!p.isNumber()) {
            throw new IllegalArgumentException("not a number");
          }
          yield new BigDecimal(p.getAsString()).longValueExact();
        }
        case BOOLEAN -> {
          if (!p.isBoolean()) {
            throw new IllegalArgumentException("not true or false");
          }
          yield p.getAsBoolean();
        }
        case DECIMAL -> new BigDecimal(string(p));
        case DOUBLE -> {
          if (!p.isNumber()) {
            throw new IllegalArgumentException("not a number");
          }
          yield p.getAsDouble();
        }
        case TIMESTAMPTZ -> OffsetDateTime.parse(string(p));
        case TIMESTAMP -> LocalDateTime.parse(string(p));
        case DATE -> LocalDate.parse(string(p));
        case TIME -> LocalTime.parse(string(p));
        case BINARY -> Base64.getDecoder().decode(string(p));
      };
    } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("not a valid " + code());
    }
  }

  /** In UTC, so the same instant reads the same from H2 (which keeps offsets) and PostgreSQL. */
  private static OffsetDateTime utc(OffsetDateTime time) {
    return time == null ? null : time.withOffsetSameInstant(java.time.ZoneOffset.UTC);
  }

  private static String string(JsonPrimitive p) {
    if (!p.isString()) {
      throw new IllegalArgumentException("not a string");
    }
    return p.getAsString();
  }
}
