package org.cmsbroker.datakey;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.cmsbroker.crypto.FieldCipher;

/** {@link DataKeyRotation}'s batches and counts, each in a transaction of its own. */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class ReencryptionBatches implements DataKeyRotation.Batches {
  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject FieldCipher cipher;

  @Override
  public DataKeyRotation.Batch run(EncryptedColumn column, String keyId, String after, int size) {
    return DataKeyRotation.batch(em, cipher, column, keyId, after, size);
  }

  @Override
  public long remaining(EncryptedColumn column, String keyId) {
    return DataKeyRotation.remaining(em, column, keyId);
  }
}
