package org.cmsbroker.datakey;

import jakarta.ejb.AsyncResult;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.concurrent.Future;
import java.util.logging.Logger;
import org.cmsbroker.crypto.DataKeys;
import org.cmsbroker.crypto.FieldCipher;

/**
 * Rotates the data key: a new current key at once (every new write of this instance uses it from
 * then on, other instances within {@link DataKeys#REFRESH}), then every encrypted value
 * re-encrypted under it in the background, batch by batch, while the broker keeps serving.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DataKeyRotationService {
  private static final Logger LOG = Logger.getLogger(DataKeyRotationService.class.getName());

  @Inject FieldCipher cipher;
  @Inject DataKeyRotation.Batches batches;

  /** Makes a new current data key; returns its id. */
  public String rotate() {
    return cipher.dataKeys().rotate();
  }

  /** Re-encrypts every encrypted value under {@code keyId}; logs the outcome (counts, row ids). */
  @Asynchronous
  public Future<DataKeyRotation.Report> reencryptAll(String keyId) {
    try {
      DataKeyRotation.Report report =
          DataKeyRotation.reencryptAll(batches, keyId, DataKeys.REFRESH);
      LOG.info(
          () ->
              "Data key "
                  + keyId
                  + ": "
                  + report.rewritten()
                  + " values re-encrypted, "
                  + report.remaining()
                  + " remain under older keys"
                  + (report.failed().isEmpty()
                      ? ""
                      : ", not decryptable: " + String.join(", ", report.failed())));
      return new AsyncResult<>(report);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("data key re-encryption interrupted", e);
    }
  }
}
