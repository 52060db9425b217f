package org.cmsbroker.backup;

/**
 * A backup or restore that was refused: an unusable recipient or private key, a wrong passphrase, a
 * damaged or altered file, a database that is not empty, an output file that already exists. The
 * message is fixed text for the operator; it never holds a secret or backup content.
 */
public final class BackupException extends Exception {
  private static final long serialVersionUID = 1L;

  public BackupException(String message) {
    super(message, null, false, false);
  }
}
