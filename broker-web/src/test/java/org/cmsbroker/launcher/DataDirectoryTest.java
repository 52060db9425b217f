package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
  @TempDir Path temp;

  private static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void prepareCreatesMissingDirectoriesOwnerOnly() throws Exception {
    Path root = temp.resolve("a/b/data");

    DataDirectory data = DataDirectory.prepare(root);

    assertEquals(root, data.root());
    assertTrue(Files.isDirectory(root));
    assertEquals("rwx------", permissions(root));
  }

  @Test
  void prepareRestrictsAnExistingOpenDirectory() throws Exception {
    Path root = Files.createDirectory(temp.resolve("data"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));

    DataDirectory.prepare(root);

    assertEquals("rwx------", permissions(root));
  }

  @Test
  void prepareRefusesAFileInPlaceOfTheDirectory() throws Exception {
    Path root = Files.writeString(temp.resolve("data"), "x");

    ConfigException e = assertThrows(ConfigException.class, () -> DataDirectory.prepare(root));

    assertEquals("BROKER_DATA_DIR: " + root + " exists and is not a directory", e.getMessage());
  }

  @Test
  void subdirectoryIsOwnerOnly() throws Exception {
    DataDirectory data = DataDirectory.prepare(temp.resolve("data"));

    Path tls = data.directory("tls");

    assertEquals(data.root().resolve("tls"), tls);
    assertEquals("rwx------", permissions(tls));
  }

  @Test
  void freshDirectoryDropsEverythingInside() throws Exception {
    DataDirectory data = DataDirectory.prepare(temp.resolve("data"));
    Path runtime = data.directory("runtime");
    Files.createDirectories(runtime.resolve("payara/config"));
    Files.writeString(runtime.resolve("payara/config/domain.xml"), "<old/>");

    Path fresh = data.freshDirectory("runtime");

    assertEquals(runtime, fresh);
    try (var entries = Files.list(fresh)) {
      assertEquals(0, entries.count());
    }
  }

  @Test
  void writtenFileIsOwnerOnly() throws Exception {
    Path file = temp.resolve("secret.pem");

    DataDirectory.writeOwnerOnly(file, "key".getBytes(StandardCharsets.US_ASCII));

    assertEquals("rw-------", permissions(file));
    assertEquals("key", Files.readString(file));
    assertFalse(Files.exists(temp.resolve("secret.pem.tmp")));
  }

  @Test
  void writingReplacesAnOpenFileWithAnOwnerOnlyOne() throws Exception {
    Path file = Files.writeString(temp.resolve("secret.pem"), "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    DataDirectory.writeOwnerOnly(file, "new".getBytes(StandardCharsets.US_ASCII));

    assertEquals("rw-------", permissions(file));
    assertEquals("new", Files.readString(file));
  }

  @Test
  void copiedFileIsOwnerOnly() throws Exception {
    Path source = Files.writeString(temp.resolve("source.war"), "war");
    Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
    Path target = temp.resolve("copy.war");

    DataDirectory.copyOwnerOnly(source, target);

    assertEquals("rw-------", permissions(target));
    assertEquals("war", Files.readString(target));
  }
}
