package org.cmsbroker.settings;

import java.util.Optional;

/**
 * Where raw setting values come from: MicroProfile Config inside the server, system properties,
 * environment and {@code broker.properties} in the launcher. Implementations return the value as
 * given (it is trimmed by {@link Setting}); an empty value means "not set", as in MicroProfile
 * Config.
 */
@FunctionalInterface
public interface SettingSource {
  /** The raw value of the setting {@code name} (dotted form), or empty when not set. */
  Optional<String> raw(String name);
}
