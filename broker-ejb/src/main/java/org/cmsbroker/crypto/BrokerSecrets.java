package org.cmsbroker.crypto;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.config.SettingNames;

/**
 * The broker's master key and what is derived from it, and the field cipher with its data keys
 * (wrapped by the master key, kept in the database, read on first use). The key comes from {@code
 * BROKER_MASTER_KEY} (required when several instances share a database), else from {@code <data
 * dir>/secrets/master.key}, made on first start ({@code 0600}). A malformed configured key stops
 * start-up with a message naming the setting.
 */
@ApplicationScoped
public class BrokerSecrets {
  static final String FILE = "master.key";

  @Inject BrokerConfig config;
  @Inject DataKeyStore dataKeyStore;

  private final SecureRandom random = new SecureRandom();
  private MasterKey masterKey;
  private FieldCipher fieldCipher;

  @PostConstruct
  void load() {
    masterKey =
        config
            .masterKey()
            .map(BrokerSecrets::parseConfigured)
            .orElseGet(() -> fromDataDirectory(config.dataDir().resolve("secrets"), random));
    fieldCipher = new FieldCipher(masterKey, new DataKeys(masterKey, dataKeyStore, random), random);
  }

  private static MasterKey parseConfigured(String value) {
    try {
      return MasterKey.fromBase64(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          SettingNames.environmentName(SettingNames.MASTER_KEY) + ": " + e.getMessage());
    }
  }

  /** Reads the key file, creating it (owner-only) when it does not exist yet. */
  static MasterKey fromDataDirectory(Path dir, SecureRandom random) {
    Path file = dir.resolve(FILE);
    try {
      if (Files.isRegularFile(file)) {
        return MasterKey.fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
      }
      Files.createDirectories(dir);
      if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
      MasterKey key = MasterKey.generate(random);
      Path tmp = dir.resolve(FILE + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, key.toBase64(), StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }

  @Produces
  public MasterKey masterKey() {
    return masterKey;
  }

  @Produces
  public FieldCipher fieldCipher() {
    return fieldCipher;
  }

  @Produces
  public SecureRandom secureRandom() {
    return random;
  }
}
