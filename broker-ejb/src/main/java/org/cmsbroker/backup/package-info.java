/**
 * Encrypted backups and their restore ({@code broker.jar backup} and {@code broker.jar restore}).
 *
 * <p><b>Backup</b> runs inside the broker, because the embedded H2 database is locked by the
 * running broker: the launcher sends the operator's OpenPGP public key and the output path over the
 * admin socket, and {@link org.cmsbroker.backup.BackupService} writes the file itself. Its content
 * is every table (read generically from JDBC metadata in one read-only transaction), the Flyway
 * schema version, the master key (which encrypts the personal fields and the signing and login keys
 * in the database) and the signed audit checkpoint; as JSON lines ({@code BackupFormat}), in an
 * OpenPGP message encrypted to the operator's key (AES-256, integrity protected, ZLIB compressed),
 * which {@code gpg --decrypt} reads. The server cannot read its own backups. The time of the last
 * success is kept in {@code <data dir>/backup/last-success}.
 *
 * <p><b>Restore</b> runs with no broker running, from the launcher, into an empty database (H2 or
 * PostgreSQL, whichever the settings name, so a backup of one restores into the other). The
 * launcher has neither Flyway nor these classes on its own class path; rather than ship a second
 * copy of them beside {@code broker.jar}, it loads {@link org.cmsbroker.backup.RestoreTool} from
 * the libraries inside {@code broker.war} (the very Flyway, migrations, JDBC drivers and Bouncy
 * Castle the server runs) in a class loader of its own, and calls it with JDK types only. A restore
 * at the broker's next boot was the other choice; it would have needed the private key or a
 * decrypted copy inside the data directory, and it would report failures in the server log instead
 * of to the operator who typed the command.
 */
package org.cmsbroker.backup;
