package org.cmsbroker.callback;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Signs a callback per the Standard Webhooks specification (standardwebhooks.com): the headers
 * {@code webhook-id}, {@code webhook-timestamp} (unix seconds) and {@code webhook-signature}
 * ({@code v1,} and base64 HMAC-SHA256 over {@code id.timestamp.body}). The HMAC itself is the
 * specification's own Java library ({@code com.standardwebhooks:standardwebhooks}). Immutable and
 * thread-safe.
 */
public final class StandardWebhookSigner {
  /** Header carrying the message id, the same on every retry of a message. */
  public static final String ID_HEADER = "webhook-id";

  /** Header carrying the time of this attempt, in unix seconds. */
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";

  /** Header carrying the {@code v1,} signature. */
  public static final String SIGNATURE_HEADER = "webhook-signature";

  /** The specification asks for secrets of 24 to 64 random bytes. */
  static final int MIN_KEY_BYTES = 24;

  static final int MAX_KEY_BYTES = 64;

  private final Webhook webhook;

  /**
   * A signer for one client's secret.
   *
   * @param secret {@code whsec_} and the base64 of 24 to 64 key bytes, as made by {@link
   *     WebhookSecrets#generate}
   * @throws IllegalArgumentException when the secret is missing, malformed or too short or long
   *     (misconfiguration: the message never contains the secret)
   */
  public StandardWebhookSigner(String secret) {
    if (secret == null || !secret.startsWith(WebhookSecrets.PREFIX)) {
      throw new IllegalArgumentException("webhook secret must start with whsec_");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(secret.substring(WebhookSecrets.PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("webhook secret is not base64 after whsec_");
    }
    if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("webhook secret must hold 24 to 64 bytes");
    }
    this.webhook = new Webhook(key);
  }

  /** The {@code v1,...} signature of {@code body} sent as message {@code id} at {@code ts}. */
  public String signature(String id, long unixSeconds, String body) {
    try {
      return webhook.sign(id, unixSeconds, body);
    } catch (WebhookSigningException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available");
    }
  }

  /** The three Standard Webhooks headers for sending {@code body} as message {@code id} now. */
  public Map<String, String> headers(String id, Instant now, String body) {
    long seconds = now.getEpochSecond();
    return Map.of(
        ID_HEADER,
        id,
        TIMESTAMP_HEADER,
        Long.toString(seconds),
        SIGNATURE_HEADER,
        signature(id, seconds, body));
  }
}
