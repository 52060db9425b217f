package org.cmsbroker.backup;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What a backup wrote.
 *
 * @param file the encrypted backup
 * @param createdAt when its snapshot was taken
 * @param schemaVersion the schema version it was taken at
 * @param tables how many tables it holds
 * @param rows how many rows in all
 * @param recipientFingerprint the fingerprint of the OpenPGP key it is encrypted to
 * @param recipientKeyId the id of the (sub)key it is encrypted to, as gpg prints it
 * @param recipientUserId the key's first user id (may be empty)
 */
public record BackupReceipt(
    Path file,
    Instant createdAt,
    String schemaVersion,
    int tables,
    long rows,
    String recipientFingerprint,
    String recipientKeyId,
    String recipientUserId) {}
