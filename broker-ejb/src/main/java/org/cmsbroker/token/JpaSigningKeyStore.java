package org.cmsbroker.token;

import com.nimbusds.jose.jwk.JWK;
import jakarta.ejb.LocalBean;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.text.ParseException;
import java.time.ZoneOffset;
import java.util.List;
import org.cmsbroker.crypto.FieldCipher;

/**
 * Signing keys in the database, shared by every broker instance; private keys encrypted with the
 * master key. Each call is its own transaction.
 */
@Stateless
@LocalBean
public class JpaSigningKeyStore implements SigningKeyStore {
  public static final String FIELD = "signing_key.private_jwk";

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject FieldCipher cipher;

  @Override
  public List<SigningKey> findAll() {
    return em
        .createQuery("SELECT k FROM StoredSigningKey k", StoredSigningKey.class)
        .getResultList()
        .stream()
        .map(stored -> toKey(stored, cipher))
        .toList();
  }

  @Override
  public void add(SigningKey key) {
    em.persist(toStored(key, cipher));
  }

  @Override
  public void remove(String keyId) {
    StoredSigningKey stored = em.find(StoredSigningKey.class, keyId);
    if (stored != null) {
      em.remove(stored);
    }
  }

  static StoredSigningKey toStored(SigningKey key, FieldCipher cipher) {
    return new StoredSigningKey(
        key.keyId(),
        key.algorithm().name(),
        key.createdAt().atOffset(ZoneOffset.UTC),
        cipher.encrypt(FIELD, key.keyId(), key.privateJwk().toJSONString()));
  }

  /**
   * @throws IllegalStateException if the ciphertext was altered, the master key changed, or the
   *     clear kid or alg disagree with the encrypted JWK
   */
  static SigningKey toKey(StoredSigningKey stored, FieldCipher cipher) {
    SigningKey key;
    try {
      key =
          new SigningKey(
              JWK.parse(cipher.decrypt(FIELD, stored.kid(), stored.privateJwkCiphertext())),
              stored.createdAt().toInstant());
    } catch (ParseException | IllegalArgumentException e) {
      throw new IllegalStateException("stored signing key " + stored.kid() + " is unreadable");
    }
    // The encrypted JWK is authenticated, the clear columns are not: they must agree with it.
    if (!key.keyId().equals(stored.kid()) || !key.algorithm().name().equals(stored.alg())) {
      throw new IllegalStateException(
          "stored signing key " + stored.kid() + " does not match its encrypted JWK");
    }
    return key;
  }
}
