package org.cmsbroker.it.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Locale;
import java.util.UUID;
import org.cmsbroker.crypto.Argon2idPasswordHasher;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.MasterKey;

/**
 * Puts an account straight into a running broker's PostgreSQL schema, encrypted with that broker's
 * master key, exactly as AccountService stores it. A test fixture only.
 */
public final class SeedAccounts {
  private SeedAccounts() {}

  public static String add(
      Path dataDir, PostgresSchema schema, String username, String email, String password)
      throws Exception {
    MasterKey key =
        MasterKey.fromBase64(
            Files.readString(dataDir.resolve("secrets/master.key"), StandardCharsets.US_ASCII));
    FieldCipher cipher = new FieldCipher(key, new SecureRandom());
    String id = UUID.randomUUID().toString();
    try (Connection c = schema.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO account (id, username, username_key, email_ciphertext, email_index,"
                    + " email_verified, given_name_ciphertext, family_name_ciphertext, roles, state,"
                    + " password_hash, created_at, updated_at, version)"
                    + " VALUES (?, ?, ?, ?, ?, TRUE, ?, ?, '', 'ACTIVE', ?, now(), now(), 1)")) {
      ps.setString(1, id);
      ps.setString(2, username);
      ps.setString(3, username.toLowerCase(Locale.ROOT));
      ps.setString(4, cipher.encrypt("account.email", email));
      ps.setString(5, cipher.index("account.email", email.toLowerCase(Locale.ROOT)));
      ps.setString(6, cipher.encrypt("account.given_name", "Ada"));
      ps.setString(7, cipher.encrypt("account.family_name", "Lovelace"));
      ps.setString(8, new Argon2idPasswordHasher().hash(password.toCharArray()));
      ps.executeUpdate();
    }
    return id;
  }
}
