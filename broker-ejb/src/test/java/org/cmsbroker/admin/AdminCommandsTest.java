package org.cmsbroker.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cmsbroker.account.Account;
import org.cmsbroker.account.AccountException;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.account.NewAccount;
import org.cmsbroker.webhook.StripeEventCount;
import org.cmsbroker.webhook.StripeEventReview;
import org.junit.jupiter.api.Test;

class AdminCommandsTest {

  /** Records the calls; refuses what a test tells it to. */
  private static final class FakeAdministration implements AccountAdministration {
    final List<String> calls = new ArrayList<>();
    final List<AccountView> accounts = new ArrayList<>();
    NewAccount created;
    char[] passwordSeen;
    String passwordAtCall;
    AccountException refusal;

    private void maybeRefuse() throws AccountException {
      if (refusal != null) {
        throw refusal;
      }
    }

    @Override
    public AccountView create(NewAccount account, char[] password) throws AccountException {
      calls.add("create " + account.username());
      created = account;
      passwordSeen = password;
      passwordAtCall = new String(password);
      maybeRefuse();
      return view(account.username());
    }

    @Override
    public List<AccountView> list() {
      calls.add("list");
      return accounts;
    }

    @Override
    public Changed disable(String username) throws AccountException {
      calls.add("disable " + username);
      maybeRefuse();
      return new Changed(view(username), 2);
    }

    @Override
    public AccountView enable(String username) throws AccountException {
      calls.add("enable " + username);
      maybeRefuse();
      return view(username);
    }

    @Override
    public AccountView unlock(String username) throws AccountException {
      calls.add("unlock " + username);
      maybeRefuse();
      return view(username);
    }

    @Override
    public Changed setPassword(String username, char[] password) throws AccountException {
      calls.add("setPassword " + username);
      passwordSeen = password;
      passwordAtCall = new String(password);
      maybeRefuse();
      return new Changed(view(username), 1);
    }
  }

  private static AccountView view(String username) {
    return new AccountView(
        "id-" + username,
        username,
        username + "@example.org",
        false,
        null,
        null,
        List.of(),
        Account.State.ACTIVE,
        null,
        Instant.parse("2025-01-01T00:00:00Z"),
        null);
  }

  private final FakeAdministration accounts = new FakeAdministration();
  private final AdminCommands commands =
      new AdminCommands(accounts, new ClientCommandsTest.FakeClients());

