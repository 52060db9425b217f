package org.cmsbroker.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Reads {@code broker.properties} from the data directory. Its ordinal (150) places it below
 * environment variables (300) and system properties (400), so those override the file. The file is
 * read once; a missing file is an empty source. Thread-safe (immutable after construction).
 */
public final class DataDirectoryConfigSource implements ConfigSource {
  private static final int ORDINAL = 150;
  private final Map<String, String> values;

  public DataDirectoryConfigSource() {
    this.values = Collections.unmodifiableMap(load(locateFile()));
  }

  static Path locateFile() {
    String dir = System.getProperty(SettingNames.DATA_DIR);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(SettingNames.environmentName(SettingNames.DATA_DIR));
    }
    if (dir == null || dir.isBlank()) {
      dir = SettingNames.DEFAULT_DATA_DIR;
    }
    return Path.of(dir).resolve(SettingNames.PROPERTIES_FILE);
  }

  static Map<String, String> load(Path file) {
    Map<String, String> map = new HashMap<>();
    if (!Files.isRegularFile(file)) {
      return map;
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException | IllegalArgumentException e) {
      // The launcher validates this file before start; inside the server an unreadable file
      // simply contributes nothing rather than failing every configuration lookup.
      return map;
    }
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    return map;
  }

  @Override
  public Set<String> getPropertyNames() {
    return values.keySet();
  }

  @Override
  public String getValue(String propertyName) {
    return values.get(propertyName);
  }

  @Override
  public String getName() {
    return "broker-data-directory";
  }

  @Override
  public int getOrdinal() {
    return ORDINAL;
  }
}
