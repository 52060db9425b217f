package org.cmsbroker.datakey;

import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.cmsbroker.crypto.FieldCipher;

/**
 * Re-encrypts every {@link EncryptedColumns encrypted column} under one data key, in batches, each
 * batch its own transaction, while the broker runs: a batch reads up to {@link #BATCH} values not
 * yet under the key (in row id order, after the last row of the previous batch), decrypts each with
 * whatever key or format it has, and writes it back under the key only if the row still holds the
 * value read (so a concurrent write, already under the new key, is never overwritten). A value that
 * does not decrypt is left as it is and reported by row id, never by content.
 */
public final class DataKeyRotation {
  /** Values per batch (per transaction). */
  public static final int BATCH = 100;

  /** Runs one batch or one count, each in its own transaction. */
  public interface Batches {
    /** {@link DataKeyRotation#batch} in a transaction of its own. */
    Batch run(EncryptedColumn column, String keyId, String after, int size);

    /** {@link DataKeyRotation#remaining} in a transaction of its own. */
    long remaining(EncryptedColumn column, String keyId);
  }

  /**
   * What one batch did.
   *
   * @param seen values read
   * @param rewritten values written back under the key
   * @param lastId the id of the last row read (where the next batch starts); null when none
   * @param failed row ids ({@code table.column id}) whose value did not decrypt
   */
  public record Batch(int seen, int rewritten, String lastId, List<String> failed) {}

  /**
   * What a re-encryption did.
   *
   * @param keyId the key everything was re-encrypted under
   * @param rewritten values rewritten
   * @param failed values that did not decrypt ({@code table.column id}), left as they were
   * @param remaining values still not under the key at the end (the failed ones included)
   */
  public record Report(String keyId, long rewritten, List<String> failed, long remaining) {}

  private DataKeyRotation() {}

  private static String notUnder(EncryptedColumn c, String prefix) {
    return c.column()
        + " IS NOT NULL AND (CHAR_LENGTH("
        + c.column()
        + ") < "
        + prefix.length()
        + " OR SUBSTRING("
        + c.column()
        + " FROM 1 FOR "
        + prefix.length()
        + ") <> ?)";
  }

  /**
   * One batch, in {@code em}'s transaction: up to {@code size} values of {@code column} not under
   * {@code keyId}, in rows after {@code after} (the empty string for the first batch).
   */
  public static Batch batch(
      EntityManager em,
      FieldCipher cipher,
      EncryptedColumn column,
      String keyId,
      String after,
      int size) {
    String prefix = FieldCipher.prefix(keyId);
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT "
                    + column.idColumn()
                    + ", "
                    + column.column()
                    + " FROM "
                    + column.table()
                    + " WHERE "
                    + notUnder(column, prefix)
                    + " AND "
                    + column.idColumn()
                    + " > ? ORDER BY "
                    + column.idColumn())
            .setParameter(1, prefix)
            .setParameter(2, after)
            .setMaxResults(size)
            .getResultList();
    int rewritten = 0;
    String lastId = null;
    List<String> failed = new ArrayList<>();
    for (Object[] row : rows) {
      String id = (String) row[0];
      String stored = (String) row[1];
      lastId = id;
      String field = column.fieldOf(id);
      boolean plain = column.plainInOldRows() && !FieldCipher.isCiphertext(stored);
      String plaintext;
      try {
        plaintext = plain ? stored : cipher.decrypt(field, id, stored);
      } catch (IllegalStateException e) {
        failed.add(column.name() + " " + id);
        continue;
      }
      // A plain old value has its blind index in the old form too: both change together.
      boolean withIndex = plain && column.indexColumn() != null;
      var update =
          em.createNativeQuery(
                  "UPDATE "
                      + column.table()
                      + " SET "
                      + column.column()
                      + " = ?"
                      + (withIndex ? ", " + column.indexColumn() + " = ?" : "")
                      + " WHERE "
                      + column.idColumn()
                      + " = ? AND "
                      + column.column()
                      + " = ?")
              .setParameter(1, cipher.encrypt(field, id, plaintext));
      int next = 2;
      if (withIndex) {
        update.setParameter(next++, column.index().apply(cipher, plaintext));
      }
      rewritten += update.setParameter(next++, id).setParameter(next, stored).executeUpdate();
    }
    return new Batch(rows.size(), rewritten, lastId, failed);
  }

  /** How many values of {@code column} are not under {@code keyId}, in {@code em}'s transaction. */
  public static long remaining(EntityManager em, EncryptedColumn column, String keyId) {
    return ((Number)
            em.createNativeQuery(
                    "SELECT COUNT(*) FROM "
                        + column.table()
                        + " WHERE "
                        + notUnder(column, FieldCipher.prefix(keyId)))
                .setParameter(1, FieldCipher.prefix(keyId))
                .getSingleResult())
        .longValue();
  }

  /**
   * Re-encrypts every encrypted column under {@code keyId}: one pass over every column, a second
   * for rows changed meanwhile, and, when {@code settle} is not zero, a last one after {@code
   * settle} (other instances take up a new key within {@link org.cmsbroker.crypto.DataKeys#REFRESH}
   * and may write under the old one until then).
   *
   * @throws InterruptedException when interrupted while settling
   */
  public static Report reencryptAll(Batches batches, String keyId, Duration settle)
      throws InterruptedException {
    long rewritten = 0;
    Set<String> failed = new LinkedHashSet<>();
    int passes = settle.isZero() ? 2 : 3;
    for (int pass = 0; pass < passes; pass++) {
      if (pass == 2) {
        Thread.sleep(settle.toMillis());
      }
      for (EncryptedColumn column : EncryptedColumns.ALL) {
        String after = "";
        while (true) {
          Batch b = batches.run(column, keyId, after, BATCH);
          rewritten += b.rewritten();
          failed.addAll(b.failed());
          if (b.seen() < BATCH) {
            break;
          }
          after = b.lastId();
        }
      }
    }
    long remaining = 0;
    for (EncryptedColumn column : EncryptedColumns.ALL) {
      remaining += batches.remaining(column, keyId);
    }
    return new Report(keyId, rewritten, List.copyOf(failed), remaining);
  }
}
