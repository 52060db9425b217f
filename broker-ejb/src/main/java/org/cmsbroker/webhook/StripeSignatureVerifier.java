package org.cmsbroker.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.cmsbroker.webhook.StripeSignatureException.Reason;

/**
 * Verifies Stripe's {@code Stripe-Signature} header ({@code t=<unix seconds>,v1=<hex>[,v1=...]})
 * over the raw request body, in named steps, each refusing with its own {@link Reason}:
 *
 * <ol>
 *   <li>size: the body is at most the configured number of bytes (before any hashing);
 *   <li>presence: the header is there and not blank;
 *   <li>parse: comma-separated {@code key=value} items, exactly one {@code t} (decimal seconds),
 *       every {@code v1} 64 hex digits; other schemes such as {@code v0} are ignored;
 *   <li>scheme: at least one {@code v1} signature;
 *   <li>signature: for each endpoint secret, HMAC-SHA256 keyed with the whole secret over {@code t
 *       + "." + body}, compared with every {@code v1} in constant time ({@link
 *       MessageDigest#isEqual}); any match passes, so several secrets can be valid while one is
 *       rolled;
 *   <li>time: the signed timestamp is within the tolerance of the injected clock, in either
 *       direction. This comes after the signature so only authentic messages are called stale.
 * </ol>
 *
 * <p>The body is the exact bytes received: parsing and re-serialising JSON first breaks the
 * signature. Duplicate deliveries pass (a replay inside the window is dropped by event id later).
 *
 * <p>Thread-safe; immutable after construction.
 */
public final class StripeSignatureVerifier {

  /** Stripe's own default tolerance. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);

  /** Stripe's event payloads are a few KiB; far larger bodies are refused before hashing. */
  public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;

  /** Longer headers are refused before parsing. */
  public static final int MAX_HEADER_LENGTH = 4096;

  /** Every Stripe webhook endpoint secret starts with this. */
  public static final String SECRET_PREFIX = "whsec_";

  /** Fewer characters after {@link #SECRET_PREFIX} are refused as not a real endpoint secret. */
  public static final int MIN_SECRET_CHARACTERS = 16;

  /** The message of the construction error for a missing or weak secret; it names no secret. */
  public static final String WEAK_SECRET_MESSAGE =
      "Each Stripe webhook signing secret must be the endpoint's secret as Stripe shows it:"
          + " whsec_ followed by at least "
          + MIN_SECRET_CHARACTERS
          + " printable characters without spaces; at least one is required.";

