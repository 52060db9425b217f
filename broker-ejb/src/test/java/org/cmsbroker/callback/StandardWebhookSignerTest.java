package org.cmsbroker.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardWebhookSignerTest {
  // The test vector the Standard Webhooks specification's libraries all check.
  private static final String VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long VECTOR_TIMESTAMP = 1614265330L;
  private static final String VECTOR_BODY = "{\"test\": 2432232314}";
  private static final String VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void signatureMatchesTheSpecificationTestVector() {
    StandardWebhookSigner signer = new StandardWebhookSigner(VECTOR_SECRET);

    assertEquals(VECTOR_SIGNATURE, signer.signature(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY));
  }

  @Test
  void headersCarryIdTimestampAndSignature() {
    StandardWebhookSigner signer = new StandardWebhookSigner(VECTOR_SECRET);

    Map<String, String> headers =
        signer.headers(VECTOR_ID, Instant.ofEpochSecond(VECTOR_TIMESTAMP), VECTOR_BODY);

    assertEquals(
        Map.of(
            "webhook-id", VECTOR_ID,
            "webhook-timestamp", "1614265330",
            "webhook-signature", VECTOR_SIGNATURE),
        headers);
  }

  @Test
  void aReceiverUsingTheReferenceLibraryAcceptsTheHeaders() throws Exception {
    String secret = WebhookSecrets.generate(new SecureRandom());
    String body = "{\"type\":\"payment.succeeded\"}";
    Map<String, String> headers =
        new StandardWebhookSigner(secret).headers("msg_1", Instant.now(), body);

    new Webhook(secret)
        .verify(
            body,
            Map.of(
                "webhook-id", List.of(headers.get("webhook-id")),
                "webhook-timestamp", List.of(headers.get("webhook-timestamp")),
                "webhook-signature", List.of(headers.get("webhook-signature"))));
  }

  @Test
  void generatedSecretsHave32RandomBytesBehindThePrefix() {
    SecureRandom random = new SecureRandom();
    String one = WebhookSecrets.generate(random);
    String two = WebhookSecrets.generate(random);

    assertTrue(one.startsWith("whsec_"));
    assertEquals(32, Base64.getDecoder().decode(one.substring(6)).length);
    assertNotEquals(one, two);
  }

  @Test
  void signerRefusesASecretWithoutThePrefix() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new StandardWebhookSigner("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    assertEquals("webhook secret must start with whsec_", e.getMessage());
  }

  @Test
  void signerRefusesAShortSecret() {
    String sixteenBytes = "whsec_" + Base64.getEncoder().encodeToString(new byte[16]);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new StandardWebhookSigner(sixteenBytes));
    assertEquals("webhook secret must hold 24 to 64 bytes", e.getMessage());
  }

  @Test
  void signerRefusesASecretThatIsNotBase64() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new StandardWebhookSigner("whsec_%%%"));
    assertEquals("webhook secret is not base64 after whsec_", e.getMessage());
  }
}
