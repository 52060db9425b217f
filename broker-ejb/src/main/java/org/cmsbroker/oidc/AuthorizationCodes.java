package org.cmsbroker.oidc;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.cmsbroker.crypto.SecretTokens;

/**
 * Authorization codes: 256 random bits, 60 seconds, single use. Only a hash is kept. A code
 * presented a second time is refused and reported, so the caller can revoke what its first use
 * issued (RFC 6749 4.1.2). In memory: one instance (a data grid comes with scale-out). Thread-safe.
 */
public final class AuthorizationCodes {
  public static final Duration LIFETIME = Duration.ofSeconds(60);

  /** How a redemption went. */
  public sealed interface Redemption {
    /** First and valid use. */
    record Redeemed(AuthorizationCode code) implements Redemption {}

    /** Unknown or expired. */
    record Invalid() implements Redemption {}

    /** Used before: names what the first use issued (any may be null), to revoke. */
    record Replayed(
        AuthorizationCode code, String issuedFamily, String issuedAccessToken, Instant accessExpiry)
        implements Redemption {}
  }

  private record Entry(
      AuthorizationCode code,
      boolean used,
      String issuedFamily,
      String issuedAccessToken,
      Instant accessExpiry) {}

  private final Map<String, Entry> codes = new ConcurrentHashMap<>();
  private final SecureRandom random;
  private final Clock clock;

  public AuthorizationCodes(SecureRandom random, Clock clock) {
    this.random = random;
    this.clock = clock;
  }

  /** Stores a new code for {@code grant}; returns the code to send to the client. */
  public String issue(AuthorizationCode grant) {
    String code = SecretTokens.generate(random);
    codes.put(hash(code), new Entry(grant, false, null, null, null));
    return code;
  }

  /** Redeems a code atomically. */
  public Redemption redeem(String code) {
    if (code == null || code.length() != 43) {
      return new Redemption.Invalid();
    }
    Instant now = clock.instant();
    Redemption[] result = new Redemption[1];
    codes.compute(
        hash(code),
        (k, entry) -> {
          if (entry == null) {
            result[0] = new Redemption.Invalid();
            return null;
          }
          if (entry.used()) {
            result[0] =
                new Redemption.Replayed(
                    entry.code(),
                    entry.issuedFamily(),
                    entry.issuedAccessToken(),
                    entry.accessExpiry());
            return entry;
          }
          if (!entry.code().expiresAt().isAfter(now)) {
            result[0] = new Redemption.Invalid();
            return null;
          }
          result[0] = new Redemption.Redeemed(entry.code());
          return new Entry(entry.code(), true, null, null, null);
        });
    return result[0];
  }

  /** Notes which refresh-token family the first use of {@code code} issued. */
  public void recordIssued(String code, String family) {
    recordIssued(code, family, null, null);
  }

  /**
   * Notes what the first use of {@code code} issued: a refresh-token family (or null) and an access
   * token's id and expiry (or null), so a replay can revoke them.
   */
  public void recordIssued(String code, String family, String accessTokenId, Instant accessExpiry) {
    codes.computeIfPresent(
        hash(code), (k, e) -> new Entry(e.code(), true, family, accessTokenId, accessExpiry));
  }

  /** Forgets codes whose lifetime (and a replay-detection margin) has passed. */
  public void purgeExpired() {
    Instant cutoff = clock.instant().minus(Duration.ofMinutes(10));
    codes.values().removeIf(e -> e.code().expiresAt().isBefore(cutoff));
  }

  /** Looks a code up without using it (for tests). */
  Optional<AuthorizationCode> peek(String code) {
    return Optional.ofNullable(codes.get(hash(code))).map(Entry::code);
  }

  static String hash(String value) {
    return SecretTokens.hash(value);
  }
}
