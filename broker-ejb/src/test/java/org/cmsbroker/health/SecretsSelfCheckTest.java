package org.cmsbroker.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.cmsbroker.health.SelfCheckFinding.Status;
import org.cmsbroker.settings.SettingSource;
import org.junit.jupiter.api.Test;

/**
 * The self-check's "secrets" finding names each configured secret that is too short, a known
 * placeholder or too predictable, and never shows a value or a part of one.
 */
class SecretsSelfCheckTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What {@code openssl rand -base64 n} prints. */
  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private static String stripeLike() {
    return "whsec_" + random(24).replaceAll("[+/=]", "x");
  }

  private final Map<String, String> values = new HashMap<>();
  private final SettingSource source = name -> Optional.ofNullable(values.get(name));

  private SelfCheckFinding check() {
    return SelfCheck.secrets(source);
  }

  private void assertNoValueShown(SelfCheckFinding f) {
    for (String value : values.values()) {
      for (String part : value.split("[,]")) {
        String secret = part.trim().replaceFirst("^whsec_", "");
        assertFalse(f.seen().contains(secret), "a value is shown: " + f);
        assertFalse(f.fix().contains(secret), "a value is shown: " + f);
      }
    }
  }

  @Test
  void randomSecretsPassAndAreNamed() {
    values.put("broker.stripe.webhook.secret", stripeLike() + "," + stripeLike());
    values.put("broker.cluster.secret", random(32));
    values.put("broker.master.key", random(32));
    values.put("broker.db.url", "jdbc:postgresql://db/broker");
    values.put("broker.db.password", random(24));
    values.put("broker.smtp.password", "qzvhkpwmtrlxbnfd");

    SelfCheckFinding f = check();

    assertEquals(Status.PASS, f.status(), f.toString());
    assertTrue(f.seen().contains("BROKER_CLUSTER_SECRET"), f.seen());
    assertTrue(f.seen().contains("BROKER_STRIPE_WEBHOOK_SECRET (secret number 2)"), f.seen());
    assertTrue(f.seen().contains("BROKER_DB_PASSWORD"), f.seen());
    assertTrue(f.seen().contains("BROKER_SMTP_PASSWORD"), f.seen());
    assertTrue(f.seen().contains("BROKER_MASTER_KEY"), f.seen());
    assertNoValueShown(f);
  }

  @Test
  void nothingConfiguredPasses() {
    assertEquals(Status.PASS, check().status());
  }

  @Test
  void aShortDatabasePasswordFailsWithoutShowingIt() {
    values.put("broker.db.url", "jdbc:postgresql://db/broker");
    values.put("broker.db.password", "Kx9#mQ2v");

    SelfCheckFinding f = check();

    assertEquals(Status.FAIL, f.status());
    assertTrue(f.seen().contains("BROKER_DB_PASSWORD: shorter than 16 characters"), f.seen());
    assertNoValueShown(f);
  }

  @Test
  void theDatabasePasswordIsCheckedOnlyForPostgresql() {
    values.put("broker.db.password", "short");
    assertEquals(Status.PASS, check().status(), "H2 in the data directory uses no password");
    values.put("broker.db.url", "jdbc:h2:file:/var/lib/broker/db/broker");
    assertEquals(Status.PASS, check().status());
    values.put("broker.db.url", "jdbc:postgresql://db/broker");
    assertEquals(Status.FAIL, check().status());
  }

  @Test
  void aPlaceholderClusterSecretFails() {
    values.put("broker.cluster.secret", "changeme-changeme-changeme-changeme");

    SelfCheckFinding f = check();

    assertEquals(Status.FAIL, f.status());
    assertTrue(f.seen().contains("BROKER_CLUSTER_SECRET: mostly a placeholder word"), f.seen());
    assertNoValueShown(f);
  }

  @Test
  void theReadmesAngleBracketPlaceholderFails() {
    values.put("broker.cluster.secret", "<the same secret, openssl rand -base64 32>");

    SelfCheckFinding f = check();

    assertEquals(Status.FAIL, f.status());
    assertTrue(f.seen().contains("a placeholder from an example"), f.seen());
  }

  @Test
  void aRepeatedOrSequentialSecretFails() {
    values.put("broker.cluster.secret", "a".repeat(40));
    assertTrue(check().seen().contains("too few different characters"), check().seen());
    values.put("broker.cluster.secret", "abcdefghijklmnopqrstuvwxyz0123456789");
    assertTrue(check().seen().contains("too predictable"), check().seen());
    values.put("broker.cluster.secret", "abcabcabcabcabcabcabcabcabcabcabcabc");
    assertEquals(Status.FAIL, check().status(), check().seen());
  }

  @Test
  void aWeakStripeWebhookSecretIsNamedByPosition() {
    values.put("broker.stripe.webhook.secret", stripeLike() + ",whsec_xxxxxxxxxxxxxxxxxxxxxxxx");

    SelfCheckFinding f = check();

    assertEquals(Status.FAIL, f.status());
    assertTrue(f.seen().contains("BROKER_STRIPE_WEBHOOK_SECRET (secret number 2):"), f.seen());
    assertFalse(f.seen().contains("secret number 1"), f.seen());
    assertNoValueShown(f);
  }

  @Test
  void aMasterKeyOfRepeatedBytesFails() {
    values.put("broker.master.key", Base64.getEncoder().encodeToString(new byte[32]));

    SelfCheckFinding f = check();

    assertEquals(Status.FAIL, f.status());
    assertTrue(f.seen().contains("BROKER_MASTER_KEY: not random bytes"), f.seen());
  }

  @Test
  void aWeakSmtpPasswordFails() {
    values.put("broker.smtp.password", "Password2024!");

    SelfCheckFinding f = check();

    assertEquals(Status.FAIL, f.status());
    assertTrue(f.seen().startsWith("weak: BROKER_SMTP_PASSWORD: "), f.seen());
    assertNoValueShown(f);
  }

  @Test
  void aLongRandomPassphraseOfWordsPasses() {
    values.put("broker.smtp.password", "vivid-lantern-orbit-cascade-tundra");
    assertEquals(Status.PASS, check().status(), check().seen());
  }
}
