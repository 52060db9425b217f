package org.cmsbroker.datakey;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import org.cmsbroker.crypto.DataKeyStore;
import org.cmsbroker.crypto.StoredDataKey;

/**
 * The data keys in table {@code data_key}, each call in its own transaction: a new key is committed
 * before anything is encrypted under it, whatever becomes of the caller's transaction.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class JpaDataKeyStore implements DataKeyStore {
  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Override
  public List<StoredDataKey> all() {
    return all(em);
  }

  @Override
  public void add(StoredDataKey key) {
    add(em, key);
  }

  /** Every key, read through {@code em}. */
  public static List<StoredDataKey> all(EntityManager em) {
    return em
        .createQuery("SELECT k FROM DataKeyRecord k", DataKeyRecord.class)
        .getResultList()
        .stream()
        .map(DataKeyRecord::toStored)
        .toList();
  }

  /** Adds a key through {@code em}, in its transaction. */
  public static void add(EntityManager em, StoredDataKey key) {
    em.persist(new DataKeyRecord(key));
    em.flush();
  }
}
