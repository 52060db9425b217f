package org.cmsbroker.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class FieldCipherTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final FieldCipher cipher = new FieldCipher(MasterKey.generate(RANDOM), RANDOM);

  @Test
  void aRowBoundValueOpensForItsRowAndColumn() {
    String stored = cipher.encrypt("account.email", "row-1", "ada@example.org");

    assertTrue(stored.startsWith("v2:"));
    assertFalse(stored.contains("ada"));
    assertEquals("ada@example.org", cipher.decrypt("account.email", "row-1", stored));
    assertTrue(FieldCipher.isRowBound(stored));
  }

  @Test
  void aRowBoundValueCopiedToAnotherRowDoesNotDecrypt() {
    String stored = cipher.encrypt("account.email", "row-1", "ada@example.org");

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> cipher.decrypt("account.email", "row-2", stored));
    assertFalse(e.getMessage().contains("ada"));
  }

  @Test
  void aRowBoundValueCopiedToAnotherColumnDoesNotDecrypt() {
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
  void aLegacyValueWrittenBeforeRowBindingStillDecrypts() {
    String legacy = cipher.encrypt("account.email", "ada@example.org");

    assertTrue(legacy.startsWith("v1:"));
    assertEquals("ada@example.org", cipher.decrypt("account.email", "row-1", legacy));
    assertFalse(FieldCipher.isRowBound(legacy));
  }

  @Test
  void aRowBoundValueIsNotReadAsALegacyOne() {
    String stored = cipher.encrypt("account.email", "row-1", "ada@example.org");

    assertThrows(IllegalStateException.class, () -> cipher.decrypt("account.email", stored));
  }

  @Test
  void nullStaysNull() {
    assertNull(cipher.encrypt("account.given_name", "row-1", null));
    assertNull(cipher.decrypt("account.given_name", "row-1", null));
    assertTrue(FieldCipher.isRowBound(null));
  }
}
