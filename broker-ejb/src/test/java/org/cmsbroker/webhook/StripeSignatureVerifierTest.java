package org.cmsbroker.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.stripe.model.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

/**
 * Stripe's library verifies and parses; the broker adds the body limit, several secrets, strict
 * UTF-8 and JSON, and one refusal reason per failure. One test per failure mode.
 */
class StripeSignatureVerifierTest {

  private static final String SECRET = "whsec_test_5Wq9vFZk2LmT8pRb3XyN7cJd";
  private static final String NEXT_SECRET = "whsec_test_H4nG6sQe1VtK9wYa0ZuP2oLi";
  private static final String OTHER_SECRET = "whsec_test_Mx7Bq3Rt5Yu8Io0Pa2Sd4Fg6";
  private static final byte[] BODY = event("evt_1").getBytes(StandardCharsets.UTF_8);

  private final MutableClock clock = MutableClock.atStart();
  private final StripeSignatureVerifier verifier =
      new StripeSignatureVerifier(List.of(SECRET), clock);

  static String event(String id) {
    return """
        {"id":"%s","object":"event","api_version":"2025-08-27.basil","created":1700000000,
         "type":"checkout.session.completed","livemode":false,"pending_webhooks":1,
         "data":{"object":{"id":"cs_test_1","object":"checkout.session","amount_total":1250,
           "currency":"eur","payment_status":"paid","status":"complete"}}}
        """
        .formatted(id);
  }

