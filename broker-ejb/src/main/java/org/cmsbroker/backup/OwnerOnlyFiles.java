package org.cmsbroker.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files and directories only their owner can read, written through a temporary file. */
final class OwnerOnlyFiles {
  private OwnerOnlyFiles() {}

  /** A new empty owner-only ({@code 0600}) temporary file in {@code dir}. */
  static Path createTemp(Path dir, String prefix) throws IOException {
    if (posix(dir)) {
      return Files.createTempFile(
          dir,
          "." + prefix + ".",
          ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return Files.createTempFile(dir, "." + prefix + ".", ".tmp");
  }

  /** Creates {@code dir} and its parents; the last one owner-only ({@code 0700}) if new. */
  static void createDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir);
    if (posix(dir)) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /**
   * Gives {@code temp} the name {@code target}, never replacing an existing file: with a hard link
   * (atomic, fails if the name exists), or a plain move where links are not supported.
   *
   * @throws FileAlreadyExistsException if {@code target} exists
   */
  static void publish(Path temp, Path target) throws IOException {
    try {
      Files.createLink(target, temp);
      Files.delete(temp);
    } catch (UnsupportedOperationException e) {
      Files.move(temp, target);
    }
  }

  /** Writes {@code content} to {@code target} (owner-only), replacing it atomically. */
  static void replace(Path target, byte[] content) throws IOException {
    createDirectory(target.getParent());
    Path temp = createTemp(target.getParent(), target.getFileName().toString());
    try {
      Files.write(temp, content);
      try {
        Files.move(
            temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  private static boolean posix(Path dir) {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
