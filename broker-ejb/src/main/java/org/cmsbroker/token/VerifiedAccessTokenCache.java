package org.cmsbroker.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The access tokens {@link AccessTokenVerifier} accepted, so a token presented again is not
 * verified again: keyed by the SHA-256 of the token (the token itself is never kept), each entry
 * until the token's {@code exp} and no longer, at most {@code capacity} entries (the least recently
 * used goes first). An entry counts only while its signing key is still published, so a key taken
 * off the ring takes its tokens with it. Only accepted tokens are put in.
 *
 * <p>Thread-safe.
 */
final class VerifiedAccessTokenCache {

  private record Entry(String keyId, VerifiedAccessToken token) {}

  private final int capacity;
  private final Map<String, Entry> entries;

  /**
   * @throws IllegalArgumentException if {@code capacity} is not positive
   */
  VerifiedAccessTokenCache(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("Access token cache capacity must be positive");
    }
    this.capacity = capacity;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > VerifiedAccessTokenCache.this.capacity;
          }
        };
  }

  /**
   * The verified claims of {@code token} if it was put in, has not expired at {@code now}, and its
   * signing key is still published in {@code ring}; else empty (and a stale entry is dropped).
   */
  Optional<VerifiedAccessToken> find(String token, Instant now, SigningKeyRing ring) {
    String key = hash(token);
    Entry entry;
    synchronized (entries) {
      entry = entries.get(key);
      if (entry == null) {
        return Optional.empty();
      }
      if (!now.isBefore(entry.token().expiresAt())) {
        entries.remove(key);
        return Optional.empty();
      }
    }
    if (ring.findPublished(entry.keyId()).isEmpty()) {
      synchronized (entries) {
        entries.remove(key);
      }
      return Optional.empty();
    }
    return Optional.of(entry.token());
  }

  /** Remembers that {@code token}, signed with {@code keyId}, was verified; not if expired. */
  void put(String token, String keyId, VerifiedAccessToken verified, Instant now) {
    Objects.requireNonNull(keyId, "keyId");
    if (!now.isBefore(verified.expiresAt())) {
      return;
    }
    String key = hash(token);
    synchronized (entries) {
      entries.put(key, new Entry(keyId, verified));
    }
  }

  /** How many entries there are now (expired ones included until they are looked up or evicted). */
  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private static String hash(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