  /** What Stripe sends: hex HMAC-SHA256, keyed with the whole secret, over "t.payload". */
  static String sign(String secret, long t, byte[] body) {
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

  private static String header(String secret, long t, byte[] body) {
    return "t=" + t + ",v1=" + sign(secret, t, body);
  }

  private static void refused(Reason reason, Executable call) {
    StripeSignatureException e = assertThrows(StripeSignatureException.class, call);
    assertEquals(reason, e.reason());
    assertEquals(reason.message(), e.getMessage());
  }

  @Test
  void webhookAcceptsStripeSignatureAndReturnsStripesEvent() throws Exception {
    Event event = verifier.verify(BODY, header(SECRET, now() - 10, BODY));
    assertEquals("evt_1", event.getId());
    assertEquals("checkout.session.completed", event.getType());
  }

  @Test
  void webhookAcceptsEitherSecretDuringRotation() throws Exception {
    StripeSignatureVerifier rotating =
        new StripeSignatureVerifier(List.of(SECRET, NEXT_SECRET), clock);
    long t = now();
    assertEquals("evt_1", rotating.verify(BODY, header(SECRET, t, BODY)).getId());
    assertEquals("evt_1", rotating.verify(BODY, header(NEXT_SECRET, t, BODY)).getId());
    refused(
        Reason.NO_MATCHING_SIGNATURE, () -> rotating.verify(BODY, header(OTHER_SECRET, t, BODY)));
  }

  @Test
  void webhookRejectsBadSignature() {
    refused(
        Reason.NO_MATCHING_SIGNATURE,
        () -> verifier.verify(BODY, header(OTHER_SECRET, now(), BODY)));
  }

  @Test
  void webhookRejectsTamperedBody() {
    byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("1250", "9999").getBytes();
    refused(
        Reason.NO_MATCHING_SIGNATURE, () -> verifier.verify(tampered, header(SECRET, now(), BODY)));
  }

  @Test
  void webhookRejectsStaleTimestamp() {
    long t = now() - 301;
    refused(
        Reason.TIMESTAMP_OUTSIDE_TOLERANCE, () -> verifier.verify(BODY, header(SECRET, t, BODY)));
  }

  @Test
  void webhookRejectsTimestampBeyondTheToleranceInTheFuture() {
    // Stripe's library checks only the past; a signature made for a later time is refused too.
    long t = now() + 301;
    refused(
        Reason.TIMESTAMP_OUTSIDE_TOLERANCE, () -> verifier.verify(BODY, header(SECRET, t, BODY)));
    StripeSignatureVerifier rotating =
        new StripeSignatureVerifier(List.of(OTHER_SECRET, SECRET), clock);
    refused(
        Reason.TIMESTAMP_OUTSIDE_TOLERANCE, () -> rotating.verify(BODY, header(SECRET, t, BODY)));
  }

  @Test
  void webhookAcceptsTimestampWithinTheToleranceEitherSide() throws Exception {
    assertEquals("evt_1", verifier.verify(BODY, header(SECRET, now() + 300, BODY)).getId());
    assertEquals("evt_1", verifier.verify(BODY, header(SECRET, now() - 300, BODY)).getId());
  }

  @Test
  void webhookChecksSignatureBeforeFutureTime() {
    long t = now() + 3600;
    refused(
        Reason.NO_MATCHING_SIGNATURE, () -> verifier.verify(BODY, header(OTHER_SECRET, t, BODY)));
  }

  @Test
  void webhookChecksSignatureBeforeTime() {
    // A forged header learns nothing about the window: only authentic messages are "stale".
    long t = now() - 3600;
    refused(
        Reason.NO_MATCHING_SIGNATURE, () -> verifier.verify(BODY, header(OTHER_SECRET, t, BODY)));
  }

  @Test
  void webhookRejectsOversizedBodyBeforeReadingTheHeader() {
    byte[] tooLarge = new byte[StripeSignatureVerifier.DEFAULT_MAX_BODY_BYTES + 1];
    Arrays.fill(tooLarge, (byte) ' ');
    refused(
        Reason.BODY_TOO_LARGE, () -> verifier.verify(tooLarge, header(SECRET, now(), tooLarge)));
    refused(Reason.BODY_TOO_LARGE, () -> verifier.verify(tooLarge, null));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "\t"})
  void webhookRejectsMissingHeader(String header) {
    refused(Reason.MISSING_HEADER, () -> verifier.verify(BODY, header));
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "v1=%s", "t=,v1=%s", "t=abc,v1=%s", "t=-5,v1=%s"})
  void webhookRejectsMalformedHeader(String template) {
    long t = now();
    String header = template.replace("%t", Long.toString(t)).replace("%s", sign(SECRET, t, BODY));
    refused(Reason.MALFORMED_HEADER, () -> verifier.verify(BODY, header));
  }

  @Test
  void webhookRejectsOverlongHeader() {
    String header =
        header(SECRET, now(), BODY)
            + ",v0="
            + "0".repeat(StripeSignatureVerifier.MAX_HEADER_LENGTH);
    refused(Reason.MALFORMED_HEADER, () -> verifier.verify(BODY, header));
  }

  @Test
  void webhookRejectsHeaderWithoutV1Signature() {
    long t = now();
    refused(
        Reason.NO_V1_SIGNATURE,
        () -> verifier.verify(BODY, "t=" + t + ",v0=" + sign(SECRET, t, BODY)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"id\": \"evt_broken\", \"type\": ",
        "[]",
        "null",
        "{\"id\":\"evt_nodata\",\"type\":\"checkout.session.completed\",\"created\":1}",
        "{\"id\":\"evt_noobject\",\"type\":\"x\",\"created\":1,\"data\":{}}",
        "{\"id\":\"evt_arrayobject\",\"type\":\"x\",\"created\":1,\"data\":{\"object\":[]}}",
        "{\"type\":\"checkout.session.completed\",\"created\":1,\"data\":{\"object\":{}}}",
        "{\"id\":\"evt_notime\",\"type\":\"x\",\"data\":{\"object\":{}}}",
        "{id: 'evt_lenient', type: 'x', created: 1, data: {object: {}}}",
        "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":1,\"data\":{\"object\":{}}} trailing",
        "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":\"soon\",\"data\":{\"object\":{}}}",
      })
  void webhookRejectsSignedBodiesThatAreNotEvents(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    refused(Reason.MALFORMED_EVENT, () -> verifier.verify(bytes, header(SECRET, now(), bytes)));
  }

  @Test
  void webhookRejectsSignedBodyThatIsNotUtf8() {
    byte[] notUtf8 = {'{', '"', 'i', (byte) 0xff, '"', '}'};
    refused(Reason.MALFORMED_EVENT, () -> verifier.verify(notUtf8, header(SECRET, now(), notUtf8)));
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
      })
  void webhookRefusesWeakOrMissingSecretAtConstruction(String secret) {
    List<String> secrets = Arrays.asList(secret);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new StripeSignatureVerifier(secrets, clock));
    assertEquals(StripeSignatureVerifier.WEAK_SECRET_MESSAGE, e.getMessage());
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
        () ->
            new StripeSignatureVerifier(
                secrets, StripeSignatureVerifier.DEFAULT_TOLERANCE, 0, clock));
  }
}
