package org.cmsbroker.callback;

import java.security.SecureRandom;
import java.util.Base64;

/** Makes per-client callback signing secrets in the Standard Webhooks form. */
public final class WebhookSecrets {
  /** The prefix every Standard Webhooks secret carries. */
  public static final String PREFIX = "whsec_";

  /** 256 bits: within the specification's 24 to 64 bytes, and HMAC-SHA256's block-safe size. */
  static final int KEY_BYTES = 32;

  private WebhookSecrets() {}

  /** A new secret: {@code whsec_} and the base64 of 32 random bytes. */
  public static String generate(SecureRandom random) {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }
}
