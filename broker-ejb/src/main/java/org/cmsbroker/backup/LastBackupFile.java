package org.cmsbroker.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When this broker last wrote a backup successfully: {@code <data dir>/backup/last-success}, one
 * ISO-8601 instant, replaced atomically. Read by the self-check ("backups recent").
 */
final class LastBackupFile {
  private final Path file;

  LastBackupFile(Path dataDir) {
    this.file = dataDir.resolve("backup").resolve("last-success");
  }

  void write(Instant when) throws IOException {
    OwnerOnlyFiles.replace(file, (when + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** The last success, if one is recorded and readable. */
  Optional<Instant> read() {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > 100) {
        return Optional.empty();
      }
      return Optional.of(Instant.parse(Files.readString(file, StandardCharsets.US_ASCII).trim()));
    } catch (IOException | DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