  private static AdminRequest request(String command, String... nameValues) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      params.computeIfAbsent(nameValues[i], k -> new ArrayList<>()).add(nameValues[i + 1]);
    }
    return new AdminRequest(command, params);
  }

  /** Signing keys that answer with fixed values. */
  private static final class FakeKeys implements KeyAdministration {
    final List<String> rotated = new ArrayList<>();

    @Override
    public List<List<String>> list() {
      return List.of(
          List.of("k-next", "ES256", "next", "2025-06-01T08:00:46Z", "-"),
          List.of("k-now", "ES256", "current", "2025-05-01T08:00:00Z", "-"));
    }

    @Override
    public Rotated rotate(String algorithm) {
      rotated.add(algorithm);
      return new Rotated(
          "k-" + algorithm, Instant.parse("2025-06-01T08:00:45.250Z"), "k-old-" + algorithm);
    }
  }

  @Test
  void keysRotateSaysFromWhenTheNewKeySignsAndWhichSignsUntilThen() {
    FakeKeys keys = new FakeKeys();
    AdminResponse response =
        new AdminCommands(accounts, new ClientCommandsTest.FakeClients(), keys)
            .execute(request("keys.rotate", "alg", "ES256"));

    assertTrue(response.isOk(), response.toString());
    assertEquals(
        List.of(
            "new ES256 signing key k-ES256, published now; it signs from 2025-06-01T08:00:46Z"
                + " (k-old-ES256 signs until then)",
            "Every instance publishes a new key at once and signs with it from that time; earlier"
                + " keys stay in the JWKS until the tokens they signed have expired."),
        response.lines());
    assertEquals(List.of("ES256"), keys.rotated);
  }

  @Test
  void keysListShowsStatusSigningStartAndPublicationEnd() {
    AdminResponse response =
        new AdminCommands(accounts, new ClientCommandsTest.FakeClients(), new FakeKeys())
            .execute(request("keys.list"));

    assertEquals(
        List.of(
            "KID     ALG    STATUS   SIGNS FROM            PUBLISHED UNTIL",
            "k-next  ES256  next     2025-06-01T08:00:46Z  -",
            "k-now   ES256  current  2025-05-01T08:00:00Z  -"),
        response.lines());
  }

  @Test
  void rotateDataKeyReportsTheNewKeyAndTheReEncryption() {
    AdminResponse response =
        commands
            .withDataKeys(
                () -> new DataKeyAdministration.Rotation("dk_new", true, 12, List.of(), 0))
            .execute(request("data_keys.rotate"));

    assertTrue(response.isOk(), response.toString());
    assertEquals(
        List.of(
            "new data key dk_new: every new value is encrypted under it",
            "12 stored values re-encrypted under it; 0 remain under older keys"),
        response.lines());
  }

  @Test
  void rotateDataKeyFailsNamingTheRowsThatDoNotDecrypt() {
    AdminResponse response =
        commands
            .withDataKeys(
                () ->
                    new DataKeyAdministration.Rotation(
                        "dk_new", true, 3, List.of("account.email_ciphertext acct-b"), 1))
            .execute(request("data_keys.rotate"));

    assertEquals("not_decryptable", response.errorCode());
    assertTrue(response.lines().get(0).endsWith("account.email_ciphertext acct-b"));
  }

  @Test
  void rotateDataKeyTakesNoParametersAndIsUnknownWithoutDataKeys() {
    assertEquals("unknown_command", commands.execute(request("data_keys.rotate")).errorCode());
    assertEquals(
        "bad_request",
        commands
            .withDataKeys(() -> new DataKeyAdministration.Rotation("dk", true, 0, List.of(), 0))
            .execute(request("data_keys.rotate", "key", "x"))
            .errorCode());
  }

  @Test
  void addCreatesTheAccountAndWipesThePassword() {
    AdminResponse response =
        commands.execute(
            request(
                "user.add",
                "username",
                "alice",
                "email",
                "alice@example.org",
                "name",
                "Alice Mary Liddell",
                "role",
                "admin",
                "role",
                "editor",
                "email_verified",
                "true",
                "password",
                "correct horse battery"));

    assertTrue(response.isOk(), response.toString());
    assertEquals(List.of("created user alice (id id-alice)"), response.lines());
    NewAccount created = accounts.created;
    assertEquals("alice@example.org", created.email());
    assertEquals("Alice Mary", created.givenName());
    assertEquals("Liddell", created.familyName());
    assertEquals(List.of("admin", "editor"), created.roles());
    assertTrue(created.emailVerified());
    assertEquals("correct horse battery", accounts.passwordAtCall);
    assertTrue(allZero(accounts.passwordSeen), "password array wiped after the call");
  }

  @Test
  void addPrefersExplicitNamePartsOverTheSplitName() {
    commands.execute(
        request(
            "user.add",
            "username",
            "bob",
            "email",
            "bob@example.org",
            "name",
            "Robert Smith",
            "family_name",
            "Smith-Jones",
            "password",
            "pw"));

    assertEquals("Robert", accounts.created.givenName());
    assertEquals("Smith-Jones", accounts.created.familyName());
    assertFalse(accounts.created.emailVerified());
  }

  @Test
  void addReturnsTheServiceRefusalWithItsCodeAndMessage() {
    accounts.refusal =
        new AccountException(
            AccountException.Reason.USERNAME_TAKEN, "That username is already taken.");

    AdminResponse response =
        commands.execute(
            request("user.add", "username", "a", "email", "a@example.org", "password", "pw"));

    assertEquals("username_taken", response.errorCode());
    assertEquals(List.of("That username is already taken."), response.lines());
    assertTrue(allZero(accounts.passwordSeen), "password wiped on refusal too");
  }

  @Test
  void addWithoutPasswordIsABadRequest() {
    AdminResponse response =
        commands.execute(request("user.add", "username", "a", "email", "a@example.org"));

    assertEquals("bad_request", response.errorCode());
    assertEquals(List.of("\"password\" is missing"), response.lines());
    assertTrue(accounts.calls.isEmpty());
  }

  @Test
  void addWithABadFlagValueIsABadRequest() {
    AdminResponse response =
        commands.execute(
            request(
                "user.add",
                "username",
                "a",
                "email",
                "e",
                "password",
                "p",
                "email_verified",
                "yes"));

    assertEquals("bad_request", response.errorCode());
  }

  @Test
  void unknownParameterIsABadRequest() {
    AdminResponse response =
        commands.execute(request("user.disable", "username", "a", "role", "x"));

    assertEquals("bad_request", response.errorCode());
    assertEquals(List.of("user.disable does not take \"role\""), response.lines());
    assertTrue(accounts.calls.isEmpty());
  }

  @Test
  void repeatedSingleParameterIsABadRequest() {
    AdminResponse response =
        commands.execute(request("user.enable", "username", "a", "username", "b"));

    assertEquals("bad_request", response.errorCode());
    assertTrue(accounts.calls.isEmpty());
  }

  @Test
  void unknownCommandIsRefused() {
    AdminResponse response = commands.execute(request("user.delete", "username", "a"));

    assertEquals("unknown_command", response.errorCode());
    assertEquals(List.of("unknown command \"user.delete\""), response.lines());
  }

  @Test
  void disableReportsEndedSessions() {
    AdminResponse response = commands.execute(request("user.disable", "username", "carol"));

    assertEquals(List.of("disable carol"), accounts.calls);
    assertEquals(List.of("disabled user carol; 2 sessions ended"), response.lines());
  }

  @Test
  void enableAndUnlockCallTheirOperations() {
    assertEquals(
        List.of("enabled user dan"),
        commands.execute(request("user.enable", "username", "dan")).lines());
    assertEquals(
        List.of("unlocked user dan"),
        commands.execute(request("user.unlock", "username", "dan")).lines());
    assertEquals(List.of("enable dan", "unlock dan"), accounts.calls);
  }

  @Test
  void unlockOfAnUnknownAccountIsRefused() {
    accounts.refusal =
        new AccountException(AccountException.Reason.NO_SUCH_ACCOUNT, "There is no such account.");

    AdminResponse response = commands.execute(request("user.unlock", "username", "nobody"));

    assertEquals("no_such_account", response.errorCode());
    assertEquals(List.of("There is no such account."), response.lines());
  }

  @Test
  void setPasswordPassesThePasswordAndWipesIt() {
    AdminResponse response =
        commands.execute(
            request("user.set_password", "username", "erin", "password", "new secret words"));

    assertEquals(List.of("password set for erin; 1 session ended"), response.lines());
    assertEquals("new secret words", accounts.passwordAtCall);
    assertTrue(allZero(accounts.passwordSeen));
  }

  @Test
  void weakPasswordRefusalCarriesThePolicyMessage() {
    accounts.refusal =
        new AccountException(
            AccountException.Reason.WEAK_PASSWORD, "The password must be at least 8 characters.");

    AdminResponse response =
        commands.execute(request("user.set_password", "username", "erin", "password", "short"));

    assertEquals("weak_password", response.errorCode());
    assertEquals(List.of("The password must be at least 8 characters."), response.lines());
    assertFalse(String.join("", response.lines()).contains("short"));
  }

  @Test
  void listWithNoAccountsSaysSo() {
    assertEquals(List.of("no accounts"), commands.execute(request("user.list")).lines());
  }

  @Test
  void listIsATableWithOneRowPerAccount() {
    accounts.accounts.add(
        new AccountView(
            "1b2c",
            "alice",
            "alice@example.org",
            true,
            "Alice",
            null,
            List.of("admin", "editor"),
            Account.State.DISABLED,
            Instant.parse("2030-01-02T03:04:05.678Z"),
            Instant.parse("2025-01-01T00:00:00Z"),
            Instant.parse("2025-06-01T12:00:00Z")));
    accounts.accounts.add(view("bo\u001b[31m"));

    List<String> lines = commands.execute(request("user.list")).lines();

    assertEquals(3, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("USERNAME "), lines.get(0));
    assertTrue(lines.get(0).contains("LOCKED UNTIL"));
    assertEquals(
        List.of(
            "alice",
            "1b2c",
            "alice@example.org",
            "yes",
            "admin,editor",
            "disabled",
            "2030-01-02T03:04:05Z",
            "2025-06-01T12:00:00Z"),
        Arrays.asList(lines.get(1).split("\\s{2,}")));
    assertTrue(lines.get(2).startsWith("bo?[31m "), "control characters replaced: " + lines.get(2));
    assertTrue(lines.get(2).contains(" no "));
    assertTrue(lines.get(2).endsWith(" -"));
  }

  @Test
  void listTakesNoParameters() {
    assertEquals(
        "bad_request", commands.execute(request("user.list", "username", "x")).errorCode());
  }

  @Test
  void successHasNoErrorCode() {
    assertNull(commands.execute(request("user.list")).errorCode());
  }

  private static boolean allZero(char[] chars) {
    for (char c : chars) {
      if (c != 0) {
        return false;
      }
    }
    return true;
  }

  @Test
  void cspListShowsTheAggregatesNewestFirstWithoutControlCharacters() {
    AdminCommands withReports =
        commands.withCspReports(
            limit -> {
              assertEquals(AdminCommands.CSP_LIST_LIMIT, limit);
              return List.of(
                  new org.cmsbroker.csp.CspAggregate(
                      "/pay/{id}",
                      "frame-ancestors",
                      "https://broker.example.org",
                      "enforce",
                      3,
                      Instant.parse("2026-01-01T10:00:00.123Z"),
                      Instant.parse("2026-01-02T11:00:00Z"),
                      "Evil\u001b[2JAgent"));
            });

    AdminResponse response = withReports.execute(request("csp.list"));

    assertTrue(response.isOk(), response.toString());
    assertEquals(2, response.lines().size());
    assertTrue(response.lines().get(0).startsWith("LAST SEEN"), response.lines().get(0));
    String row = response.lines().get(1);
    assertTrue(
        row.startsWith(
            "2026-01-02T11:00:00Z  3      /pay/{id}  frame-ancestors  https://broker.example.org"),
        row);
    assertTrue(row.endsWith("2026-01-01T10:00:00Z  Evil?[2JAgent"), row);
  }

  @Test
  void cspListWithoutReportsSaysSo() {
    assertEquals(
        List.of("no CSP violation reports"),
        commands.withCspReports(limit -> List.of()).execute(request("csp.list")).lines());
  }

  @Test
  void cspListTakesNoParameters() {
    AdminResponse response =
        commands.withCspReports(limit -> List.of()).execute(request("csp.list", "limit", "5"));
    assertEquals(AdminProtocolException.BAD_REQUEST, response.errorCode());
  }

  private final List<Duration> windows = new ArrayList<>();

  private AdminCommands withEvents(StripeEventCount... counts) {
    return commands.withStripeEvents(
        window -> {
          windows.add(window);
          return List.of(counts);
        });
  }

  @Test
  void stripeEventsShowsCountsByTypeAndOutcomeWithTotalAndNewest() {
    AdminResponse response =
        withEvents(
                new StripeEventCount(
                    "customer.created",
                    "ignore_unknown_type",
                    7,
                    Instant.parse("2026-01-02T09:00:00.5Z")),
                new StripeEventCount(
                    "checkout.session.completed",
                    "apply",
                    2,
                    Instant.parse("2026-01-02T11:00:00Z")),
                new StripeEventCount(
                    "bad\u001b[2Jtype", "no_payment", 1, Instant.parse("2026-01-01T08:00:00Z")))
            .execute(request("stripe.events"));

    assertTrue(response.isOk(), response.toString());
    assertEquals(List.of(Duration.ofHours(24)), windows);
    assertEquals(
        List.of(
            "TYPE                        OUTCOME              COUNT  LAST RECEIVED",
            "customer.created            ignore_unknown_type  7      2026-01-02T09:00:00Z",
            "checkout.session.completed  apply                2      2026-01-02T11:00:00Z",
            "bad?[2Jtype                 no_payment           1      2026-01-01T08:00:00Z",
            "10 events in the last 24 hours; newest received 2026-01-02T11:00:00Z"),
        response.lines());
  }

  @Test
  void stripeEventsCountsOverTheWindowAsked() {
    AdminResponse response =
        withEvents(
                new StripeEventCount(
                    "charge.refunded", "apply", 1, Instant.parse("2026-01-02T11:00:00Z")))
            .execute(request("stripe.events", "since_hours", "1"));

    assertEquals(List.of(Duration.ofHours(1)), windows);
    assertEquals(
        "1 event in the last 1 hour; newest received 2026-01-02T11:00:00Z",
        response.lines().get(response.lines().size() - 1));
    withEvents().execute(request("stripe.events", "since_hours", "8760"));
    assertEquals(Duration.ofHours(8760), windows.get(1));
  }

  @Test
  void stripeEventsWithoutEventsSaysSo() {
    assertEquals(
        List.of("no Stripe events in the last 48 hours"),
        withEvents().execute(request("stripe.events", "since_hours", "48")).lines());
  }

  @Test
  void stripeEventsRefusesAWindowOutOfRange() {
    for (String hours : List.of("0", "8761", "-1", "1.5", "24h", "", "99999")) {
      AdminResponse response = withEvents().execute(request("stripe.events", "since_hours", hours));
      assertEquals(AdminProtocolException.BAD_REQUEST, response.errorCode(), hours);
      assertEquals(
          List.of("\"since_hours\" must be a whole number of hours from 1 to 8760"),
          response.lines(),
          hours);
    }
    assertTrue(windows.isEmpty());
  }

  @Test
  void stripeEventsRefusesOtherParameters() {
    AdminResponse response = withEvents().execute(request("stripe.events", "limit", "5"));
    assertEquals(AdminProtocolException.BAD_REQUEST, response.errorCode());
    assertTrue(windows.isEmpty());
  }

  @Test
  void stripeEventsIsUnknownWithoutTheEvents() {
    assertEquals(
        AdminProtocolException.UNKNOWN_COMMAND,
        commands.execute(request("stripe.events")).errorCode());
  }

  @Test
  void paymentsReviewListsRefusedEventsNewestFirstWithTheirEventIds() {
    List<Integer> limits = new ArrayList<>();
    AdminResponse response =
        commands
            .withPaymentReview(
                (window, max) -> {
                  windows.add(window);
                  limits.add(max);
                  return List.of(
                      new StripeEventReview(
                          "evt_2",
                          "checkout.session.completed",
                          "foreign_session",
                          "pay_1",
                          Instant.parse("2026-01-02T11:00:00Z")),
                      new StripeEventReview(
                          "evt_1",
                          "checkout.session.completed",
                          "amount_mismatch",
                          null,
                          Instant.parse("2026-01-02T10:00:00Z")));
                })
            .execute(request("payments.review", "since_hours", "2"));

    assertTrue(response.isOk(), response.toString());
    assertEquals(List.of(Duration.ofHours(2)), windows);
    assertEquals(List.of(AdminCommands.PAYMENTS_REVIEW_LIMIT), limits);
    List<String> lines = response.lines();
    assertTrue(lines.get(0).startsWith("RECEIVED"), lines.toString());
    assertTrue(lines.get(1).contains("evt_2"), lines.toString());
    assertTrue(lines.get(1).contains("pay_1"), lines.toString());
    assertTrue(lines.get(1).contains("foreign_session"), lines.toString());
    assertTrue(lines.get(2).contains("amount_mismatch"), lines.toString());
    assertTrue(lines.get(3).startsWith("2 events in the last 2 hours"), lines.toString());
  }

  @Test
  void paymentsReviewWithoutRefusedEventsSaysSo() {
    assertEquals(
        List.of("no Stripe events to review in the last 24 hours"),
        commands
            .withPaymentReview((w, m) -> List.of())
            .execute(request("payments.review"))
            .lines());
  }

  @Test
  void paymentsReviewIsUnknownWithoutTheEvents() {
    assertEquals(
        AdminProtocolException.UNKNOWN_COMMAND,
        commands.execute(request("payments.review")).errorCode());
  }

  private static AuditAdministration audit(
      org.cmsbroker.audit.AuditVerification verification,
      List<org.cmsbroker.audit.AuditQuery> queries) {
    return new AuditAdministration() {
      @Override
      public org.cmsbroker.audit.AuditVerification verify() {
        return verification;
      }

      @Override
      public List<org.cmsbroker.audit.SecurityEvent> list(org.cmsbroker.audit.AuditQuery query) {
        queries.add(query);
        return List.of();
      }

      @Override
      public java.util.Optional<org.cmsbroker.audit.AuditArchive> prune(Duration age) {
        return java.util.Optional.empty();
      }

      @Override
      public List<org.cmsbroker.health.SelfCheckFinding> selfCheck() {
        return List.of(
            new org.cmsbroker.health.SelfCheckFinding(
                "clock", org.cmsbroker.health.SelfCheckFinding.Status.PASS, "differ by 3 ms", ""),
            new org.cmsbroker.health.SelfCheckFinding(
                "tls-certificate",
                verification.intact()
                    ? org.cmsbroker.health.SelfCheckFinding.Status.WARN
                    : org.cmsbroker.health.SelfCheckFinding.Status.FAIL,
                "5 days left",
                "renew"));
      }
    };
  }

  @Test
  void auditVerifyOfAnIntactChainIsOk() {
    AdminResponse response =
        commands
            .withAudit(
                audit(
                    new org.cmsbroker.audit.AuditVerification(
                        true, 3, 3, null, null, "intact: 3 rows", 0, null),
                    new ArrayList<>()))
            .execute(request("audit.verify"));
    assertTrue(response.isOk(), response.toString());
    assertEquals(List.of("audit chain intact: 3 rows"), response.lines());
  }

  @Test
  void auditVerifyOfABrokenChainNamesTheRowAndFails() {
    AdminResponse response =
        commands
            .withAudit(
                audit(
                    new org.cmsbroker.audit.AuditVerification(
                        false, 4, 4, 1000000007L, 5L, "row id 1000000007 at position 5", 0, null),
                    new ArrayList<>()))
            .execute(request("audit.verify", "format", "json"));
    assertEquals(AuditCommands.FINDINGS, response.errorCode());
    assertTrue(
        response.lines().get(0).contains("\"broken_row_id\":1000000007"), response.toString());
    assertTrue(response.lines().get(0).contains("\"intact\":false"), response.toString());
  }

  @Test
  void auditListPassesItsFiltersAndRefusesBadNumbers() {
    List<org.cmsbroker.audit.AuditQuery> queries = new ArrayList<>();
    AdminCommands withAudit =
        commands.withAudit(
            audit(
                new org.cmsbroker.audit.AuditVerification(
                    true, 0, 0, null, null, "intact", 0, null),
                queries));
    AdminResponse response =
        withAudit.execute(
            request("audit.list", "account", "acct-1", "type", "login", "limit", "7"));
    assertTrue(response.isOk(), response.toString());
    assertEquals("acct-1", queries.get(0).subject());
    assertEquals("login", queries.get(0).type());
    assertEquals(7, queries.get(0).limit());
    assertEquals(
        AdminProtocolException.BAD_REQUEST,
        withAudit.execute(request("audit.list", "limit", "0")).errorCode());
  }

  @Test
  void auditIsUnknownWithoutTheLog() {
    assertEquals(
        AdminProtocolException.UNKNOWN_COMMAND,
        commands.execute(request("audit.verify")).errorCode());
  }

  @Test
  void selfCheckWithAFailureExitsWithTheReport() {
    AdminResponse failing =
        commands
            .withAudit(
                audit(
                    new org.cmsbroker.audit.AuditVerification(false, 0, 0, null, 1L, "x", 0, null),
                    new ArrayList<>()))
            .execute(request("check.self"));
    assertEquals(AuditCommands.FINDINGS, failing.errorCode());
    assertTrue(failing.lines().get(0).startsWith("CHECK"), failing.toString());
    assertTrue(failing.lines().get(failing.lines().size() - 1).startsWith("FAILED: 1 failed"));

    AdminResponse warning =
        commands
            .withAudit(
                audit(
                    new org.cmsbroker.audit.AuditVerification(
                        true, 0, 0, null, null, "ok", 0, null),
                    new ArrayList<>()))
            .execute(request("check.self", "format", "json"));
    assertTrue(warning.isOk(), warning.toString());
    assertTrue(warning.lines().get(0).contains("\"ok\":true"), warning.toString());
    assertTrue(warning.lines().get(0).contains("\"status\":\"WARN\""), warning.toString());
  }

  @Test
  void backupCreatePassesTheKeyAndPathAndReportsTheReceipt() {
    List<String> seen = new ArrayList<>();
    AdminCommands withBackups =
        commands.withBackups(
            (key, out) -> {
              seen.add(new String(key, java.nio.charset.StandardCharsets.US_ASCII) + " " + out);
              return new org.cmsbroker.backup.BackupReceipt(
                  out,
                  Instant.parse("2025-06-01T10:00:00Z"),
                  "15",
                  17,
                  42,
                  "ABCDEF",
                  "0123456789ABCDEF",
                  "Operator <ops@example.org>");
            });
    AdminResponse response =
        withBackups.execute(
            request(
                "backup.create",
                "out",
                "/backups/b.pgp",
                "recipient_key",
                java.util.Base64.getEncoder().encodeToString("KEY".getBytes())));
    assertTrue(response.isOk(), response.lines().toString());
    assertEquals(List.of("KEY /backups/b.pgp"), seen);
    assertEquals("backup written to /backups/b.pgp", response.lines().get(0));
    assertTrue(response.lines().get(2).contains("0123456789ABCDEF"), response.lines().toString());
  }

  @Test
  void backupCreateRefusalsAreErrorsWithTheirReason() {
    AdminCommands withBackups =
        commands.withBackups(
            (key, out) -> {
              throw new org.cmsbroker.backup.BackupException("/x already exists");
            });
    AdminResponse refused =
        withBackups.execute(request("backup.create", "out", "/x", "recipient_key", "S0VZ"));
    assertEquals("backup_refused", refused.errorCode());
    assertEquals(List.of("/x already exists"), refused.lines());
    AdminResponse notBase64 =
        withBackups.execute(request("backup.create", "out", "/x", "recipient_key", "not base64!"));
    assertEquals(AdminProtocolException.BAD_REQUEST, notBase64.errorCode());
    AdminResponse withoutBackups =
        commands.execute(request("backup.create", "out", "/x", "recipient_key", "S0VZ"));
    assertEquals(AdminProtocolException.UNKNOWN_COMMAND, withoutBackups.errorCode());
  }
}
