package org.cmsbroker.crypto;

/**
 * Argon2id cost parameters (RFC 9106), stored with every hash. Immutable.
 *
 * @param memoryKiB memory in KiB ({@code m}); at least {@code 8 * parallelism}
 * @param iterations passes over memory ({@code t}); at least 1
 * @param parallelism lanes ({@code p}); at least 1
 */
public record Argon2idParameters(int memoryKiB, int iterations, int parallelism) {

  /** OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1. The broker's default. */
  public static final Argon2idParameters OWASP_DEFAULT = new Argon2idParameters(19_456, 2, 1);

  /** Upper bounds when reading a stored hash, so a tampered row cannot exhaust memory or CPU. */
  static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;

  static final int MAX_ITERATIONS = 100;
  static final int MAX_PARALLELISM = 64;

  /**
   * @throws IllegalArgumentException if a parameter is out of Argon2's range or above the bounds
   *     the broker reads back
   */
  public Argon2idParameters {
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException("Argon2id parallelism must be between 1 and 64");
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("Argon2id iterations must be between 1 and 100");
    }
    if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
      throw new IllegalArgumentException(
          "Argon2id memory must be at least 8 KiB per lane and at most 4 GiB");
    }
  }

  /**
   * Whether these parameters cost at least as much as the cheapest of OWASP's equivalent Argon2id
   * settings (46 MiB/t=1 ... 7 MiB/t=5): at least 7 MiB, and memory times iterations at least 7 MiB
   * x 5. The configuration edge refuses to start below this; tests may use smaller values.
   */
  public boolean meetsOwaspMinimum() {
    return memoryKiB >= 7_168 && (long) memoryKiB * iterations >= 7_168L * 5;
  }

  /** Whether a hash made with these parameters is weaker than one made with {@code other}. */
  boolean weakerThan(Argon2idParameters other) {
    return memoryKiB < other.memoryKiB
        || iterations < other.iterations
        || parallelism < other.parallelism;
  }
}
