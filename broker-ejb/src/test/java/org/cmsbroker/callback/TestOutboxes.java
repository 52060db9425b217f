package org.cmsbroker.callback;

import jakarta.persistence.EntityManager;
import java.security.SecureRandom;
import java.time.Clock;
import org.cmsbroker.crypto.FieldCipher;

/** For tests of other packages: an outbox on a given entity manager, as one bean call. */
public final class TestOutboxes {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestOutboxes() {}

  /** An outbox that joins {@code em}'s transaction, encrypting with {@code cipher}. */
  public static CallbackOutbox on(EntityManager em, FieldCipher cipher) {
    CallbackOutbox outbox = new CallbackOutbox();
    outbox.em = em;
    outbox.cipher = cipher;
    outbox.random = RANDOM;
    outbox.clock = Clock.systemUTC();
    outbox.events = org.cmsbroker.audit.TestSecurityEvents.on(em);
    return outbox;
  }

  /** The decrypted payload of message {@code id}, read in {@code em}'s transaction. */
  public static String payload(EntityManager em, FieldCipher cipher, String id) {
    CallbackMessage m = em.find(CallbackMessage.class, id);
    return cipher.decrypt(CallbackOutbox.PAYLOAD, id, m.payloadCiphertext());
  }
}
