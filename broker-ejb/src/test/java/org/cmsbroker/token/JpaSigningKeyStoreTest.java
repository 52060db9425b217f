package org.cmsbroker.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.UUID;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.TestCiphers;
import org.cmsbroker.persistence.DatabaseMigrator;
import org.cmsbroker.persistence.DriverDataSource;
import org.junit.jupiter.api.Test;

/** The mapping between a signing key and its row; the container-managed part is not run here. */
class JpaSigningKeyStoreTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final MutableClock clock = MutableClock.atStart();
  private final SigningKeyGenerator generator = new SigningKeyGenerator();
  private final FieldCipher cipher = TestCiphers.fresh(RANDOM);

  @Test
  void keysRoundTripThroughTheEncryptedColumn() {
    for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
      SigningKey key = generator.generate(algorithm, clock.instant());

      StoredSigningKey stored = JpaSigningKeyStore.toStored(key, cipher);

      assertEquals(key.keyId(), stored.kid());
      assertEquals(algorithm.name(), stored.alg());
      assertEquals(key, JpaSigningKeyStore.toKey(stored, cipher));
    }
  }

  @Test
  void theRowHoldsNoPrivateKeyInClear() {
    SigningKey key = generator.generate(SigningAlgorithm.ES256, clock.instant());

    StoredSigningKey stored = JpaSigningKeyStore.toStored(key, cipher);

    assertTrue(stored.privateJwkCiphertext().startsWith("v3:"));
    assertFalse(
        stored.privateJwkCiphertext().contains(key.privateJwk().toECKey().getD().toString()));
    assertFalse(stored.privateJwkCiphertext().contains("\"d\""));
  }

  @Test
  void aRowWhoseClearAlgDisagreesWithTheEncryptedKeyIsRefused() {
    SigningKey key = generator.generate(SigningAlgorithm.ES256, clock.instant());
    StoredSigningKey stored = JpaSigningKeyStore.toStored(key, cipher);
    StoredSigningKey altered =
        new StoredSigningKey(
            stored.kid(), "RS256", stored.createdAt(), stored.privateJwkCiphertext());

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> JpaSigningKeyStore.toKey(altered, cipher));
    assertEquals(
        "stored signing key " + key.keyId() + " does not match its encrypted JWK", e.getMessage());
  }

  @Test
  void aRowUnderAnotherMasterKeyIsRefused() {
    StoredSigningKey stored =
        JpaSigningKeyStore.toStored(
            generator.generate(SigningAlgorithm.ES256, clock.instant()), cipher);
    FieldCipher other = TestCiphers.fresh(RANDOM);

    assertThrows(IllegalStateException.class, () -> JpaSigningKeyStore.toKey(stored, other));
  }

  @Test
  void migrationCreatesASigningKeyTableThatHoldsAnRsaKey() throws Exception {
    DriverDataSource dataSource = new DriverDataSource();
    dataSource.setUrl("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    dataSource.setUser("broker");
    DatabaseMigrator.migrateSchema(dataSource, DatabaseMigrator.class.getClassLoader());
    StoredSigningKey stored =
        JpaSigningKeyStore.toStored(
            generator.generate(SigningAlgorithm.RS256, clock.instant()), cipher);

    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO signing_key (kid, alg, created_at, private_jwk_ciphertext)"
                  + " VALUES (?, ?, ?, ?)")) {
        insert.setString(1, stored.kid());
        insert.setString(2, stored.alg());
        insert.setTimestamp(3, Timestamp.from(stored.createdAt().toInstant()));
        insert.setString(4, stored.privateJwkCiphertext());
        assertEquals(1, insert.executeUpdate());
      }
      try (ResultSet rs =
          connection
              .createStatement()
              .executeQuery("SELECT private_jwk_ciphertext FROM signing_key")) {
        assertTrue(rs.next());
        assertEquals(stored.privateJwkCiphertext(), rs.getString(1));
      }
    }
  }
}
