package org.cmsbroker.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class FieldCipherTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final MasterKey master = MasterKey.generate(RANDOM);
  private final TestCiphers.InMemoryStore store = new TestCiphers.InMemoryStore();
  private final FieldCipher cipher =
      new FieldCipher(master, new DataKeys(master, store, RANDOM), RANDOM);

  @Test
  void aValueIsWrittenUnderTheCurrentDataKeyAndOpensForItsRowAndColumn() {
    String stored = cipher.encrypt("account.email", "row-1", "ada@example.org");

    String keyId = cipher.dataKeys().currentId();
    assertTrue(stored.startsWith("v3:" + keyId + ":"), stored);
    assertEquals(keyId, FieldCipher.keyId(stored).orElseThrow());
    assertFalse(stored.contains("ada"));
    assertEquals("ada@example.org", cipher.decrypt("account.email", "row-1", stored));
    assertTrue(cipher.isCurrent(stored));
    assertEquals(1, store.all().size());
    assertFalse(store.all().get(0).wrapped().isEmpty());
  }

  @Test
  void aValueCopiedToAnotherRowDoesNotDecrypt() {
    String stored = cipher.encrypt("account.email", "row-1", "ada@example.org");

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> cipher.decrypt("account.email", "row-2", stored));
    assertFalse(e.getMessage().contains("ada"));
  }

  @Test
  void aValueCopiedToAnotherColumnDoesNotDecrypt() {
    String stored = cipher.encrypt("account.email", "row-1", "ada@example.org");

    assertThrows(
        IllegalStateException.class, () -> cipher.decrypt("account.given_name", "row-1", stored));
  }

  @Test
  void rowIdsCannotBeShiftedIntoTheFieldName() {
    String stored = cipher.encrypt("a", "b\u0000c", "x");

    assertThrows(IllegalStateException.class, () -> cipher.decrypt("a\u0000b", "c", stored));
  }

  @Test
  void theKeyIdInAValueCannotBeChanged() {
    String old = cipher.dataKeys().currentId();
    String stored = cipher.encrypt("account.email", "row-1", "ada@example.org");
    String current = cipher.dataKeys().rotate();

    String relabelled = stored.replace("v3:" + old + ":", "v3:" + current + ":");

    assertThrows(
        IllegalStateException.class, () -> cipher.decrypt("account.email", "row-1", relabelled));
  }

  @Test
  void afterARotationNewValuesUseTheNewKeyAndOldOnesStillDecrypt() {
    String before = cipher.encrypt("account.email", "row-1", "ada@example.org");
    String old = cipher.dataKeys().currentId();

    String current = cipher.dataKeys().rotate();
    String after = cipher.encrypt("account.email", "row-1", "ada@example.org");

    assertNotEquals(old, current);
    assertEquals(current, cipher.dataKeys().currentId());
    assertEquals(current, FieldCipher.keyId(after).orElseThrow());
    assertEquals("ada@example.org", cipher.decrypt("account.email", "row-1", before));
    assertFalse(cipher.isCurrent(before));
    assertTrue(cipher.isCurrent(after));
  }

  @Test
  void anotherInstanceOnTheSameStoreReadsTheKeysAndFindsANewOne() {
    FieldCipher other = new FieldCipher(master, new DataKeys(master, store, RANDOM), RANDOM);
    String stored = cipher.encrypt("account.email", "row-1", "ada@example.org");
    assertEquals("ada@example.org", other.decrypt("account.email", "row-1", stored));

    cipher.dataKeys().rotate();
    String newer = cipher.encrypt("account.email", "row-1", "ada@example.org");

    assertEquals("ada@example.org", other.decrypt("account.email", "row-1", newer));
  }

  @Test
  void dataKeysUnderAnotherMasterKeyDoNotOpen() {
    String stored = cipher.encrypt("account.email", "row-1", "ada@example.org");
    MasterKey otherMaster = MasterKey.generate(RANDOM);
    FieldCipher other =
        new FieldCipher(otherMaster, new DataKeys(otherMaster, store, RANDOM), RANDOM);

    assertThrows(
        IllegalStateException.class, () -> other.decrypt("account.email", "row-1", stored));
  }

  @Test
  void aValueUnderAnUnknownKeyDoesNotDecrypt() {
    String stored = cipher.encrypt("account.email", "row-1", "ada@example.org");
    FieldCipher other = TestCiphers.inMemory(master, RANDOM);

    assertThrows(
        IllegalStateException.class, () -> other.decrypt("account.email", "row-1", stored));
  }

  @Test
  void legacyValuesStillDecryptAndAreNotCurrent() {
    String v1 = TestCiphers.legacyV1(master, "account.email", "ada@example.org");
    String v2 = TestCiphers.legacyV2(master, "account.email", "row-1", "ada@example.org");

    assertEquals("ada@example.org", cipher.decrypt("account.email", "row-1", v1));
    assertEquals("ada@example.org", cipher.decrypt("account.email", "row-1", v2));
    assertThrows(IllegalStateException.class, () -> cipher.decrypt("account.email", "row-2", v2));
    assertFalse(cipher.isCurrent(v1));
    assertFalse(cipher.isCurrent(v2));
  }

  @Test
  void plainTextIsNotTakenForAValue() {
    assertThrows(
        IllegalStateException.class, () -> cipher.decrypt("account.email", "row-1", "ada@x.org"));
    assertFalse(FieldCipher.isCiphertext("ada@x.org"));
  }

  @Test
  void nullStaysNull() {
    assertNull(cipher.encrypt("account.given_name", "row-1", null));
    assertNull(cipher.decrypt("account.given_name", "row-1", null));
    assertTrue(cipher.isCurrent(null));
  }
}
