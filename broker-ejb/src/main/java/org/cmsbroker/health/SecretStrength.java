package org.cmsbroker.health;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a configured secret is strong enough: long enough, not a placeholder from an example, and
 * with enough variety. A conservative estimate, not a proof: it catches {@code changeme}, {@code
 * <the secret>}, {@code aaaa...}, {@code abcd...}, {@code 1234...} and short values, not a long
 * password someone can guess. The reasons it gives never contain the value or any part of it.
 */
final class SecretStrength {
  /** The least estimated strength, in bits, that passes. */
  static final int MIN_BITS = 64;

  /**
   * Words that make up example and default values; a value made mostly of them (ignoring case,
   * digits around them and punctuation) is a placeholder.
   */
  private static final List<String> PLACEHOLDERS =
      List.of(
          "changeme",
          "replaceme",
          "placeholder",
          "password",
          "passwort",
          "passwd",
          "secret",
          "example",
          "default",
          "letmein",
          "qwerty",
          "postgres",
          "broker",
          "hazelcast",
          "payara",
          "admin",
          "dummy",
          "sample",
          "change",
          "replace",
          "your",
          "test",
          "todo",
          "fixme",
          "xxxx",
          "none",
          "null");

  private SecretStrength() {}

  /**
   * Why {@code value} is weak, or empty when it is strong enough.
   *
   * @param minChars the fewest characters accepted
   */
  static Optional<String> weakness(String value, int minChars) {
    if (value.length() < minChars) {
      return Optional.of("shorter than " + minChars + " characters");
    }
    if ((value.startsWith("<") && value.endsWith(">")) || value.contains("...")) {
      return Optional.of("a placeholder from an example");
    }
    String folded = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    String rest = folded;
    for (String word : PLACEHOLDERS) {
      rest = rest.replace(word, "");
    }
    int letters = folded.length();
    if (letters > 0 && (letters - rest.length()) * 2 >= letters) {
      return Optional.of("mostly a placeholder word (such as changeme, secret or password)");
    }
    long distinct = value.codePoints().distinct().count();
    if (distinct < Math.min(10, value.length() / 2)) {
      return Optional.of("too few different characters (" + distinct + ")");
    }
    double bits = bits(value);
    if (bits < MIN_BITS) {
      return Optional.of(
          "too predictable (about " + (int) bits + " bits; at least " + MIN_BITS + " are needed)");
    }
    return Optional.empty();
  }

  /**
   * An estimate of the strength in bits: each character that does not continue a run ({@code aaa})
   * or a sequence ({@code abc}, {@code 321}) counts {@code log2} of the alphabet the value draws on
   * (lower case, upper case, digits, others); no more than twice the number of different characters
   * count.
   */
  static double bits(String value) {
    int pool = 0;
    if (value.chars().anyMatch(c -> c >= 'a' && c <= 'z')) {
      pool += 26;
    }
    if (value.chars().anyMatch(c -> c >= 'A' && c <= 'Z')) {
      pool += 26;
    }
    if (value.chars().anyMatch(c -> c >= '0' && c <= '9')) {
      pool += 10;
    }
    if (value.chars().anyMatch(c -> !Character.isLetterOrDigit(c) || c > 0x7f)) {
      pool += 33;
    }
    int counted = 0;
    int previous = -2;
    for (int c : value.codePoints().toArray()) {
      if (Math.abs(c - previous) > 1) {
        counted++;
      }
      previous = c;
    }
    long distinct = value.codePoints().distinct().count();
    counted = (int) Math.min(counted, 2 * distinct);
    return counted * (Math.log(Math.max(pool, 2)) / Math.log(2));
  }

  /**
   * Why a key of raw bytes is weak (it should be random), or empty: fewer than half as many
   * different byte values as bytes, which random bytes practically never have.
   */
  static Optional<String> keyWeakness(byte[] key) {
    long distinct =
        java.util.stream.IntStream.range(0, key.length).map(i -> key[i]).distinct().count();
    return distinct * 2 < key.length
        ? Optional.of(
            "not random bytes (" + distinct + " different byte values in " + key.length + ")")
        : Optional.empty();
  }
}
