package org.cmsbroker.config;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

/** A MicroProfile {@link Config} over a map, converting to String, Integer, Long and Boolean. */
final class MapConfig implements Config {
  private final Map<String, String> values;

  MapConfig(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  @Override
  public <T> T getValue(String name, Class<T> type) {
    return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
  }

  @Override
  public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
    String raw = values.get(name);
    if (raw == null) {
      return Optional.empty();
    }
    Object value;
    if (type == String.class) {
      value = raw;
    } else if (type == Integer.class) {
      value = Integer.valueOf(raw.trim());
    } else if (type == Long.class) {
      value = Long.valueOf(raw.trim());
    } else if (type == Boolean.class) {
      value = Boolean.valueOf(raw.trim());
    } else {
      throw new IllegalArgumentException("no converter for " + type);
    }
    return Optional.of(type.cast(value));
  }

  @Override
  public ConfigValue getConfigValue(String name) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Iterable<String> getPropertyNames() {
    return values.keySet();
  }

  @Override
  public Iterable<ConfigSource> getConfigSources() {
    throw new UnsupportedOperationException();
  }

  @Override
  public <T> Optional<Converter<T>> getConverter(Class<T> forType) {
    return Optional.empty();
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    throw new IllegalArgumentException();
  }
}
