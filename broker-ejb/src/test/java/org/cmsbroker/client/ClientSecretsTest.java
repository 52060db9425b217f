package org.cmsbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ClientSecretsTest {
  private final ClientSecrets secrets = new ClientSecrets(new SecureRandom());

  @Test
  void secretIs256RandomBitsInBase64url() {
    String secret = secrets.newSecret();

    assertTrue(secret.matches("[A-Za-z0-9_-]{43}"), secret);
    assertNotEquals(secret, secrets.newSecret());
  }

  @Test
  void hashIsTheSha256HexOfTheSecret() {
    // SHA-256("abc"), FIPS 180-2 appendix B.1
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ClientSecrets.hash("abc"));
  }

  @Test
  void matchesOnlyTheSameSecret() {
    String secret = secrets.newSecret();
    String hash = ClientSecrets.hash(secret);

    assertTrue(ClientSecrets.matches(hash, secret));
    assertFalse(ClientSecrets.matches(hash, secret.toUpperCase()));
    assertFalse(ClientSecrets.matches(hash, null));
  }

  @Test
  void noUsableHashNeverMatches() {
    assertFalse(ClientSecrets.matches(null, ""));
    assertFalse(ClientSecrets.matches(null, "anything"));
    assertFalse(ClientSecrets.matches("not hex", "anything"));
    // The all-zero stand-in hash must not be reachable through an empty secret either.
    assertFalse(ClientSecrets.matches("0".repeat(64), ""));
  }

  @Test
  void emptySecretNeverMatchesEvenItsOwnHash() {
    assertFalse(ClientSecrets.matches(ClientSecrets.hash(""), ""));
  }
}
