package org.cmsbroker.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The latest signed checkpoint, kept in {@code <data dir>/audit/checkpoint.jws}: outside the
 * database, owner-only, replaced atomically so a crash leaves the old one or the new one.
 */
public final class AuditCheckpointFile {
  /** The most bytes a checkpoint file may have; anything larger is not one. */
  static final int MAX_BYTES = 16 * 1024;

  private final Path file;

  public AuditCheckpointFile(Path dataDir) {
    this.file = dataDir.resolve("audit").resolve("checkpoint.jws");
  }

  public Path path() {
    return file;
  }

  /** Writes {@code jws} as the latest checkpoint. */
  public void write(String jws) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "checkpoint", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the data directory's own permissions protect it.
      }
      Files.writeString(temp, jws + "\n", StandardCharsets.US_ASCII);
      try {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The latest checkpoint's text, if there is a readable one. */
  public Optional<String> read() throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
      return Optional.empty();
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }
}
