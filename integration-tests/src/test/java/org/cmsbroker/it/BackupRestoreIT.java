package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.PostgresSchema;
import org.cmsbroker.it.support.SeedAccounts;
import org.junit.jupiter.api.Test;

/**
 * Issue #13's backups on the launched broker: a broker on its default H2 database, with an account
 * and a client that holds a token; {@code broker.jar backup} while it runs; {@code gpg --decrypt}
 * reads the file; the broker stops; {@code broker.jar restore} (the private key on standard input)
 * puts the backup into a fresh data directory and an empty PostgreSQL schema; the restored broker
 * starts, the same person logs in, the token issued before the backup is still active at
 * introspection, and {@code admin audit verify} passes; and back: that broker's backup restored
 * into a fresh data directory on H2 does the same.
 */
class BackupRestoreIT {
  private static final String PASSWORD = "a passphrase ada keeps across restores";
  private static final String KEY_PASSPHRASE = "the operator's key passphrase";
  private static final String OPERATOR = "Broker Operator <ops@example.org>";
  private static final Pattern CLIENT_SECRET = Pattern.compile("client secret: (\\S+)");

  @Test
  void backupWhileRunningThenRestoreIntoAFreshDataDirectoryAndPostgres() throws Exception {
    Path work = BrokerHome.freshDirectory("backup");
    Path gnupg = Files.createDirectory(work.resolve("gnupg"));
    Files.setPosixFilePermissions(gnupg, PosixFilePermissions.fromString("rwx------"));
    gpg(
        gnupg,
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        KEY_PASSPHRASE,
        "--quick-gen-key",
        OPERATOR,
        "future-default",
        "default",
        "never");
    Path publicKey = work.resolve("operator-key.asc");
    Files.write(publicKey, gpg(gnupg, "--armor", "--export", OPERATOR));
    Path privateKey = work.resolve("private-key.asc");
    Files.write(
        privateKey,
        gpg(
            gnupg,
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            KEY_PASSPHRASE,
            "--armor",
            "--export-secret-keys",
            OPERATOR));

    int https = BrokerHome.freePort();
    Map<String, String> before = new HashMap<>();
    before.put("BROKER_DATA_DIR", work.resolve("data").toString());
    before.put("BROKER_HTTPS_PORT", Integer.toString(https));
    before.put("BROKER_HTTP_PORT", "off");
    before.put("BROKER_TOKEN_ACCESS_LIFETIME_SECONDS", "3600");
    Path backup = work.resolve("broker-backup.pgp");
    Path backupOfPostgres = work.resolve("broker-backup-postgres.pgp");
    String token;
    String clientId = "cms-backup";
    String secret;
    try (BrokerProcess broker = BrokerProcess.start(work, before)) {
      broker.awaitReady(Duration.ofSeconds(300));
      SeedAccounts.add(work, before, "ada", "ada@example.org", PASSWORD);
      LoginClient login = new LoginClient(work.resolve("data"), "https://localhost:" + https);
      assertEquals(303, login.signIn("ada", PASSWORD).statusCode());
      BrokerProcess.Completed added =
          admin(
              work,
              before,
              "client",
              "add",
              "--name",
              "CMS",
              "--client-id",
              clientId,
              "--grant-type",
              "client_credentials");
      Matcher m = CLIENT_SECRET.matcher(added.stdout());
      assertTrue(m.find(), added.stdout() + added.stderr());
      secret = m.group(1);
      token = clientCredentialsToken(login, https, clientId, secret);
      assertTrue(active(login, https, clientId, secret, token));
      awaitSealedAndCheckpointed(work, before);

      BrokerProcess.Completed refused =
          restore(work, before, backup, privateKey.toString(), KEY_PASSPHRASE + "\n");
      assertEquals(2, refused.exitCode(), "no backup file yet: " + refused.stderr());

      BrokerProcess.Completed made =
          BrokerProcess.run(
              work,
              before,
              null,
              Duration.ofSeconds(300),
              "backup",
              "--recipient",
              publicKey.toString(),
              "--out",
              backup.toString());
      assertEquals(0, made.exitCode(), made.stdout() + made.stderr());
      assertTrue(made.stdout().contains("backup written to " + backup), made.stdout());
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));

