package org.cmsbroker.login;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Single-use login challenges that cost no memory until they are used. A challenge is 16 random
 * bytes, its expiry (seconds since the epoch) and an HMAC-SHA256 over both under a key derived from
 * the broker's master key, in Base64url: the broker recognises its own unexpired challenges without
 * remembering them, so issuing is free whatever the traffic. Only consumed challenges are
 * remembered, until they expire, in a {@link ChallengeStore} with a hard capacity; when it is full
 * logins are refused ({@code too_many_logins}) rather than the store growing. The browser binding
 * is the login page's cookie, an HMAC of the whole challenge under another derived key ({@link
 * LoginComponents#bindingFor}), checked before the challenge is consumed. Thread-safe.
 */
public final class LoginChallenges {

  /** Length of a challenge: 56 bytes (16 random, 8 expiry, 32 MAC) in Base64url. */
  public static final int LENGTH = 75;

  public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofMinutes(5);

  private static final int RANDOM_BYTES = 16;
  private static final int MAC_BYTES = 32;
  private static final int BYTES = RANDOM_BYTES + Long.BYTES + MAC_BYTES;
  private static final byte[] DOMAIN =
      "cms-broker login challenge v2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{" + LENGTH + "}");

  private final ChallengeStore store;
  private final Duration timeToLive;
  private final Clock clock;
  private final SecureRandom random;
  private final SecretKeySpec macKey;

  /**
   * @param macKey at least 32 bytes, the same on every instance (derived from the master key)
   * @throws IllegalArgumentException if {@code timeToLive} is not between one second and one hour,
   *     or the key is shorter than 32 bytes
   */
  public LoginChallenges(
      ChallengeStore store, Duration timeToLive, Clock clock, SecureRandom random, byte[] macKey) {
    this.store = Objects.requireNonNull(store, "store");
    this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    if (timeToLive.compareTo(Duration.ofSeconds(1)) < 0
        || timeToLive.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "Login challenge lifetime must be between one second and one hour");
    }
    if (macKey == null || macKey.length < 32) {
      throw new IllegalArgumentException("Login challenge key must have at least 32 bytes");
    }
    this.macKey = new SecretKeySpec(macKey.clone(), "HmacSHA256");
  }

  /** A new challenge; nothing is stored. */
  public Challenge issue() {
    byte[] bytes = new byte[BYTES];
    random.nextBytes(bytes);
    // Whole seconds, so the expiry in the value is the expiry reported.
    Instant expiresAt = Instant.ofEpochSecond(clock.instant().plus(timeToLive).getEpochSecond());
    ByteBuffer.wrap(bytes, RANDOM_BYTES, Long.BYTES).putLong(expiresAt.getEpochSecond());
    System.arraycopy(mac(bytes), 0, bytes, RANDOM_BYTES + Long.BYTES, MAC_BYTES);
    return new Challenge(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), expiresAt);
  }

  /**
   * Uses up a challenge: it must be one of ours (MAC), unexpired, and not used before.
   *
   * @throws LoginRejectedException with reason {@code UNKNOWN_CHALLENGE}, {@code
   *     EXPIRED_CHALLENGE}, {@code REPLAYED_CHALLENGE} or {@code TOO_MANY_LOGINS}
   */
  public void consume(String challenge) throws LoginRejectedException {
    if (challenge == null || !FORMAT.matcher(challenge).matches()) {
      throw new LoginRejectedException(LoginRejectedException.Reason.UNKNOWN_CHALLENGE);
    }
    byte[] bytes = Base64.getUrlDecoder().decode(challenge);
    byte[] presented = Arrays.copyOfRange(bytes, RANDOM_BYTES + Long.BYTES, BYTES);
    if (!MessageDigest.isEqual(mac(bytes), presented)) {
      throw new LoginRejectedException(LoginRejectedException.Reason.UNKNOWN_CHALLENGE);
    }
    long expirySeconds = ByteBuffer.wrap(bytes, RANDOM_BYTES, Long.BYTES).getLong();
    Instant now = clock.instant();
    Instant expiresAt = Instant.ofEpochSecond(expirySeconds);
    if (!expiresAt.isAfter(now)) {
      throw new LoginRejectedException(LoginRejectedException.Reason.EXPIRED_CHALLENGE);
    }
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(presented);
    switch (store.consume(id, expiresAt, now)) {
      case CONSUMED:
        return;
      case ALREADY_CONSUMED:
        throw new LoginRejectedException(LoginRejectedException.Reason.REPLAYED_CHALLENGE);
      case FULL:
      default:
        throw new LoginRejectedException(LoginRejectedException.Reason.TOO_MANY_LOGINS);
    }
  }

  /** The MAC over the random bytes and the expiry of {@code bytes}. */
  private byte[] mac(byte[] bytes) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(macKey);
      mac.update(DOMAIN);
      mac.update(bytes, 0, RANDOM_BYTES + Long.BYTES);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** Forgets consumed challenges that have expired; call from a timer. */
  public void purgeExpired() {
    store.purgeExpired(clock.instant());
  }
}
