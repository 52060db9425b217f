package org.cmsbroker.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.Column;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.metamodel.Attribute;
import jakarta.persistence.metamodel.EntityType;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cmsbroker.datakey.EncryptedColumns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every stored field has its {@link DataClass}: each persistent field of each entity is annotated,
 * each column the migrations make is mapped by an annotated field or listed in {@link
 * UnmappedColumns}, nothing stored is Secret, and a Confidential value is encrypted or hashed
 * unless it is one of the {@link #PLAIN_CONFIDENTIAL} exceptions, each with its reason.
 */
class DataClassificationTest {

  /**
   * Confidential columns still kept plain, and why. The test prints them, and fails both when a new
   * one appears and when one listed here is no longer plain (so the list cannot go stale).
   */
  static final Map<String, String> PLAIN_CONFIDENTIAL =
      Map.of(
          "security_event.remote_ip",
          "the audit row is hash-chained and sealed, so it cannot be re-encrypted at a key rotation;"
              + " old rows are pruned after BROKER_AUDIT_RETENTION_DAYS");

  /** One classified column, from an entity field or from {@link UnmappedColumns}. */
  record Classified(String column, DataClass.Level level, DataClass.AtRest atRest) {}

  /** The persistent fields of {@code entity} (and its superclasses) that carry no data class. */
  static List<String> unannotatedFields(Class<?> entity) {
    List<String> missing = new ArrayList<>();
    for (Class<?> c = entity; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (persistent(f) && !f.isAnnotationPresent(DataClass.class)) {
          missing.add(c.getSimpleName() + "." + f.getName());
        }
      }
    }
    return missing;
  }

  private static boolean persistent(Field f) {
    int m = f.getModifiers();
    return !Modifier.isStatic(m)
        && !Modifier.isTransient(m)
        && !f.isSynthetic()
        && !f.isAnnotationPresent(Transient.class);
  }

  private static String table(Class<?> entity) {
    Table t = entity.getAnnotation(Table.class);
    return (t == null || t.name().isEmpty() ? entity.getSimpleName() : t.name())
        .toLowerCase(Locale.ROOT);
  }

  private static String column(Field f) {
    Column c = f.getAnnotation(Column.class);
    return (c == null || c.name().isEmpty() ? f.getName() : c.name()).toLowerCase(Locale.ROOT);
  }

  /** The entities of the persistence unit, from its metamodel. */
  private static Set<EntityType<?>> entities(TestDatabase db) {
    return db.inTransaction(em -> em.getMetamodel().getEntities());
  }

  /** Every column mapped by an annotated entity field or listed as unmapped, with its class. */
  private static Map<String, Classified> classified(TestDatabase db) {
    Map<String, Classified> all = new TreeMap<>();
    for (EntityType<?> type : entities(db)) {
      for (Attribute<?, ?> attribute : type.getAttributes()) {
        Member member = attribute.getJavaMember();
        if (!(member instanceof Field f)) {
          continue; // reported by unannotatedFields: the broker maps fields only
        }
        DataClass dc = f.getAnnotation(DataClass.class);
        if (dc != null) {
          String name = table(type.getJavaType()) + "." + column(f);
          all.put(name, new Classified(name, dc.value(), dc.atRest()));
        }
      }
    }
    for (UnmappedColumns.Column c : UnmappedColumns.ALL) {
      String name = c.table() + "." + c.column();
      all.put(name, new Classified(name, c.level(), c.atRest()));
    }
    return all;
  }

  /** The columns of every table in the database's current schema but Flyway's own, lower case. */
  static Set<String> schemaColumns(TestDatabase db) throws SQLException {
    Set<String> columns = new TreeSet<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name, column_name FROM information_schema.columns"
                    + " WHERE table_schema = current_schema")) {
      while (rs.next()) {
        String table = rs.getString(1).toLowerCase(Locale.ROOT);
        if (!table.equals("flyway_schema_history")) {
          columns.add(table + "." + rs.getString(2).toLowerCase(Locale.ROOT));
        }
      }
    }
    return columns;
  }

  /** Columns of the schema with no class: neither mapped by an annotated field nor listed. */
  static Set<String> unclassifiedColumns(TestDatabase db) throws SQLException {
    Set<String> missing = schemaColumns(db);
    missing.removeAll(classified(db).keySet());
    return missing;
  }

  static List<String> databases() {
    return TestDatabase.names().toList();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void everyPersistentFieldOfEveryEntityHasADataClass(String database) {
    try (TestDatabase db = TestDatabase.named(database)) {
      Set<EntityType<?>> entities = entities(db);
      assertTrue(entities.size() >= 16, "the metamodel lists the broker's entities");
      List<String> missing = new ArrayList<>();
      for (EntityType<?> type : entities) {
        missing.addAll(unannotatedFields(type.getJavaType()));
        for (Attribute<?, ?> attribute : type.getAttributes()) {
          if (!(attribute.getJavaMember() instanceof Field f)
              || !f.isAnnotationPresent(DataClass.class)) {
            missing.add(type.getName() + "." + attribute.getName() + " (metamodel)");
          }
        }
      }
      assertEquals(List.of(), missing, "entity fields without @DataClass");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void everyColumnOfTheMigrationsHasADataClass(String database) throws SQLException {
    try (TestDatabase db = TestDatabase.named(database)) {
      assertEquals(
          Set.of(),
          unclassifiedColumns(db),
          "columns neither mapped by an annotated entity field nor listed in UnmappedColumns");
      Set<String> stale = new TreeSet<>(classified(db).keySet());
      stale.removeAll(schemaColumns(db));
      assertEquals(Set.of(), stale, "classified columns that the schema does not have");
      for (UnmappedColumns.Column c : UnmappedColumns.ALL) {
        String name = c.table() + "." + c.column();
        for (EntityType<?> type : entities(db)) {
          for (Attribute<?, ?> a : type.getAttributes()) {
            assertFalse(
                a.getJavaMember() instanceof Field f
                    && name.equals(table(type.getJavaType()) + "." + column(f)),
                name + " is listed as unmapped but " + type.getName() + " maps it");
          }
        }
      }
    }
  }

  @Test
  void nothingStoredIsSecretAndConfidentialValuesAreEncryptedOrHashed() {
    try (TestDatabase db = new TestDatabase()) {
      List<String> secret = new ArrayList<>();
      Set<String> plainConfidential = new TreeSet<>();
      for (Classified c : classified(db).values()) {
        if (c.level() == DataClass.Level.SECRET) {
          secret.add(c.column());
        }
        if (c.level() == DataClass.Level.CONFIDENTIAL && c.atRest() == DataClass.AtRest.PLAIN) {
          plainConfidential.add(c.column());
        }
      }
      assertEquals(List.of(), secret, "Secret data is never stored");
      System.out.println("Confidential columns still stored plain (DataClassificationTest):");
      new TreeMap<>(PLAIN_CONFIDENTIAL)
          .forEach((column, why) -> System.out.println("  " + column + ": " + why));
      assertEquals(
          new TreeSet<>(PLAIN_CONFIDENTIAL.keySet()),
          plainConfidential,
          "Confidential columns kept plain must be exactly the listed exceptions");
    }
  }

  @Test
  void everyEncryptedColumnIsReEncryptedAtADataKeyRotation() {
    try (TestDatabase db = new TestDatabase()) {
      Set<String> encrypted = new TreeSet<>();
      for (Classified c : classified(db).values()) {
        if (c.atRest() == DataClass.AtRest.ENCRYPTED) {
          encrypted.add(c.column());
        }
      }
      Set<String> rotated = new TreeSet<>();
      EncryptedColumns.ALL.forEach(c -> rotated.add(c.name()));
      // Wrapped by the master key itself, not by a data key.
      rotated.add("data_key.wrapped_key");
      assertEquals(rotated, encrypted, "EncryptedColumns must list every encrypted column");
    }
  }

  /** A class as an entity would be written with one field forgotten. */
  static class Forgotten {
    @DataClass(DataClass.Level.RESTRICTED)
    private String id;

    private String email;

    private static final long CONSTANT = 1L;

    @Transient private String derived;
  }

  @Test
  void aFieldWithoutADataClassIsReported() {
    assertEquals(List.of("Forgotten.email"), unannotatedFields(Forgotten.class));
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aNewMigrationColumnWithoutADataClassIsReported(String database) throws SQLException {
    try (TestDatabase db = TestDatabase.named(database)) {
      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE payment ADD COLUMN donor_phone VARCHAR(40)");
        s.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY)");
      }
      assertEquals(Set.of("payment.donor_phone", "probe.id"), unclassifiedColumns(db));
    }
  }
}
