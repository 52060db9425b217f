package org.cmsbroker.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.cmsbroker.datakey.JpaDataKeyStore;
import org.cmsbroker.persistence.TestDatabase;

/** Field ciphers for tests, and values in the formats older brokers wrote. */
public final class TestCiphers {
  private TestCiphers() {}

  /** A cipher with a new master key and its data keys in memory. */
  public static FieldCipher fresh(SecureRandom random) {
    return inMemory(MasterKey.generate(random), random);
  }

  /** A cipher with {@code master} and its data keys in memory. */
  public static FieldCipher inMemory(MasterKey master, SecureRandom random) {
    return new FieldCipher(master, new DataKeys(master, new InMemoryStore(), random), random);
  }

  /** A cipher with {@code master} and its data keys in {@code db}'s {@code data_key} table. */
  public static FieldCipher on(TestDatabase db, MasterKey master, SecureRandom random) {
    return new FieldCipher(master, new DataKeys(master, store(db), random), random);
  }

  /** The {@code data_key} table of {@code db}, each call in its own transaction. */
  public static DataKeyStore store(TestDatabase db) {
    return new DataKeyStore() {
      @Override
      public List<StoredDataKey> all() {
        return db.inTransaction(JpaDataKeyStore::all);
      }

      @Override
      public void add(StoredDataKey key) {
        db.inTransaction(
            em -> {
              JpaDataKeyStore.add(em, key);
              return null;
            });
      }
    };
  }

  /** Data keys in a list. */
  public static final class InMemoryStore implements DataKeyStore {
    private final List<StoredDataKey> keys = Collections.synchronizedList(new ArrayList<>());

    @Override
    public List<StoredDataKey> all() {
      synchronized (keys) {
        return List.copyOf(keys);
      }
    }

    @Override
    public void add(StoredDataKey key) {
      keys.add(key);
    }
  }

  /** A value as brokers wrote before row binding: {@code v1:}, bound to the column only. */
  public static String legacyV1(MasterKey master, String field, String plaintext) {
    return "v1:" + seal(master, field.getBytes(StandardCharsets.UTF_8), plaintext);
  }

  /** A value as brokers wrote before data keys: {@code v2:}, under the master-derived key. */
  public static String legacyV2(MasterKey master, String field, String rowId, String plaintext) {
    String aad = field.length() + ":" + field + "\u0000" + rowId;
    return "v2:" + seal(master, aad.getBytes(StandardCharsets.UTF_8), plaintext);
  }

  private static String seal(MasterKey master, byte[] aad, String plaintext) {
    try {
      byte[] nonce = new byte[12];
      new SecureRandom().nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          master.aesKey("field-encryption/v1"),
          new GCMParameterSpec(128, nonce));
      cipher.updateAAD(aad);
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
