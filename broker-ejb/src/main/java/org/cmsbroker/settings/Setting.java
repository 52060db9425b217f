package org.cmsbroker.settings;

import java.util.Locale;
import java.util.Optional;

/**
 * One setting of the broker: its name, its default, whether it is secret, and the rule its value
 * must meet. The one definition the launcher's start-up check and the server's {@code BrokerConfig}
 * both read through. Immutable and thread-safe.
 *
 * @param <T> the type of the parsed value
 */
public final class Setting<T> {
  /**
   * Turns a trimmed, non-empty raw value into the setting's value.
   *
   * @param <T> the value's type
   */
  @FunctionalInterface
  public interface Rule<T> {
    /**
     * @throws IllegalArgumentException with the problem as its message (never the value of a
     *     secret)
     */
    T parse(String value);
  }

  private final String name;
  private final String defaultValue;
  private final boolean secret;
  private final Rule<T> rule;

  private Setting(String name, String defaultValue, boolean secret, Rule<T> rule) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.secret = secret;
    this.rule = rule;
  }

  /** A setting whose value may be shown in messages. */
  public static <T> Setting<T> of(String name, String defaultValue, Rule<T> rule) {
    return new Setting<>(name, defaultValue, false, rule);
  }

  /** A secret setting: its rule's messages must never contain the value. */
  public static <T> Setting<T> secret(String name, Rule<T> rule) {
    return new Setting<>(name, null, true, rule);
  }

  /** The dotted name, for example {@code broker.https.port}. */
  public String name() {
    return name;
  }

  /** The environment-variable form of the name, for example {@code BROKER_HTTPS_PORT}. */
  public String environmentName() {
    return environmentName(name);
  }

  /** The environment-variable form of a setting name, as MicroProfile Config maps it. */
  public static String environmentName(String name) {
    return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  /** The default as text, when the setting has one of its own. */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** Whether the value is a secret (never echoed, never logged). */
  public boolean isSecret() {
    return secret;
  }

  /** Whether {@code source} gives the setting a (non-empty) value. */
  public boolean isSet(SettingSource source) {
    return given(source).isPresent();
  }

  private Optional<String> given(SettingSource source) {
    return source.raw(name).map(String::trim).filter(v -> !v.isEmpty());
  }

  /**
   * The value from {@code source}, else the default; empty when neither is there.
   *
   * @throws InvalidSettingException when the value breaks the rule
   */
  public Optional<T> read(SettingSource source) {
    Optional<String> text = given(source).or(this::defaultValue);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(rule.parse(text.get()));
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(name, e.getMessage());
    }
  }

  /**
   * The value from {@code source}, else the default.
   *
   * @throws InvalidSettingException when the value breaks the rule
   * @throws IllegalStateException when the setting has no value and no default (a bug: only ask for
   *     settings that have a default)
   */
  public T value(SettingSource source) {
    return read(source).orElseThrow(() -> new IllegalStateException(name + " has no default"));
  }

  @Override
  public String toString() {
    return name;
  }
}
