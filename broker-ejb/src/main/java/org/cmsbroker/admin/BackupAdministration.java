package org.cmsbroker.admin;

import java.nio.file.Path;
import org.cmsbroker.backup.BackupException;
import org.cmsbroker.backup.BackupReceipt;

/** What the admin commands may do with backups: write one. */
public interface BackupAdministration {
  /**
   * Writes an encrypted backup of the running broker.
   *
   * @param recipientKey the operator's OpenPGP public key (armored or binary)
   * @param out where to write it: an absolute path that does not exist yet
   * @throws BackupException if refused; the message says why and holds no secret
   */
  BackupReceipt create(byte[] recipientKey, Path out) throws BackupException;
}