  private static final String HMAC = "HmacSHA256";
  private static final int SIGNATURE_BYTES = 32;
  private static final Pattern SECRET =
      Pattern.compile(
          Pattern.quote(SECRET_PREFIX) + "[\\x21-\\x7e]{" + MIN_SECRET_CHARACTERS + ",}");
  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,18}");

  private final List<SecretKeySpec> keys;
  private final Duration tolerance;
  private final int maxBodyBytes;
  private final Clock clock;

  /**
   * A verifier with the {@link #DEFAULT_TOLERANCE} and {@link #DEFAULT_MAX_BODY_BYTES}.
   *
   * @param secrets the endpoint's current signing secrets (one, or two while rolling)
   * @throws IllegalArgumentException if no secret is given or one is weak ({@link
   *     #WEAK_SECRET_MESSAGE})
   */
  public StripeSignatureVerifier(List<String> secrets, Clock clock) {
    this(secrets, DEFAULT_TOLERANCE, DEFAULT_MAX_BODY_BYTES, clock);
  }

  /**
   * A verifier with its own limits.
   *
   * @param secrets the endpoint's current signing secrets (one, or two while rolling)
   * @param tolerance the largest accepted difference between the signed time and the clock, whole
   *     seconds, at least one
   * @param maxBodyBytes the largest accepted body, at least one byte
   * @throws IllegalArgumentException if no secret is given, one is weak, or a limit is unusable
   */
  public StripeSignatureVerifier(
      List<String> secrets, Duration tolerance, int maxBodyBytes, Clock clock) {
    Objects.requireNonNull(tolerance, "tolerance");
    if (tolerance.getSeconds() < 1 || tolerance.getNano() != 0) {
      throw new IllegalArgumentException(
          "The Stripe webhook tolerance must be a whole number of seconds, at least one.");
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("The Stripe webhook body limit must be at least 1 byte.");
    }
    this.keys = keysOf(secrets);
    this.tolerance = tolerance;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private static List<SecretKeySpec> keysOf(List<String> secrets) {
    if (secrets == null || secrets.isEmpty()) {
      throw new IllegalArgumentException(WEAK_SECRET_MESSAGE);
    }
    List<SecretKeySpec> keys = new ArrayList<>();
    for (String secret : secrets) {
      if (secret == null || !SECRET.matcher(secret).matches()) {
        throw new IllegalArgumentException(WEAK_SECRET_MESSAGE);
      }
      // Stripe keys the HMAC with the whole secret string, prefix included.
      keys.add(new SecretKeySpec(secret.getBytes(StandardCharsets.US_ASCII), HMAC));
    }
    return List.copyOf(keys);
  }

  /**
   * Verifies that {@code body} was signed by Stripe with one of the secrets, recently.
   *
   * @param body the raw request body, exactly as received; not null
   * @param signatureHeader the {@code Stripe-Signature} header value, or null when absent
   * @return the signed timestamp ({@code t})
   * @throws StripeSignatureException at the first step that fails
   */
  public Instant verify(byte[] body, String signatureHeader) throws StripeSignatureException {
    checkSize(body);
    SignatureHeader header = parse(present(signatureHeader));
    checkHasV1(header);
    checkSignature(header, body);
    checkTime(header);
    return Instant.ofEpochSecond(header.timestamp());
  }

  private void checkSize(byte[] body) throws StripeSignatureException {
    if (Objects.requireNonNull(body, "body").length > maxBodyBytes) {
      throw new StripeSignatureException(Reason.BODY_TOO_LARGE);
    }
  }

  private static String present(String header) throws StripeSignatureException {
    if (header == null || header.isBlank()) {
      throw new StripeSignatureException(Reason.MISSING_HEADER);
    }
    return header;
  }

  /** The parsed header: the signed timestamp and the decoded {@code v1} signatures. */
  private record SignatureHeader(long timestamp, List<byte[]> v1) {}

  private static SignatureHeader parse(String header) throws StripeSignatureException {
    if (header.length() > MAX_HEADER_LENGTH) {
      throw new StripeSignatureException(Reason.MALFORMED_HEADER);
    }
    String timestamp = null;
    List<byte[]> v1 = new ArrayList<>();
    for (String item : header.split(",", -1)) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new StripeSignatureException(Reason.MALFORMED_HEADER);
      }
      String key = item.substring(0, eq).strip();
      String value = item.substring(eq + 1).strip();
      if (key.equals("t")) {
        if (timestamp != null || !TIMESTAMP.matcher(value).matches()) {
          throw new StripeSignatureException(Reason.MALFORMED_HEADER);
        }
        timestamp = value;
      } else if (key.equals("v1")) {
        v1.add(signature(value));
      }
    }
    if (timestamp == null) {
      throw new StripeSignatureException(Reason.MALFORMED_HEADER);
    }
    return new SignatureHeader(Long.parseLong(timestamp), List.copyOf(v1));
  }

  private static byte[] signature(String hex) throws StripeSignatureException {
    if (hex.length() != 2 * SIGNATURE_BYTES) {
      throw new StripeSignatureException(Reason.MALFORMED_HEADER);
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new StripeSignatureException(Reason.MALFORMED_HEADER);
    }
  }

  private static void checkHasV1(SignatureHeader header) throws StripeSignatureException {
    if (header.v1().isEmpty()) {
      throw new StripeSignatureException(Reason.NO_V1_SIGNATURE);
    }
  }

  private void checkSignature(SignatureHeader header, byte[] body) throws StripeSignatureException {
    // Stripe signs the decimal form of t it put in the header; leading zeros are never sent.
    byte[] prefix = (header.timestamp() + ".").getBytes(StandardCharsets.US_ASCII);
    boolean matched = false;
    for (SecretKeySpec key : keys) {
      byte[] expected = hmac(key, prefix, body);
      for (byte[] candidate : header.v1()) {
        // No early exit: every candidate is compared, each in constant time.
        matched |= MessageDigest.isEqual(expected, candidate);
      }
    }
    if (!matched) {
      throw new StripeSignatureException(Reason.NO_MATCHING_SIGNATURE);
    }
  }

  private static byte[] hmac(SecretKeySpec key, byte[] prefix, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      mac.update(prefix);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private void checkTime(SignatureHeader header) throws StripeSignatureException {
    long now = clock.instant().getEpochSecond();
    long limit = tolerance.getSeconds();
    // Both values are well inside long range (t has at most 18 digits), so no overflow.
    if (Math.abs(now - header.timestamp()) > limit) {
      throw new StripeSignatureException(Reason.TIMESTAMP_OUTSIDE_TOLERANCE);
    }
  }
}
