package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code java -jar broker.jar admin user ...} and {@code admin client ...} against a running broker
 * (one boot for the class), as an operator runs them: password on standard input, answers on
 * standard output, refusals as one {@code broker: ...} line on standard error with exit code 1. No
 * password ever shows up in any output, the broker's log included; a client secret is printed once,
 * when it is made, and nowhere else.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminCommandIT {
  private static final List<String> PASSWORDS = new ArrayList<>();
  private static final List<String> SECRETS = new ArrayList<>();
  private static final String NOT_SHOWN_AGAIN =
      "The secret is shown only this once; the broker keeps only its hash. Store it in the site's"
          + " OpenID Connect settings now.";

  private static Path work;
  private static Path data;
  private static Map<String, String> env;
  private static BrokerProcess broker;

  @BeforeAll
  static void start() throws Exception {
    work = BrokerHome.freshDirectory("admin");
    data = work.resolve("data");
    // The embedded H2 default: the admin commands work on the database a new operator has.
    env =
        Map.of(
            "BROKER_DATA_DIR", data.toString(),
            "BROKER_HTTPS_PORT", Integer.toString(BrokerHome.freePort()),
            "BROKER_HTTP_PORT", Integer.toString(BrokerHome.freePort()));
    broker = BrokerProcess.start(work, env).awaitReady(Duration.ofSeconds(120));
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  /** Runs {@code broker.jar admin <args>} with {@code password} (if any) as stdin's first line. */
  private static BrokerProcess.Completed admin(String password, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("admin"));
    command.addAll(Arrays.asList(args));
    if (password != null) {
      PASSWORDS.add(password);
    }
    BrokerProcess.Completed run =
        BrokerProcess.run(
            work,
            env,
            password == null ? null : password + "\n",
            Duration.ofSeconds(60),
            command.toArray(String[]::new));
    for (String p : PASSWORDS) {
      assertFalse(run.stdout().contains(p), "password in stdout: " + run.stdout());
      assertFalse(run.stderr().contains(p), "password in stderr: " + run.stderr());
    }
    return run;
  }

  private static void assertOk(BrokerProcess.Completed run, String expectedStdout) {
    assertEquals(0, run.exitCode(), "exit code; stderr: " + run.stderr());
    assertEquals(expectedStdout, run.stdout());
    assertEquals("", run.stderr());
  }

  private static void assertRefused(BrokerProcess.Completed run, String message) {
    assertEquals(1, run.exitCode(), "exit code; stdout: " + run.stdout());
    assertEquals("broker: " + message + "\n", run.stderr());
    assertEquals("", run.stdout());
  }

  private static void add(String username, String password, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("user", "add", "--username", username, "--email", username + "@example.org"));
    args.addAll(Arrays.asList(more));
    BrokerProcess.Completed run = admin(password, args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.stderr());
    assertTrue(run.stdout().startsWith("created user " + username + " (id "), run.stdout());
  }

  /** The list's row of {@code username}, split into its columns. */
  private static Optional<List<String>> row(String username) throws Exception {
    BrokerProcess.Completed run = admin(null, "user", "list");
    assertEquals(0, run.exitCode(), run.stderr());
    List<String> lines = run.stdout().lines().toList();
    if (lines.equals(List.of("no accounts"))) {
      return Optional.empty();
    }
    assertTrue(lines.get(0).startsWith("USERNAME "), run.stdout());
    return lines.stream()
        .skip(1)
        .map(l -> List.of(l.split("\\s{2,}")))
        .filter(cells -> cells.get(0).equals(username))
        .findFirst();
  }

  @Test
  void addThenListShowsTheAccount() throws Exception {
    BrokerProcess.Completed run =
        admin(
            "correct horse battery staple",
            "user",
            "add",
            "--username",
            "alice",
            "--email",
            "alice@example.org",
            "--name",
            "Alice Liddell",
            "--role",
            "admin",
            "--role",
            "editor",
            "--email-verified");
    assertEquals(0, run.exitCode(), run.stderr());
    String id = run.stdout().replaceAll("(?s)^created user alice \\(id ([^)]+)\\)\n$", "$1");

    List<String> alice = row("alice").orElseThrow(() -> new AssertionError("alice not listed"));

    assertEquals(
        List.of("alice", id, "alice@example.org", "yes", "admin,editor", "active", "-", "-"),
        alice);
  }

  @Test
  void duplicateUsernameIsRefused() throws Exception {
    add("bob", "bob's long passphrase");

    assertRefused(
        admin(
            "another long passphrase",
            "user",
            "add",
            "--username",
            "BOB",
            "--email",
            "bob2@example.org"),
        "That username is already taken.");
  }

  @Test
  void commonPasswordIsRefusedWithThePolicyMessage() throws Exception {
    assertRefused(
        admin("password1", "user", "add", "--username", "weak1", "--email", "w@example.org"),
        "This password is too common; choose another.");
    assertTrue(row("weak1").isEmpty());
  }

  @Test
  void shortPasswordIsRefusedWithThePolicyMessage() throws Exception {
    assertRefused(
        admin("Xq7#p", "user", "add", "--username", "weak2", "--email", "w@example.org"),
        "Use at least 8 characters.");
  }

  @Test
  void disableAndEnableChangeTheState() throws Exception {
    add("carol", "carol's long passphrase");

    assertOk(
        admin(null, "user", "disable", "--username", "carol"),
        "disabled user carol; 0 sessions ended\n");
    assertEquals("disabled", row("carol").orElseThrow().get(5));

    assertOk(admin(null, "user", "enable", "--username", "carol"), "enabled user carol\n");
    assertEquals("active", row("carol").orElseThrow().get(5));
  }

  @Test
  void unlockClearsTheLock() throws Exception {
    add("dave", "dave's long passphrase");

    assertOk(admin(null, "user", "unlock", "--username", "dave"), "unlocked user dave\n");
    assertEquals("-", row("dave").orElseThrow().get(6));
  }

  @Test
  void commandsOnAnUnknownAccountAreRefused() throws Exception {
    assertRefused(
        admin(null, "user", "unlock", "--username", "nobody"), "There is no such account.");
    assertRefused(
        admin(null, "user", "disable", "--username", "nobody"), "There is no such account.");
  }

  @Test
  void setPasswordAppliesThePolicy() throws Exception {
    add("erin", "erin's first passphrase");

    assertOk(
        admin("erin's second passphrase", "user", "set-password", "--username", "erin"),
        "password set for erin; 0 sessions ended\n");
    assertRefused(
        admin("password1", "user", "set-password", "--username", "erin"),
        "This password is too common; choose another.");
  }

  @Test
  void usageErrorsExitWithTwo() throws Exception {
    BrokerProcess.Completed run = admin(null, "user", "disable");

    assertEquals(2, run.exitCode());
    assertTrue(run.stderr().startsWith("broker: user disable needs --username\n"), run.stderr());
  }

  @Test
  void socketIsOwnerOnly() throws Exception {
    Path socket = data.resolve("run").resolve("admin.sock");
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
  }

  @Test
  void withoutARunningBrokerSaysSoInOneLine() throws Exception {
    Path elsewhere = BrokerHome.freshDirectory("admin-none");
    Path otherData = elsewhere.resolve("data");
    BrokerProcess.Completed run =
        BrokerProcess.run(
            elsewhere,
            Map.of("BROKER_DATA_DIR", otherData.toString()),
            null,
            Duration.ofSeconds(60),
            "admin",
            "user",
            "list");

    assertEquals(1, run.exitCode());
    assertEquals(
        "broker: no running broker found (no admin socket at "
            + otherData.resolve("run").resolve("admin.sock")
            + "); start it first\n",
        run.stderr());
    assertEquals("", run.stdout());
  }

  /** Runs an admin command that must not print any secret made earlier. */
  private static BrokerProcess.Completed adminNoSecret(String... args) throws Exception {
    BrokerProcess.Completed run = admin(null, args);
    for (String secret : SECRETS) {
      assertFalse(run.stdout().contains(secret), "secret printed again: " + run.stdout());
      assertFalse(run.stderr().contains(secret), "secret printed again: " + run.stderr());
    }
    return run;
  }

  /** The secret from the answer of client add or rotate-secret: line two, then the warning. */
  private static String secretFrom(BrokerProcess.Completed run, String firstLine) {
    assertEquals(0, run.exitCode(), "exit code; stderr: " + run.stderr());
    assertEquals("", run.stderr());
    List<String> lines = run.stdout().lines().toList();
    assertEquals(3, lines.size(), run.stdout());
    assertEquals(firstLine, lines.get(0));
    assertTrue(lines.get(1).matches("client secret: [A-Za-z0-9_-]{43}"), lines.get(1));
    assertEquals(NOT_SHOWN_AGAIN, lines.get(2));
    String secret = lines.get(1).substring("client secret: ".length());
    SECRETS.add(secret);
    return secret;
  }

  private static String addClient(String clientId) throws Exception {
    return secretFrom(
        adminNoSecret(
            "client",
            "add",
            "--name",
            "Site " + clientId,
            "--client-id",
            clientId,
            "--redirect-uri",
            "https://" + clientId + ".example/callback"),
        "registered client " + clientId + " (confidential)");
  }

  /** The client list's row of {@code clientId}, split into its columns. */
  private static Optional<List<String>> clientRow(String clientId) throws Exception {
    BrokerProcess.Completed run = adminNoSecret("client", "list");
    assertEquals(0, run.exitCode(), run.stderr());
    List<String> lines = run.stdout().lines().toList();
    if (lines.equals(List.of("no clients"))) {
      return Optional.empty();
    }
    assertTrue(lines.get(0).startsWith("CLIENT ID "), run.stdout());
    return lines.stream()
        .skip(1)
        .map(l -> List.of(l.split("\\s{2,}")))
        .filter(cells -> cells.get(0).equals(clientId))
        .findFirst();
  }

  @Test
  void clientAddPrintsTheSecretOnceAndListShowsTheSettingsWithoutIt() throws Exception {
    secretFrom(
        adminNoSecret(
            "client",
            "add",
            "--name",
            "TYPO3 main",
            "--client-id",
            "typo3-main",
            "--redirect-uri",
            "https://cms.example/typo3/oidc/callback",
            "--redirect-uri",
            "http://localhost:8080/cb",
            "--post-logout-redirect-uri",
            "https://cms.example/",
            "--web-origin",
            "https://cms.example",
            "--id-token-alg",
            "RS256",
            "--roles-claim",
            "Roles"),
        "registered client typo3-main (confidential)");

    List<String> row =
        clientRow("typo3-main").orElseThrow(() -> new AssertionError("client not listed"));

    assertEquals(
        List.of(
            "typo3-main",
            "TYPO3 main",
            "confidential",
            "enabled",
            "authorization_code,refresh_token,client_credentials",
            "RS256",
            "Roles"),
        row.subList(0, 7));
    assertEquals(
        List.of(
            "https://cms.example/typo3/oidc/callback,http://localhost:8080/cb",
            "https://cms.example/",
            "https://cms.example",
            "-"),
        row.subList(8, 12));
  }

  @Test
  void publicClientGetsNoSecret() throws Exception {
    assertOk(
        adminNoSecret(
            "client",
            "add",
            "--name",
            "Dev app",
            "--client-id",
            "dev-app",
            "--public",
            "--redirect-uri",
            "http://127.0.0.1:3000/cb"),
        "registered client dev-app (public: no secret; it must use PKCE)\n");
    assertEquals(
        List.of("public", "enabled", "authorization_code,refresh_token", "ES256", "roles", "-"),
        clientRow("dev-app").orElseThrow().subList(2, 8));
    assertRefused(
        adminNoSecret("client", "rotate-secret", "--client-id", "dev-app"),
        "A public client has no secret to rotate.");
  }

  @Test
  void clientWithAPlainHttpRedirectUriIsRefused() throws Exception {
    assertRefused(
        adminNoSecret(
            "client",
            "add",
            "--name",
            "Insecure",
            "--client-id",
            "insecure",
            "--redirect-uri",
            "http://cms.example/cb"),
        "A redirect URI must use https (http only on localhost, 127.0.0.1 or [::1]).");
    assertTrue(clientRow("insecure").isEmpty());
  }

  @Test
  void duplicateClientIdIsRefused() throws Exception {
    addClient("drupal");

    assertRefused(
        adminNoSecret(
            "client",
            "add",
            "--name",
            "Again",
            "--client-id",
            "drupal",
            "--redirect-uri",
            "https://drupal.example/cb"),
        "That client id is already registered.");
  }

  @Test
  void clientUpdateReplacesTheGivenListAndDisables() throws Exception {
    addClient("wordpress");

    assertOk(
        adminNoSecret(
            "client",
            "update",
            "--client-id",
            "wordpress",
            "--redirect-uri",
            "https://wp.example/new-callback",
            "--roles-claim",
            "Roles",
            "--disable"),
        "updated client wordpress (disabled)\n");

    List<String> row = clientRow("wordpress").orElseThrow();
    assertEquals("Site wordpress", row.get(1));
    assertEquals("disabled", row.get(3));
    assertEquals("Roles", row.get(6));
    assertEquals("https://wp.example/new-callback", row.get(8));

    assertOk(
        adminNoSecret("client", "update", "--client-id", "wordpress", "--enable"),
        "updated client wordpress\n");
    assertEquals("enabled", clientRow("wordpress").orElseThrow().get(3));
  }

  @Test
  void rotateSecretPrintsANewSecretOnce() throws Exception {
    String first = addClient("civicrm");
    String rotatedAtBefore = clientRow("civicrm").orElseThrow().get(7);

    String second =
        secretFrom(
            adminNoSecret("client", "rotate-secret", "--client-id", "civicrm"),
            "new secret for client civicrm; the old one no longer works");

    assertFalse(first.equals(second));
    assertFalse(rotatedAtBefore.equals("-"));
  }

  @Test
  void removeDeletesTheClient() throws Exception {
    addClient("short-lived");

    assertOk(
        adminNoSecret("client", "remove", "--client-id", "short-lived"),
        "removed client short-lived\n");
    assertTrue(clientRow("short-lived").isEmpty());
    assertRefused(
        adminNoSecret("client", "remove", "--client-id", "short-lived"),
        "There is no such client.");
  }

  @Test
  void clientUsageErrorsExitWithTwo() throws Exception {
    BrokerProcess.Completed run = admin(null, "client", "update", "--client-id", "x");

    assertEquals(2, run.exitCode());
    assertTrue(
        run.stderr().startsWith("broker: client update needs something to change\n"), run.stderr());
  }

  @Test
  void rotateDataKeyReEncryptsEverythingWhileTheBrokerRuns() throws Exception {
    add("rosalind", "correct horse battery staple 3");

    BrokerProcess.Completed first = admin(null, "rotate-data-key");
    assertEquals(0, first.exitCode(), "exit code; stderr: " + first.stderr());
    List<String> lines = first.stdout().lines().toList();
    assertEquals(2, lines.size(), first.stdout());
    assertTrue(
        lines
            .get(0)
            .matches("new data key dk_[A-Za-z0-9_-]+: every new value is encrypted under it"),
        lines.get(0));
    java.util.regex.Matcher counts =
        java.util.regex.Pattern.compile(
                "(\\d+) stored values re-encrypted under it; 0 remain under older keys")
            .matcher(lines.get(1));
    assertTrue(counts.matches(), lines.get(1));
    // At least rosalind's address and the broker's own private keys.
    assertTrue(Long.parseLong(counts.group(1)) >= 2, lines.get(1));

    assertEquals("rosalind@example.org", row("rosalind").orElseThrow().get(2));
    BrokerProcess.Completed second = admin(null, "rotate-data-key");
    assertEquals(0, second.exitCode(), "exit code; stderr: " + second.stderr());
    assertFalse(second.stdout().lines().findFirst().orElseThrow().equals(lines.get(0)));
    assertEquals("rosalind@example.org", row("rosalind").orElseThrow().get(2));
    add("rosalind-2", "correct horse battery staple 4");
    assertEquals("rosalind-2@example.org", row("rosalind-2").orElseThrow().get(2));
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void noClientSecretReachedTheBrokersLog() throws Exception {
    assertFalse(SECRETS.isEmpty());
    String log = broker.stdout() + broker.stderr();
    for (String secret : SECRETS) {
      assertFalse(log.contains(secret), "a client secret is in the broker's log");
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void noPasswordReachedTheBrokersLog() throws Exception {
    assertFalse(PASSWORDS.isEmpty());
    String log = broker.stdout() + broker.stderr();
    for (String p : PASSWORDS) {
      assertFalse(log.contains(p), "a password is in the broker's log");
    }
  }
}