      BrokerProcess.Completed whileRunning =
          restore(work, before, backup, privateKey.toString(), KEY_PASSPHRASE + "\n");
      assertEquals(1, whileRunning.exitCode(), whileRunning.stderr());
      assertTrue(whileRunning.stderr().contains("a broker is running"), whileRunning.stderr());
    }

    String plaintext =
        new String(
            gpg(
                gnupg,
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                KEY_PASSPHRASE,
                "--decrypt",
                backup.toString()),
            StandardCharsets.UTF_8);
    assertTrue(plaintext.startsWith("{\"format\":\"cms-broker-backup\""), plaintext);
    assertTrue(plaintext.contains("\"table\":\"account\""), "gpg reads the backup");

    try (PostgresSchema schema = new PostgresSchema()) {
      Map<String, String> after = new HashMap<>(before);
      after.put("BROKER_DATA_DIR", work.resolve("restored").toString());
      after.put("BROKER_DB_URL", schema.url());
      after.put("BROKER_DB_USER", PostgresSchema.USER);
      // The key from standard input (never a file on this server), its passphrase the next line.
      BrokerProcess.Completed restored =
          restore(work, after, backup, "-", Files.readString(privateKey) + KEY_PASSPHRASE + "\n");
      assertEquals(0, restored.exitCode(), restored.stdout() + restored.stderr());
      assertTrue(restored.stdout().contains("restored the backup of"), restored.stdout());

      BrokerProcess.Completed again =
          restore(work, after, backup, privateKey.toString(), KEY_PASSPHRASE + "\n");
      assertEquals(1, again.exitCode());
      assertTrue(again.stderr().contains("the database is not empty"), again.stderr());

      try (BrokerProcess broker = BrokerProcess.start(work, after)) {
        broker.awaitReady(Duration.ofSeconds(300));
        LoginClient login = new LoginClient(work.resolve("restored"), "https://localhost:" + https);
        assertEquals(303, login.signIn("ada", PASSWORD).statusCode(), "the same person logs in");
        assertTrue(
            active(login, https, clientId, secret, token),
            "a token issued before the backup verifies after the restore");
        BrokerProcess.Completed verify = admin(work, after, "audit", "verify");
        assertEquals(0, verify.exitCode(), verify.stdout() + verify.stderr());
        BrokerProcess.Completed users = admin(work, after, "user", "list");
        assertTrue(users.stdout().contains("ada@example.org"), "the email decrypts");

        awaitSealedAndCheckpointed(work, after);
        BrokerProcess.Completed fromPostgres =
            BrokerProcess.run(
                work,
                after,
                null,
                Duration.ofSeconds(300),
                "backup",
                "--recipient",
                publicKey.toString(),
                "--out",
                backupOfPostgres.toString());
        assertEquals(0, fromPostgres.exitCode(), fromPostgres.stdout() + fromPostgres.stderr());
      }
    }

    // And back: the PostgreSQL broker's backup into a fresh data directory on the default H2.
    Map<String, String> back = new HashMap<>(before);
    back.put("BROKER_DATA_DIR", work.resolve("back-on-h2").toString());
    BrokerProcess.Completed restoredOnH2 =
        restore(work, back, backupOfPostgres, privateKey.toString(), KEY_PASSPHRASE + "\n");
    assertEquals(0, restoredOnH2.exitCode(), restoredOnH2.stdout() + restoredOnH2.stderr());
    try (BrokerProcess broker = BrokerProcess.start(work, back)) {
      broker.awaitReady(Duration.ofSeconds(300));
      LoginClient login = new LoginClient(work.resolve("back-on-h2"), "https://localhost:" + https);
      assertEquals(303, login.signIn("ada", PASSWORD).statusCode(), "the same person logs in");
      assertTrue(
          active(login, https, clientId, secret, token),
          "a token issued before the first backup verifies after both restores");
      BrokerProcess.Completed verify = admin(work, back, "audit", "verify");
      assertEquals(0, verify.exitCode(), verify.stdout() + verify.stderr());
    }
  }

  /** {@code broker.jar restore --in BACKUP --key KEY} with {@code input} on standard input. */
  private static BrokerProcess.Completed restore(
      Path work, Map<String, String> env, Path backup, String key, String input) throws Exception {
    return BrokerProcess.run(
        work,
        env,
        input,
        Duration.ofSeconds(300),
        "restore",
        "--in",
        backup.toString(),
        "--key",
        key);
  }

  private static BrokerProcess.Completed admin(Path work, Map<String, String> env, String... args)
      throws Exception {
    List<String> all = new ArrayList<>(List.of("admin"));
    all.addAll(List.of(args));
    BrokerProcess.Completed run =
        BrokerProcess.run(work, env, null, Duration.ofSeconds(60), all.toArray(String[]::new));
    return run;
  }

  /** Waits until every audit row is sealed and a checkpoint is written, so the backup has one. */
  private static void awaitSealedAndCheckpointed(Path work, Map<String, String> env)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      BrokerProcess.Completed run = admin(work, env, "audit", "verify", "--json");
      Map<String, Object> report = JSONObjectUtils.parse(run.stdout().strip());
      if (run.exitCode() == 0
          && ((Number) report.get("unsealed")).longValue() == 0
          && report.get("checkpoint") != null) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, run.stdout() + run.stderr());
      Thread.sleep(1000);
    }
  }

  private static String basic(String clientId, String secret) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                        + ":"
                        + URLEncoder.encode(secret, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> post(
      LoginClient login, int https, String path, String clientId, String secret, String form)
      throws Exception {
    HttpResponse<String> response =
        login
            .http()
            .send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + https + path))
                    .header("Authorization", basic(clientId, secret))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return JSONObjectUtils.parse(response.body());
  }

  private static String clientCredentialsToken(
      LoginClient login, int https, String clientId, String secret) throws Exception {
    return (String)
        post(login, https, "/oauth2/token", clientId, secret, "grant_type=client_credentials")
            .get("access_token");
  }

  private static boolean active(
      LoginClient login, int https, String clientId, String secret, String token) throws Exception {
    return Boolean.TRUE.equals(
        post(login, https, "/oauth2/introspect", clientId, secret, "token=" + token).get("active"));
  }

  private static byte[] gpg(Path home, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(home, "gpg", ".out");
    Path err = Files.createTempFile(home, "gpg", ".err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "gpg finished");
    assertEquals(0, process.exitValue(), Files.readString(err));
    return Files.readAllBytes(out);
  }
}
