package org.cmsbroker.backup;

import java.util.List;

/**
 * The plaintext inside a backup's OpenPGP envelope: UTF-8 JSON, one value per line, so that {@code
 * gpg --decrypt} output can be read, searched and compared with ordinary tools.
 *
 * <pre>
 * {"format":"cms-broker-backup","format_version":1,"created_at":"…","schema_version":"15","database":"H2 2.2.224"}
 * {"file":"secrets/master.key","data":"&lt;base64&gt;"}            one per data directory file
 * {"table":"account","columns":[["id","string"],…]}          then one JSON array per row
 * ["0b6c…","ada",…]
 * {"end_table":"account","rows":1}
 * …
 * {"end":"cms-broker-backup","tables":17,"rows":42}
 * </pre>
 *
 * Tables come parents first (foreign keys), rows in primary key order. Value kinds are those of
 * {@link ColumnKind}. Flyway's history table is not exported; {@code schema_version} is its latest
 * applied version, which a restore migrates an empty database to before inserting rows.
 */
final class BackupFormat {
  static final String FORMAT = "cms-broker-backup";
  static final int FORMAT_VERSION = 1;

  /** The master key file, relative to the data directory. */
  static final String MASTER_KEY_FILE = "secrets/master.key";

  /** The signed audit checkpoint, relative to the data directory. */
  static final String AUDIT_CHECKPOINT_FILE = "audit/checkpoint.jws";

  /** The data directory files a backup may carry; nothing else is ever restored. */
  static final List<String> FILES = List.of(MASTER_KEY_FILE, AUDIT_CHECKPOINT_FILE);

  /** The longest line a restore reads (a row with the largest ciphertext columns fits easily). */
  static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

  private BackupFormat() {}
}
