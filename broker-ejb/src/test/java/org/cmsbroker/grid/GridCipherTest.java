package org.cmsbroker.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.cmsbroker.settings.ClusterName;
import org.junit.jupiter.api.Test;

class GridCipherTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private final GridCipher cipher = new GridCipher(SECRET, new SecureRandom());
  private final byte[] data = "account:alice".getBytes(StandardCharsets.UTF_8);

  @Test
  void sealedValueOpensForItsOwnEntry() throws Exception {
    byte[] sealed = cipher.seal("m", "n", data);
    assertArrayEquals(data, cipher.open("m", "n", sealed));
    assertArrayEquals(data, new GridCipher(SECRET, new SecureRandom()).open("m", "n", sealed));
  }

  @Test
  void sealedValueDoesNotShowItsPlaintext() {
    byte[] sealed = cipher.seal("m", "n", data);
    assertEquals(-1, new String(sealed, StandardCharsets.ISO_8859_1).indexOf("alice"));
  }

  @Test
  void valueMovedToAnotherEntryIsRefused() {
    byte[] sealed = cipher.seal("m", "n", data);
    assertThrows(GridIntegrityException.class, () -> cipher.open("m", "other", sealed));
    assertThrows(GridIntegrityException.class, () -> cipher.open("other", "n", sealed));
  }

  @Test
  void valueSealedUnderAnotherSecretIsRefused() {
    byte[] forged = new GridCipher(SECRET + "x", new SecureRandom()).seal("m", "n", data);
    assertThrows(GridIntegrityException.class, () -> cipher.open("m", "n", forged));
  }

  @Test
  void tamperedOrTruncatedValueIsRefused() {
    byte[] sealed = cipher.seal("m", "n", data);
    sealed[sealed.length - 1] ^= 1;
    assertThrows(GridIntegrityException.class, () -> cipher.open("m", "n", sealed));
    assertThrows(GridIntegrityException.class, () -> cipher.open("m", "n", new byte[5]));
    assertThrows(GridIntegrityException.class, () -> cipher.open("m", "n", null));
  }

  @Test
  void namesAreKeyedAndPerMap() {
    assertEquals(cipher.name("m", "k"), new GridCipher(SECRET, new SecureRandom()).name("m", "k"));
    assertNotEquals(cipher.name("m", "k"), cipher.name("m2", "k"));
    assertNotEquals(
        cipher.name("m", "k"), new GridCipher(SECRET + "x", new SecureRandom()).name("m", "k"));
    assertEquals(43, cipher.name("m", "account:alice").length());
  }

  @Test
  void shortSecretIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new GridCipher("short", new SecureRandom()));
    assertThrows(IllegalArgumentException.class, () -> ClusterName.of("short"));
  }

  @Test
  void clusterNameDependsOnTheSecretOnly() {
    assertEquals(ClusterName.of(SECRET), ClusterName.of(SECRET));
    assertNotEquals(ClusterName.of(SECRET), ClusterName.of(SECRET + "x"));
    assertEquals("cmsbroker-".length() + 64, ClusterName.of(SECRET).length());
  }
}
