package org.cmsbroker.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.stripe.net.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.cmsbroker.webhook.StripeSignatureException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per refusal, each asserting the reason and its fixed message. */
class StripeSignatureVerifierTest {

  private static final String SECRET = "whsec_test_5Wq9vFZk2LmT8pRb3XyN7cJd";
  private static final String NEXT_SECRET = "whsec_test_H4nG6sQe1VtK9wYa0ZuP2oLi";
  private static final String OTHER_SECRET = "whsec_test_Mx7Bq3Rt5Yu8Io0Pa2Sd4Fg6";
  private static final byte[] BODY =
      "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"checkout.session.completed\"}"
          .getBytes(StandardCharsets.UTF_8);

  private final MutableClock clock = MutableClock.atStart();
  private final StripeSignatureVerifier verifier =
      new StripeSignatureVerifier(List.of(SECRET), clock);

  /** What Stripe sends: hex HMAC-SHA256, keyed with the whole secret, over "t.payload". */
  private static String sign(String secret, long t, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  private String header(String secret, long t, byte[] body) {
    return "t=" + t + ",v1=" + sign(secret, t, body);
  }

  private static void refused(Reason reason, Executable call) {
    StripeSignatureException e = assertThrows(StripeSignatureException.class, call);
    assertEquals(reason, e.reason());
    assertEquals(reason.message(), e.getMessage());
  }

  @Test
  void webhookAcceptsStripeSignatureAndReturnsItsTimestamp() throws Exception {
    long t = now() - 10;
    assertEquals(Instant.ofEpochSecond(t), verifier.verify(BODY, header(SECRET, t, BODY)));
  }

  @Test
  void webhookSignatureMatchesStripeSdk() throws Exception {
    long t = now();
    String body = new String(BODY, StandardCharsets.UTF_8);
    String ours = sign(SECRET, t, BODY);
    assertEquals(Webhook.Util.computeHmacSha256(SECRET, t + "." + body), ours);
    String header = "t=" + t + ",v1=" + ours;
    assertTrue(Webhook.Signature.verifyHeader(body, header, SECRET, 300, clock));
    assertEquals(Instant.ofEpochSecond(t), verifier.verify(BODY, header));
  }

  @Test
  void webhookAndStripeSdkAgreeOnForeignSecret() {
    long t = now();
    String body = new String(BODY, StandardCharsets.UTF_8);
    String header = header(OTHER_SECRET, t, BODY);
    assertThrows(
        com.stripe.exception.SignatureVerificationException.class,
        () -> Webhook.Signature.verifyHeader(body, header, SECRET, 300, clock));
    refused(Reason.NO_MATCHING_SIGNATURE, () -> verifier.verify(BODY, header));
  }

  @Test
  void webhookAcceptsAnyOfSeveralV1Signatures() throws Exception {
    long t = now();
    String header =
        "t=" + t + ",v1=" + sign(OTHER_SECRET, t, BODY) + ",v1=" + sign(SECRET, t, BODY);
    assertEquals(Instant.ofEpochSecond(t), verifier.verify(BODY, header));
  }

  @Test
  void webhookAcceptsEitherSecretDuringRotation() throws Exception {
    StripeSignatureVerifier rotating =
        new StripeSignatureVerifier(List.of(SECRET, NEXT_SECRET), clock);
    long t = now();
    assertEquals(Instant.ofEpochSecond(t), rotating.verify(BODY, header(SECRET, t, BODY)));
    assertEquals(Instant.ofEpochSecond(t), rotating.verify(BODY, header(NEXT_SECRET, t, BODY)));
    refused(
        Reason.NO_MATCHING_SIGNATURE, () -> rotating.verify(BODY, header(OTHER_SECRET, t, BODY)));
  }

  @Test
  void webhookIgnoresV0AndUnknownSchemes() throws Exception {
    long t = now();
    String header =
        "t=" + t + ",v0=" + sign(OTHER_SECRET, t, BODY) + ",v1=" + sign(SECRET, t, BODY) + ",v9=x";
    assertEquals(Instant.ofEpochSecond(t), verifier.verify(BODY, header));
  }

  @Test
  void webhookAcceptsUpperCaseHex() throws Exception {
    long t = now();
    String header = "t=" + t + ",v1=" + sign(SECRET, t, BODY).toUpperCase(java.util.Locale.ROOT);
    assertEquals(Instant.ofEpochSecond(t), verifier.verify(BODY, header));
  }

  @Test
  void webhookVerifiesRawBytesNotDecodedText() throws Exception {
    // "é" precomposed and decomposed print alike but are different bytes.
    byte[] signed = "{\"name\":\"Caf\u00e9\"}".getBytes(StandardCharsets.UTF_8);
    byte[] received = "{\"name\":\"Cafe\u0301\"}".getBytes(StandardCharsets.UTF_8);
    long t = now();
    assertEquals(Instant.ofEpochSecond(t), verifier.verify(signed, header(SECRET, t, signed)));
    refused(
        Reason.NO_MATCHING_SIGNATURE, () -> verifier.verify(received, header(SECRET, t, signed)));
    byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, '{', '}'};
    assertEquals(Instant.ofEpochSecond(t), verifier.verify(notUtf8, header(SECRET, t, notUtf8)));
  }

