package org.cmsbroker.login;

import com.nimbusds.jose.jwk.RSAKey;
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
 * Login keys in the database, shared by every broker instance; private keys encrypted with the
 * master key. Each call is its own transaction.
 */
@Stateless
@LocalBean
public class JpaLoginKeyStore implements LoginKeyStore {
  public static final String FIELD = "login_key.private_jwk";

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject FieldCipher cipher;

  @Override
  public List<LoginKey> findAll() {
    return em
        .createQuery("SELECT k FROM StoredLoginKey k", StoredLoginKey.class)
        .getResultList()
        .stream()
        .map(this::toKey)
        .toList();
  }

  private LoginKey toKey(StoredLoginKey stored) {
    try {
      return new LoginKey(
          RSAKey.parse(cipher.decrypt(FIELD, stored.kid(), stored.privateJwkCiphertext())),
          stored.createdAt().toInstant());
    } catch (ParseException e) {
      throw new IllegalStateException("stored login key " + stored.kid() + " is unreadable");
    }
  }

  @Override
  public void add(LoginKey key) {
    em.persist(
        new StoredLoginKey(
            key.keyId(),
            key.createdAt().atOffset(ZoneOffset.UTC),
            cipher.encrypt(FIELD, key.keyId(), key.privateJwk().toJSONString())));
  }

  @Override
  public void remove(String keyId) {
    StoredLoginKey stored = em.find(StoredLoginKey.class, keyId);
    if (stored != null) {
      em.remove(stored);
    }
  }
}
