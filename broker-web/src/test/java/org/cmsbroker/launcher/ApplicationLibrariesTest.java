package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplicationLibrariesTest {
  @TempDir Path temp;

  @Test
  void applicationKeepsEverythingButTheThirdPartyJars() throws Exception {
    Path source =
        war(
            temp.resolve("broker.war"),
            "index.html",
            "WEB-INF/web.xml",
            "WEB-INF/classes/org/cmsbroker/web/A.class",
            "WEB-INF/lib/broker-ejb-0.1.0-SNAPSHOT.jar",
            "WEB-INF/lib/stripe-java-29.5.0.jar",
            "WEB-INF/lib/bcprov-jdk18on-1.87.jar",
            "META-INF/MANIFEST.MF");
    Path war = temp.resolve("ROOT.war");

    ApplicationLibraries.writeApplication(source, war);

    assertEquals(
        List.of(
            "index.html",
            "WEB-INF/web.xml",
            "WEB-INF/classes/org/cmsbroker/web/A.class",
            "WEB-INF/lib/broker-ejb-0.1.0-SNAPSHOT.jar",
            "META-INF/MANIFEST.MF"),
        entries(war));
    try (ZipFile zip = new ZipFile(war.toFile())) {
      assertEquals(
          "WEB-INF/web.xml",
          new String(
              zip.getInputStream(zip.getEntry("WEB-INF/web.xml")).readAllBytes(),
              StandardCharsets.UTF_8));
    }
  }

  @Test
  void onlyJarsDirectlyInWebInfLibAndNotTheBrokersOwnAreLibraries() {
    assertTrue(ApplicationLibraries.isLibrary("WEB-INF/lib/stripe-java-29.5.0.jar"));
    assertFalse(ApplicationLibraries.isLibrary("WEB-INF/lib/broker-ejb-0.1.0-SNAPSHOT.jar"));
    assertFalse(ApplicationLibraries.isLibrary("WEB-INF/lib/"));
    assertFalse(ApplicationLibraries.isLibrary("WEB-INF/lib/nested/other.jar"));
    assertFalse(ApplicationLibraries.isLibrary("WEB-INF/classes/some.jar"));
    assertFalse(ApplicationLibraries.isLibrary("WEB-INF/lib/notes.txt"));
    assertFalse(ApplicationLibraries.isLibrary("lib/stripe-java-29.5.0.jar"));
  }

  /** A zip at {@code path} whose entries are {@code names}, each holding its own name. */
  static Path war(Path path, String... names) throws IOException {
    try (OutputStream file = Files.newOutputStream(path);
        ZipOutputStream zip = new ZipOutputStream(file)) {
      for (String name : names) {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(name.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return path;
  }

  /** The entry names of the zip at {@code path}, in order. */
  static List<String> entries(Path path) throws IOException {
    List<String> names = new ArrayList<>();
    try (ZipFile zip = new ZipFile(path.toFile())) {
      zip.stream().forEach(e -> names.add(e.getName()));
    }
    return names;
  }
}
