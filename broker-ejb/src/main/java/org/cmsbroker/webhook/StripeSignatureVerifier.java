package org.cmsbroker.webhook;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.cmsbroker.json.StrictJson;
import org.cmsbroker.settings.Rules;
import org.cmsbroker.webhook.StripeSignatureException.Reason;

/**
 * Verifies and parses a Stripe webhook request with Stripe's own library ({@link
 * Webhook.Signature#verifyHeader} and {@link Webhook#constructEvent}), adding what the library does
 * not do:
 *
 * <ol>
 *   <li>size: the body is at most the configured number of bytes (before any hashing);
 *   <li>presence: the header is there, not blank and not absurdly long;
 *   <li>UTF-8: the body is well-formed UTF-8, so the text the library hashes is exactly the bytes
 *       Stripe signed (a replacement character would change them);
 *   <li>signature and time: each configured endpoint secret is tried in turn with {@link
 *       Webhook.Signature#verifyHeader} (several are valid while a secret is rolled); the library
 *       checks the {@code v1} HMAC-SHA256 in constant time and then that the signed time is not
 *       older than the tolerance; the broker adds that it is not further than the tolerance ahead
 *       of the clock either (the library checks only the past, so a signature made for a later time
 *       would stay valid until then);
 *   <li>event: the signed body is strict JSON (the library's Gson reader is lenient) and the
 *       library's {@link Event} has an id, a type, a created time and a data object.
 * </ol>
 *
 * <p>Built once from the configured secrets; thread-safe and immutable.
 */
public final class StripeSignatureVerifier {

  /** Stripe's own default tolerance. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(Webhook.DEFAULT_TOLERANCE);

  /** Stripe's event payloads are a few KiB; far larger bodies are refused before hashing. */
  public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;

  /** Longer headers are refused before parsing. */
  public static final int MAX_HEADER_LENGTH = 4096;

  /**
   * Every Stripe webhook endpoint secret starts with this: the rule is the setting's own ({@link
   * Rules#STRIPE_WEBHOOK_SECRET}), so start-up and the verifier cannot disagree.
   */
  public static final String SECRET_PREFIX = Rules.STRIPE_WEBHOOK_SECRET_PREFIX;

  /** Fewer characters after {@link #SECRET_PREFIX} are refused as not a real endpoint secret. */
  public static final int MIN_SECRET_CHARACTERS = Rules.STRIPE_WEBHOOK_SECRET_MIN_CHARACTERS;

  /** The message of the construction error for a missing or weak secret; it names no secret. */
  public static final String WEAK_SECRET_MESSAGE =
      "Each Stripe webhook signing secret must be the endpoint's secret as Stripe shows it:"
          + " whsec_ followed by at least "
          + MIN_SECRET_CHARACTERS
          + " printable characters without spaces; at least one is required.";

  /** The longest accepted event id and type. */
  static final int MAX_ID = 255;

  static final int MAX_TYPE = 100;

  private static final Pattern SECRET = Rules.STRIPE_WEBHOOK_SECRET;

  private final List<String> secrets;
  private final long toleranceSeconds;
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
   * @param tolerance the largest accepted distance of the signed time from the clock, past or
   *     future, whole seconds, at least one
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
    this.secrets = checked(secrets);
    this.toleranceSeconds = tolerance.getSeconds();
    this.maxBodyBytes = maxBodyBytes;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Whether {@code secret} is one the verifier accepts as an endpoint secret. */
  public static boolean acceptableSecret(String secret) {
    return secret != null && SECRET.matcher(secret).matches();
  }

  private static List<String> checked(List<String> secrets) {
    if (secrets == null || secrets.isEmpty()) {
      throw new IllegalArgumentException(WEAK_SECRET_MESSAGE);
    }
    for (String secret : secrets) {
      if (!acceptableSecret(secret)) {
        throw new IllegalArgumentException(WEAK_SECRET_MESSAGE);
      }
    }
    return List.copyOf(secrets);
  }

