package org.cmsbroker.launcher;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The broker's data directory: created {@code 0700}; every file the broker writes in it {@code
 * 0600}. Holds the TLS material, the H2 database by default, and {@code runtime/}, which is made
 * anew at every start.
 */
public final class DataDirectory {
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");

  private final Path root;

  private DataDirectory(Path root) {
    this.root = root;
  }

  /** Creates the directory if needed and restricts it to its owner. */
  public static DataDirectory prepare(Path root) throws ConfigException {
    try {
      if (Files.exists(root, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(root)) {
        throw new ConfigException("BROKER_DATA_DIR", root + " exists and is not a directory");
      }
      Files.createDirectories(root);
      restrictDirectory(root);
      if (!Files.isWritable(root)) {
        throw new ConfigException("BROKER_DATA_DIR", root + " is not writable");
      }
      return new DataDirectory(root);
    } catch (IOException e) {
      throw new ConfigException(
          "BROKER_DATA_DIR", "cannot create " + root + ": " + SettingsLoader.describe(e));
    }
  }

  public Path root() {
    return root;
  }

  /** A subdirectory, created {@code 0700}. */
  public Path directory(String name) throws IOException {
    Path dir = root.resolve(name);
    Files.createDirectories(dir);
    restrictDirectory(dir);
    return dir;
  }

  /** Deletes and recreates a subdirectory (Payara's root dir is made anew at every start). */
  public Path freshDirectory(String name) throws IOException {
    Path dir = root.resolve(name);
    deleteRecursively(dir);
    return directory(name);
  }

  /** Writes a file readable by the owner only, atomically (temporary file, then rename). */
  public static void writeOwnerOnly(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (supportsPosix(file.getParent())) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
    } else {
      Files.createFile(tmp);
    }
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Copies a file into the data directory with owner-only permissions. */
  public static void copyOwnerOnly(Path source, Path target) throws IOException {
    writeOwnerOnly(target, Files.readAllBytes(source));
  }

  private static void restrictDirectory(Path dir) throws IOException {
    if (supportsPosix(dir)) {
      Files.setPosixFilePermissions(dir, OWNER_DIR);
    }
  }

  private static boolean supportsPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
