package org.cmsbroker.backup;

import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * The OpenPGP (RFC 4880) envelope of a backup, with Bouncy Castle: public-key encrypted to the
 * operator's key, AES-256, integrity protected (SEIPD with MDC, which every gpg reads), ZLIB
 * compressed literal data. The only place that uses Bouncy Castle's OpenPGP. Stateless.
 */
final class OpenPgpEnvelope {
  /** The file name inside the literal data packet (what {@code gpg --decrypt} reports). */
  static final String LITERAL_NAME = "broker-backup.jsonl";

  private static final int BUFFER = 1 << 16;

  private OpenPgpEnvelope() {}

  /**
   * The key a backup is encrypted to.
   *
   * @param key the encryption (sub)key
   * @param fingerprint the primary key's fingerprint, upper-case hex
   * @param userId the primary key's first user id, or empty
   */
  record Recipient(PGPPublicKey key, String fingerprint, String userId) {
    /** The encryption key's id, as gpg prints it (16 hex digits). */
    String keyId() {
      return String.format(Locale.ROOT, "%016X", key.getKeyID());
    }
  }

  /**
   * The encryption key of an OpenPGP public key (armored or binary): the newest subkey (or the
   * primary key) that may encrypt, is not revoked and has not expired.
   *
   * @throws BackupException if the bytes are not exactly one public key, or it has no usable
   *     encryption key
   */
  static Recipient recipient(byte[] publicKey, Instant now) throws BackupException {
    PGPPublicKeyRingCollection rings;
    try {
      rings =
          new PGPPublicKeyRingCollection(
              PGPUtil.getDecoderStream(new ByteArrayInputStream(publicKey)),
              new BcKeyFingerprintCalculator());
    } catch (IOException | PGPException | RuntimeException e) {
      throw new BackupException(
          "the recipient is not an OpenPGP public key (export it with gpg --armor --export)");
    }
    if (rings.size() != 1) {
      throw new BackupException(
          "the recipient file holds "
              + rings.size()
              + " OpenPGP public keys; give exactly one (gpg --armor --export KEY-ID)");
    }
    PGPPublicKeyRing ring = rings.getKeyRings().next();
    PGPPublicKey primary = ring.getPublicKey();
    if (primary.hasRevocation()) {
      throw new BackupException("the recipient's key is revoked");
    }
    if (expired(primary, now)) {
      throw new BackupException("the recipient's key has expired");
    }
    PGPPublicKey chosen = null;
    for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext(); ) {
      PGPPublicKey key = keys.next();
      if (key.isEncryptionKey()
          && !key.hasRevocation()
          && !expired(key, now)
          && mayEncrypt(key)
          && (chosen == null || key.getCreationTime().after(chosen.getCreationTime()))) {
        chosen = key;
      }
    }
    if (chosen == null) {
      throw new BackupException(
          "the recipient's key has no usable encryption key (none that may encrypt, is not"
              + " revoked and has not expired)");
    }
    Iterator<String> ids = primary.getUserIDs();
    String userId = ids.hasNext() ? ids.next() : "";
    return new Recipient(
        chosen,
        HexFormat.of().withUpperCase().formatHex(primary.getFingerprint()),
        userId.replaceAll("\\p{Cntrl}", "?"));
  }

  private static boolean expired(PGPPublicKey key, Instant now) {
    long valid = key.getValidSeconds();
    return valid > 0 && key.getCreationTime().toInstant().plusSeconds(valid).isBefore(now);
  }

  /** Whether the key's self-signatures allow encryption; a key without key flags may. */
  private static boolean mayEncrypt(PGPPublicKey key) {
    boolean sawFlags = false;
    for (Iterator<PGPSignature> sigs = key.getSignatures(); sigs.hasNext(); ) {
      PGPSignature sig = sigs.next();
      PGPSignatureSubpacketVector hashed = sig.getHashedSubPackets();
      if (hashed == null
          || !hashed.hasSubpacket(org.bouncycastle.bcpg.SignatureSubpacketTags.KEY_FLAGS)) {
        continue;
      }
      sawFlags = true;
      if ((hashed.getKeyFlags() & (KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE)) != 0) {
        return true;
      }
    }
    return !sawFlags;
  }

  /**
   * Opens the envelope on {@code out}: what is written to the returned stream is compressed and
   * encrypted to {@code recipient}. Closing the returned stream finishes the OpenPGP packets and
   * closes {@code out}.
   */
  static OutputStream encrypt(OutputStream out, Recipient recipient, SecureRandom random, Date when)
      throws IOException {
    PGPEncryptedDataGenerator encryption =
        new PGPEncryptedDataGenerator(
            new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                .setWithIntegrityPacket(true)
                .setSecureRandom(random));
    encryption.addMethod(
        new BcPublicKeyKeyEncryptionMethodGenerator(recipient.key()).setSecureRandom(random));
    OutputStream encrypted;
    try {
      encrypted = encryption.open(out, new byte[BUFFER]);
    } catch (PGPException e) {
      throw new IOException("cannot start OpenPGP encryption: " + e.getMessage(), e);
    }
    PGPCompressedDataGenerator compression =
        new PGPCompressedDataGenerator(CompressionAlgorithmTags.ZLIB);
    OutputStream compressed = compression.open(encrypted);
    PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
    OutputStream plain =
        literal.open(compressed, PGPLiteralData.BINARY, LITERAL_NAME, when, new byte[BUFFER]);
    return new FilterOutputStream(plain) {
      private boolean closed;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        plain.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        try {
          literal.close();
          compression.close();
          encryption.close();
        } finally {
          out.close();
        }
      }
    };
  }

  /**
   * The plaintext of an encrypted backup. Read {@link #content()} to its end, then call {@link
   * #verify()}: only then is the content known to be what was encrypted.
   */
  static final class Decrypted {
    private final InputStream content;
    private final PGPPublicKeyEncryptedData data;

    private Decrypted(InputStream content, PGPPublicKeyEncryptedData data) {
      this.content = content;
      this.data = data;
    }

    InputStream content() {
      return content;
    }

    /**
     * Reads what is left and checks the integrity packet.
     *
     * @throws BackupException if the file was altered or cut short
     */
    void verify() throws BackupException {
      try {
        content.transferTo(OutputStream.nullOutputStream());
        if (!data.verify()) {
          throw altered();
        }
      } catch (IOException | PGPException | RuntimeException e) {
        throw altered();
      }
    }
  }

  static BackupException altered() {
    return new BackupException(
        "the backup is damaged or was altered (its OpenPGP integrity check fails)");
  }

  /**
   * Opens an encrypted backup with the operator's private key.
   *
   * @param in the backup (binary or armored)
   * @param secretKey the operator's OpenPGP private key (armored or binary)
   * @param passphrase the private key's passphrase (empty for an unprotected key)
   * @throws BackupException for a key that is not an OpenPGP private key, a backup not encrypted to
   *     it, a wrong passphrase, or a file that is not an integrity-protected OpenPGP message
   */
  static Decrypted decrypt(InputStream in, byte[] secretKey, char[] passphrase)
      throws BackupException {
    PGPSecretKeyRingCollection secrets;
    try {
      secrets =
          new PGPSecretKeyRingCollection(
              PGPUtil.getDecoderStream(new ByteArrayInputStream(secretKey)),
              new BcKeyFingerprintCalculator());
    } catch (IOException | PGPException | RuntimeException e) {
      throw new BackupException(
          "the key file is not an OpenPGP private key (export it with gpg --armor"
              + " --export-secret-keys)");
    }
    PGPEncryptedDataList list;
    try {
      BcPGPObjectFactory factory = new BcPGPObjectFactory(PGPUtil.getDecoderStream(in));
      Object first = factory.nextObject();
      while (first instanceof PGPMarker) {
        first = factory.nextObject();
      }
      if (!(first instanceof PGPEncryptedDataList encrypted)) {
        throw notABackup();
      }
      list = encrypted;
    } catch (IOException | RuntimeException e) {
      throw notABackup();
    }
    List<String> recipients = new ArrayList<>();
    for (PGPEncryptedData candidate : list) {
      if (!(candidate instanceof PGPPublicKeyEncryptedData data)) {
        continue;
      }
      recipients.add(String.format(Locale.ROOT, "%016X", data.getKeyID()));
      PGPSecretKey key = secrets.getSecretKey(data.getKeyID());
      if (key == null) {
        continue;
      }
      if (!data.isIntegrityProtected()) {
        throw new BackupException(
            "the backup is not integrity protected; the broker never writes such a file");
      }
      PGPPrivateKey privateKey;
      try {
        privateKey =
            key.extractPrivateKey(
                new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
                    .build(passphrase));
      } catch (PGPException | RuntimeException e) {
        throw new BackupException("the passphrase of the private key is wrong");
      }
      if (privateKey == null) {
        throw new BackupException("the key file holds no private part for the backup's key");
      }
      try {
        InputStream clear = data.getDataStream(new BcPublicKeyDataDecryptorFactory(privateKey));
        Object message = new BcPGPObjectFactory(clear).nextObject();
        if (message instanceof PGPCompressedData compressed) {
          message = new BcPGPObjectFactory(compressed.getDataStream()).nextObject();
        }
        if (!(message instanceof PGPLiteralData literal)) {
          throw altered();
        }
        return new Decrypted(literal.getInputStream(), data);
      } catch (PGPException | IOException | RuntimeException e) {
        throw altered();
      }
    }
    throw new BackupException(
        recipients.isEmpty()
            ? "the file is not encrypted to a public key"
            : "the backup is not encrypted to this key (it is for key "
                + String.join(", ", recipients)
                + ")");
  }

  private static BackupException notABackup() {
    return new BackupException("the file is not an OpenPGP encrypted backup");
  }
}