  @Test
  void webhookRejectsTamperedBody() {
    long t = now();
    byte[] tampered = Arrays.copyOf(BODY, BODY.length);
    tampered[10] ^= 1;
    refused(Reason.NO_MATCHING_SIGNATURE, () -> verifier.verify(tampered, header(SECRET, t, BODY)));
  }

  @Test
  void webhookRejectsSignatureOverOtherTimestamp() {
    long t = now();
    String header = "t=" + t + ",v1=" + sign(SECRET, t - 1, BODY);
    refused(Reason.NO_MATCHING_SIGNATURE, () -> verifier.verify(BODY, header));
  }

  @Test
  void webhookRejectsOversizedBodyBeforeReadingTheHeader() throws Exception {
    byte[] atLimit = new byte[StripeSignatureVerifier.DEFAULT_MAX_BODY_BYTES];
    long t = now();
    assertEquals(Instant.ofEpochSecond(t), verifier.verify(atLimit, header(SECRET, t, atLimit)));
    byte[] tooLarge = new byte[StripeSignatureVerifier.DEFAULT_MAX_BODY_BYTES + 1];
    refused(Reason.BODY_TOO_LARGE, () -> verifier.verify(tooLarge, header(SECRET, t, tooLarge)));
    refused(Reason.BODY_TOO_LARGE, () -> verifier.verify(tooLarge, null));
  }

