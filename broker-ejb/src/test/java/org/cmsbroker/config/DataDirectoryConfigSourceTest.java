package org.cmsbroker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryConfigSourceTest {
  @TempDir Path dataDir;
  private String previousDataDir;

  @BeforeEach
  void rememberSystemProperty() {
    previousDataDir = System.getProperty(SettingNames.DATA_DIR);
  }

  @AfterEach
  void restoreSystemProperty() {
    if (previousDataDir == null) {
      System.clearProperty(SettingNames.DATA_DIR);
    } else {
      System.setProperty(SettingNames.DATA_DIR, previousDataDir);
    }
  }

  private Path writeProperties(String content) throws IOException {
    Path file = dataDir.resolve(SettingNames.PROPERTIES_FILE);
    Files.writeString(file, content, StandardCharsets.ISO_8859_1);
    return file;
  }

  @Test
  void readsBrokerPropertiesFromDataDirectoryNamedBySystemProperty() throws IOException {
    writeProperties("broker.https.port=9443\nbroker.public.url=https://broker.example.org\n");
    System.setProperty(SettingNames.DATA_DIR, dataDir.toString());

    DataDirectoryConfigSource source = new DataDirectoryConfigSource();

    assertEquals("9443", source.getValue("broker.https.port"));
    assertEquals("https://broker.example.org", source.getValue("broker.public.url"));
    assertEquals(Set.of("broker.https.port", "broker.public.url"), source.getPropertyNames());
  }

  @Test
  void locatesFileInsideDataDirectoryFromSystemProperty() {
    System.setProperty(SettingNames.DATA_DIR, dataDir.toString());

    assertEquals(dataDir.resolve("broker.properties"), DataDirectoryConfigSource.locateFile());
  }

  @Test
  void blankSystemPropertyFallsBackToDefaultDataDirectory() {
    System.setProperty(SettingNames.DATA_DIR, " ");
    assumeTrue(System.getenv("BROKER_DATA_DIR") == null, "BROKER_DATA_DIR is set here");

    assertEquals(
        Path.of("./broker-data").resolve("broker.properties"),
        DataDirectoryConfigSource.locateFile());
  }

  @Test
  void missingFileIsAnEmptySource() {
    assertEquals(Map.of(), DataDirectoryConfigSource.load(dataDir.resolve("broker.properties")));
  }

  @Test
  void directoryInPlaceOfFileIsAnEmptySource() throws IOException {
    Path file = Files.createDirectory(dataDir.resolve("broker.properties"));

    assertEquals(Map.of(), DataDirectoryConfigSource.load(file));
  }

  @Test
  void malformedFileIsAnEmptySourceRatherThanAFailure() throws IOException {
    Path file = writeProperties("broker.https.port=9443\nbroker.db.user=\\uZZZZ\n");

    assertEquals(Map.of(), DataDirectoryConfigSource.load(file));
  }

  @Test
  void unknownPropertyIsNull() throws IOException {
    System.setProperty(SettingNames.DATA_DIR, dataDir.toString());
    writeProperties("broker.https.port=9443\n");

    assertNull(new DataDirectoryConfigSource().getValue("broker.http.port"));
  }

  @Test
  void ordinalIsBelowEnvironmentAndSystemProperties() {
    System.setProperty(SettingNames.DATA_DIR, dataDir.toString());
    DataDirectoryConfigSource source = new DataDirectoryConfigSource();

    assertEquals(150, source.getOrdinal());
    assertTrue(source.getOrdinal() < 300);
    assertEquals("broker-data-directory", source.getName());
  }

  @Test
  void valuesCannotBeChangedAfterConstruction() throws IOException {
    System.setProperty(SettingNames.DATA_DIR, dataDir.toString());
    writeProperties("broker.https.port=9443\n");
    DataDirectoryConfigSource source = new DataDirectoryConfigSource();

    assertThrows(UnsupportedOperationException.class, () -> source.getPropertyNames().clear());
  }

  @Test
  void fileIsReadOnceAtConstruction() throws IOException {
    System.setProperty(SettingNames.DATA_DIR, dataDir.toString());
    writeProperties("broker.https.port=9443\n");
    DataDirectoryConfigSource source = new DataDirectoryConfigSource();

    writeProperties("broker.https.port=10443\n");

    assertEquals("9443", source.getValue("broker.https.port"));
  }
}
