package org.cmsbroker.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class Argon2idPasswordHasherTest {

  /** Small parameters keep the suite fast; one test below covers the defaults. */
  private static final Argon2idParameters FAST = new Argon2idParameters(64, 1, 1);

  private final Argon2idPasswordHasher hasher =
      new Argon2idPasswordHasher(FAST, new SecureRandom());

  @Test
  void hashWithDefaultsIsOwaspArgon2idPhcString() {
    Argon2idPasswordHasher defaults = new Argon2idPasswordHasher();

    String hash = defaults.hash("correct horse".toCharArray());

    assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
    assertTrue(defaults.verify("correct horse".toCharArray(), hash));
    assertFalse(defaults.needsRehash(hash));
    assertTrue(Argon2idParameters.OWASP_DEFAULT.meetsOwaspMinimum());
  }

  @Test
  void verifyAcceptsTheRightPassword() {
    String hash = hasher.hash("s3cret-Passw0rd".toCharArray());

    assertTrue(hasher.verify("s3cret-Passw0rd".toCharArray(), hash));
  }

  @Test
  void verifyRejectsAWrongPassword() {
    String hash = hasher.hash("s3cret-Passw0rd".toCharArray());

    assertFalse(hasher.verify("s3cret-Passw0rD".toCharArray(), hash));
  }

  @Test
  void hashUsesAFreshSaltEachTime() {
    assertNotEquals(hasher.hash("same".toCharArray()), hasher.hash("same".toCharArray()));
  }

  @Test
  void hashStoresItsParameters() {
    String hash =
        new Argon2idPasswordHasher(new Argon2idParameters(128, 3, 2), new SecureRandom())
            .hash("pw".toCharArray());

    assertTrue(hash.startsWith("$argon2id$v=19$m=128,t=3,p=2$"), hash);
  }

  /**
   * Vectors from the reference implementation: {@code echo -n ... | argon2 saltsaltsaltsalt -id
   * -e}.
   */
  @Test
  void verifyReadsHashesFromTheReferenceImplementation() {
    char[] password = "correct horse battery staple".toCharArray();

    assertTrue(
        hasher.verify(
            password,
            "$argon2id$v=19$m=64,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA"
                + "$08SGGcDJOWTOHrI9opI1oxYYPVyI3Xbz6vQjWzSpV7w"));
    assertTrue(
        hasher.verify(
            password,
            "$argon2id$v=19$m=64,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA"
                + "$5U7ytXzDNlJEuT9OvS0FicNxptuh2DUALVmiOi1HJJo"));
  }

  @Test
  void verifyHandlesNonAsciiPasswordsAsUtf8() {
    String hash = hasher.hash("pässwörd-\uD83D\uDD12".toCharArray());

    assertTrue(hasher.verify("pässwörd-\uD83D\uDD12".toCharArray(), hash));
    assertFalse(hasher.verify("passwörd-\uD83D\uDD13".toCharArray(), hash));
  }

  @Test
  void needsRehashWhenConfiguredParametersRise() {
    String old = hasher.hash("pw".toCharArray());
    Argon2idPasswordHasher stronger =
        new Argon2idPasswordHasher(new Argon2idParameters(128, 1, 1), new SecureRandom());

    assertTrue(stronger.needsRehash(old));
    assertFalse(hasher.needsRehash(old));
    assertTrue(stronger.verify("pw".toCharArray(), old));
  }

  @Test
  void needsRehashWhenIterationsRise() {
    String old = hasher.hash("pw".toCharArray());

    assertTrue(
        new Argon2idPasswordHasher(new Argon2idParameters(64, 2, 1), new SecureRandom())
            .needsRehash(old));
  }

  @Test
  void noRehashWhenStoredHashIsStrongerThanConfigured() {
    String strong =
        new Argon2idPasswordHasher(new Argon2idParameters(256, 2, 1), new SecureRandom())
            .hash("pw".toCharArray());

    assertFalse(hasher.needsRehash(strong));
  }

  @Test
  void verifyDummyNeverSucceeds() {
    assertFalse(hasher.verifyDummy("".toCharArray()));
    assertFalse(hasher.verifyDummy("anything".toCharArray()));
  }

  @Test
  void verifyRefusesANonArgon2idHash() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                hasher.verify(
                    "pw".toCharArray(),
                    "$argon2i$v=19$m=64,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA"
                        + "$08SGGcDJOWTOHrI9opI1oxYYPVyI3Xbz6vQjWzSpV7w"));
    assertEquals("Not an argon2id v=19 PHC string", e.getMessage());
  }

  @Test
  void verifyRefusesAStoredHashWithAbsurdMemory() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            hasher.verify(
                "pw".toCharArray(),
                "$argon2id$v=19$m=9999999999,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA"
                    + "$08SGGcDJOWTOHrI9opI1oxYYPVyI3Xbz6vQjWzSpV7w"));
  }

  @Test
  void verifyRefusesAStoredHashWithAShortSalt() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            hasher.verify(
                "pw".toCharArray(),
                "$argon2id$v=19$m=64,t=2,p=1$c2FsdA$08SGGcDJOWTOHrI9opI1oxYYPVyI3Xbz6vQjWzSpV7w"));
  }

  @Test
  void parametersRefuseOutOfRangeValues() {
    assertThrows(IllegalArgumentException.class, () -> new Argon2idParameters(64, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Argon2idParameters(64, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Argon2idParameters(15, 1, 2));
  }

  @Test
  void owaspMinimumAcceptsTheCheatSheetSettingsOnly() {
    assertTrue(new Argon2idParameters(47_104, 1, 1).meetsOwaspMinimum());
    assertTrue(new Argon2idParameters(12_288, 3, 1).meetsOwaspMinimum());
    assertTrue(new Argon2idParameters(7_168, 5, 1).meetsOwaspMinimum());
    assertFalse(new Argon2idParameters(19_456, 1, 1).meetsOwaspMinimum());
    assertFalse(FAST.meetsOwaspMinimum());
  }

  @Test
  void keptMemoryDerivesTheReferenceImplementationsHashes() {
    Argon2idPasswordHasher unpooled = new Argon2idPasswordHasher(FAST, new SecureRandom(), 0);
    Argon2idPasswordHasher pooled = new Argon2idPasswordHasher(FAST, new SecureRandom(), 1);
    char[] password = "correct horse battery staple".toCharArray();
    String reference =
        "$argon2id$v=19$m=64,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA"
            + "$08SGGcDJOWTOHrI9opI1oxYYPVyI3Xbz6vQjWzSpV7w";

    for (int i = 0; i < 3; i++) {
      assertTrue(pooled.verify(password, reference), "verification " + i + " with kept memory");
    }
    assertTrue(unpooled.verify(password, pooled.hash(password)));
    assertTrue(pooled.verify(password, unpooled.hash(password)));
    assertEquals(0, unpooled.keptBlocks());
  }

  @Test
  void memoryOfOneHashIsKeptAndNoMore() {
    Argon2idPasswordHasher pooled = new Argon2idPasswordHasher(FAST, new SecureRandom(), 1);

    pooled.hash("pw".toCharArray());
    int afterOne = pooled.keptBlocks();
    pooled.hash("pw".toCharArray());

    assertTrue(afterOne >= 64, "the 64 blocks of m=64 are kept: " + afterOne);
    assertEquals(afterOne, pooled.keptBlocks());
  }

  @Test
  void storedHashOfOtherParametersResizesTheKeptMemory() {
    Argon2idPasswordHasher pooled = new Argon2idPasswordHasher(FAST, new SecureRandom(), 1);
    char[] password = "correct horse battery staple".toCharArray();
    pooled.hash(password);
    int small = pooled.keptBlocks();

    String larger =
        new Argon2idPasswordHasher(new Argon2idParameters(256, 1, 1), new SecureRandom(), 0)
            .hash(password);
    assertTrue(pooled.verify(password, larger));
    assertTrue(pooled.keptBlocks() > small);
    pooled.hash(password);

    assertEquals(small, pooled.keptBlocks());
  }

  @Test
  void concurrentHashesSharingKeptMemoryStayCorrect() throws Exception {
    Argon2idPasswordHasher pooled = new Argon2idPasswordHasher(FAST, new SecureRandom(), 2);
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 64; i++) {
        char[] password = ("password-" + i).toCharArray();
        char[] wrong = ("password-" + i + "x").toCharArray();
        results.add(
            threads.submit(
                () -> {
                  String hash = pooled.hash(password);
                  return pooled.verify(password, hash) && !pooled.verify(wrong, hash);
                }));
      }
      for (java.util.concurrent.Future<Boolean> result : results) {
        assertTrue(result.get());
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