  /** The largest accepted body in bytes. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * Verifies that {@code body} was signed by Stripe with one of the secrets, recently, and parses
   * it with Stripe's library.
   *
   * @param body the raw request body, exactly as received; not null
   * @param signatureHeader the {@code Stripe-Signature} header value, or null when absent
   * @return Stripe's event, with an id, a type, a created time and a data object
   * @throws StripeSignatureException at the first step that fails
   */
  public Event verify(byte[] body, String signatureHeader) throws StripeSignatureException {
    if (Objects.requireNonNull(body, "body").length > maxBodyBytes) {
      throw new StripeSignatureException(Reason.BODY_TOO_LARGE);
    }
    if (signatureHeader == null || signatureHeader.isBlank()) {
      throw new StripeSignatureException(Reason.MISSING_HEADER);
    }
    if (signatureHeader.length() > MAX_HEADER_LENGTH) {
      throw new StripeSignatureException(Reason.MALFORMED_HEADER);
    }
    String payload = utf8(body);
    String secret = matchingSecret(payload, signatureHeader);
    try {
      StrictJson.parse(body);
    } catch (StrictJson.InvalidJsonException e) {
      throw new StripeSignatureException(Reason.MALFORMED_EVENT);
    }
    Event event;
    try {
      event = Webhook.constructEvent(payload, signatureHeader, secret, toleranceSeconds, clock);
    } catch (SignatureVerificationException e) {
      // Verified just above with the same secret and clock; only a second boundary can differ.
      throw new StripeSignatureException(reason(e));
    } catch (RuntimeException e) {
      // Gson's JsonParseException and friends: valid JSON that is not an event. Never echoed.
      throw new StripeSignatureException(Reason.MALFORMED_EVENT);
    }
    if (!complete(event)) {
      throw new StripeSignatureException(Reason.MALFORMED_EVENT);
    }
    return event;
  }

  /** Whether the library's event has an id, a type, a created time and a data object. */
  private static boolean complete(Event event) {
    try {
      return event != null
          && event.getId() != null
          && !event.getId().isEmpty()
          && event.getId().length() <= MAX_ID
          && event.getType() != null
          && !event.getType().isEmpty()
          && event.getType().length() <= MAX_TYPE
          && event.getCreated() != null
          && event.getData() != null
          && event.getDataObjectDeserializer() != null
          && event.getDataObjectDeserializer().getRawJson() != null;
    } catch (RuntimeException e) {
      // The library's accessors on a data object that is missing or not an object.
      return false;
    }
  }

  /** The body as text, refusing anything but well-formed UTF-8. */
  private static String utf8(byte[] body) throws StripeSignatureException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new StripeSignatureException(Reason.MALFORMED_EVENT);
    }
  }

  /**
   * The first secret whose signature verifies; else the refusal of the last one tried (every secret
   * fails the same way unless only the signature differs).
   */
  private String matchingSecret(String payload, String header) throws StripeSignatureException {
    Reason refusal = Reason.NO_MATCHING_SIGNATURE;
    for (String secret : secrets) {
      try {
        Webhook.Signature.verifyHeader(payload, header, secret, toleranceSeconds, clock);
        if (signedTime(header) > clock.millis() / 1000 + toleranceSeconds) {
          // Authentic, but signed for a time beyond the window ahead of the clock.
          throw new StripeSignatureException(Reason.TIMESTAMP_OUTSIDE_TOLERANCE);
        }
        return secret;
      } catch (SignatureVerificationException e) {
        Reason reason = reason(e);
        if (reason == Reason.TIMESTAMP_OUTSIDE_TOLERANCE) {
          // The signature matched this secret: it is authentic, only stale.
          throw new StripeSignatureException(reason);
        }
        refusal = reason;
      } catch (RuntimeException e) {
        refusal = Reason.MALFORMED_HEADER;
      }
    }
    throw new StripeSignatureException(refusal);
  }

  /**
   * The signed time as the library reads it: the first {@code t} item of the header (there is one,
   * a whole number, once the library has verified the header).
   */
  private static long signedTime(String header) {
    for (String item : header.split(",", -1)) {
      String[] pair = item.split("=", 2);
      if (pair.length == 2 && pair[0].equals("t")) {
        return Long.parseLong(pair[1]);
      }
    }
    throw new IllegalStateException("a verified Stripe-Signature header without t");
  }

  /**
   * The reason for the library's refusal. The library says why only in its message (it never
   * contains the secret; the header is not echoed here either).
   */
  private static Reason reason(SignatureVerificationException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (message.contains("timestamp outside")) {
      return Reason.TIMESTAMP_OUTSIDE_TOLERANCE;
    }
    if (message.contains("unable to extract")) {
      return Reason.MALFORMED_HEADER;
    }
    if (message.contains("expected scheme")) {
      return Reason.NO_V1_SIGNATURE;
    }
    return Reason.NO_MATCHING_SIGNATURE;
  }
}