  @Test
  void webhookBodyLimitIsConfigurable() {
    StripeSignatureVerifier small =
        new StripeSignatureVerifier(
            List.of(SECRET), StripeSignatureVerifier.DEFAULT_TOLERANCE, 16, clock);
    long t = now();
    refused(Reason.BODY_TOO_LARGE, () -> small.verify(BODY, header(SECRET, t, BODY)));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "\t"})
  void webhookRejectsMissingHeader(String header) {
    refused(Reason.MISSING_HEADER, () -> verifier.verify(BODY, header));
  }

  @Test
  void webhookTreatsMissingBodyAsABug() {
    assertThrows(NullPointerException.class, () -> verifier.verify(null, "t=1,v1=00"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "garbage",
        "v1=%s",
        "t=,v1=%s",
        "t=abc,v1=%s",
        "t=-5,v1=%s",
        "t=+5,v1=%s",
        "t=1.5,v1=%s",
        "t=9999999999999999999999,v1=%s",
        "t=%t,t=%t,v1=%s",
        "t=%t,,v1=%s",
        "t=%t,v1",
        "t=%t,=x,v1=%s",
        "t=%t,v1=zz",
        "t=%t,v1=abcd",
        "t=%t,v1=%s00",
        "t=%t,v1=%s,v1=",
      })
  void webhookRejectsMalformedHeader(String template) {
    long t = now();
    String header = template.replace("%t", Long.toString(t)).replace("%s", sign(SECRET, t, BODY));
    refused(Reason.MALFORMED_HEADER, () -> verifier.verify(BODY, header));
  }

  @Test
  void webhookRejectsOverlongHeader() {
    long t = now();
    String header =
        header(SECRET, t, BODY) + ",v0=" + "0".repeat(StripeSignatureVerifier.MAX_HEADER_LENGTH);
    refused(Reason.MALFORMED_HEADER, () -> verifier.verify(BODY, header));
  }

  @Test
  void webhookRejectsHeaderWithoutV1Signature() {
    long t = now();
    refused(Reason.NO_V1_SIGNATURE, () -> verifier.verify(BODY, "t=" + t));
    refused(
        Reason.NO_V1_SIGNATURE,
        () -> verifier.verify(BODY, "t=" + t + ",v0=" + sign(SECRET, t, BODY)));
  }

  @Test
  void webhookRejectsStaleTimestamp() {
    long t = now() - 301;
    refused(
        Reason.TIMESTAMP_OUTSIDE_TOLERANCE, () -> verifier.verify(BODY, header(SECRET, t, BODY)));
  }

  @Test
  void webhookRejectsFutureTimestamp() {
    long t = now() + 301;
    refused(
        Reason.TIMESTAMP_OUTSIDE_TOLERANCE, () -> verifier.verify(BODY, header(SECRET, t, BODY)));
  }

  @Test
  void webhookAcceptsTimestampAtEitherEdgeOfTolerance() throws Exception {
    long past = now() - 300;
    long future = now() + 300;
    assertEquals(Instant.ofEpochSecond(past), verifier.verify(BODY, header(SECRET, past, BODY)));
    assertEquals(
        Instant.ofEpochSecond(future), verifier.verify(BODY, header(SECRET, future, BODY)));
  }

  @Test
  void webhookToleranceFollowsTheClock() throws Exception {
    long t = now();
    String header = header(SECRET, t, BODY);
    verifier.verify(BODY, header);
    clock.advance(Duration.ofSeconds(301));
    refused(Reason.TIMESTAMP_OUTSIDE_TOLERANCE, () -> verifier.verify(BODY, header));
  }

  @Test
  void webhookToleranceIsConfigurable() throws Exception {
    StripeSignatureVerifier strict =
        new StripeSignatureVerifier(
            List.of(SECRET),
            Duration.ofSeconds(60),
            StripeSignatureVerifier.DEFAULT_MAX_BODY_BYTES,
            clock);
    long t = now() - 60;
    assertEquals(Instant.ofEpochSecond(t), strict.verify(BODY, header(SECRET, t, BODY)));
    long late = now() - 61;
    refused(
        Reason.TIMESTAMP_OUTSIDE_TOLERANCE, () -> strict.verify(BODY, header(SECRET, late, BODY)));
  }

  @Test
  void webhookChecksSignatureBeforeTime() {
    // A forged header learns nothing about the window: only authentic messages are "stale".
    long t = now() - 3600;
    refused(
        Reason.NO_MATCHING_SIGNATURE, () -> verifier.verify(BODY, header(OTHER_SECRET, t, BODY)));
  }

  @Test
  void webhookRefusalsNeverEchoInput() {
    long t = now() - 3600;
    String header = header(SECRET, t, BODY);
    StripeSignatureException e =
        assertThrows(StripeSignatureException.class, () -> verifier.verify(BODY, header));
    assertFalse(e.getMessage().contains(Long.toString(t)));
    assertFalse(e.getMessage().contains(SECRET));
    assertEquals(0, e.getStackTrace().length);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        " ",
        "whsec_",
        "whsec_short",
        "sk_live_51Habcdefghijklmnopqrstuvwxyz",
        "WHSEC_5Wq9vFZk2LmT8pRb3XyN7cJd",
        "whsec_5Wq9vFZk2LmT8pRb 3XyN7cJd",
        "whsec_5Wq9vFZk2LmT8pRb3XyN7cJd\n",
      })
  void webhookRefusesWeakOrMissingSecretAtConstruction(String secret) {
    List<String> secrets = Arrays.asList(secret);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new StripeSignatureVerifier(secrets, clock));
    assertEquals(StripeSignatureVerifier.WEAK_SECRET_MESSAGE, e.getMessage());
  }

  @Test
  void webhookRefusesNoSecretsAtConstruction() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new StripeSignatureVerifier(List.of(), clock));
    assertEquals(StripeSignatureVerifier.WEAK_SECRET_MESSAGE, e.getMessage());
    List<String> withWeak = List.of(SECRET, "whsec_x");
    assertThrows(
        IllegalArgumentException.class, () -> new StripeSignatureVerifier(withWeak, clock));
  }

  @Test
  void webhookRefusesUnusableLimitsAtConstruction() {
    List<String> secrets = List.of(SECRET);
    int max = StripeSignatureVerifier.DEFAULT_MAX_BODY_BYTES;
    assertThrows(
        IllegalArgumentException.class,
        () -> new StripeSignatureVerifier(secrets, Duration.ZERO, max, clock));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StripeSignatureVerifier(secrets, Duration.ofSeconds(-1), max, clock));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StripeSignatureVerifier(secrets, Duration.ofMillis(500), max, clock));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new StripeSignatureVerifier(
                secrets, StripeSignatureVerifier.DEFAULT_TOLERANCE, 0, clock));
  }
}
