package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminArgumentsTest {

  private static AdminArguments parse(String... args) throws Exception {
    return AdminArguments.parse(List.of(args));
  }

  private static String refusal(String... args) {
    return assertThrows(AdminArguments.UsageException.class, () -> parse(args)).getMessage();
  }

  @Test
  void addTakesEveryOptionAndNeedsAPassword() throws Exception {
    AdminArguments a =
        parse(
            "user",
            "add",
            "--username",
            "alice",
            "--email=alice@example.org",
            "--name",
            "Alice Liddell",
            "--given-name",
            "Alice",
            "--family-name",
            "Liddell",
            "--role",
            "admin",
            "--role=editor",
            "--email-verified");

    assertEquals("user.add", a.command());
    assertTrue(a.needsPassword());
    assertEquals(
        List.of(
            Map.entry("username", "alice"),
            Map.entry("email", "alice@example.org"),
            Map.entry("name", "Alice Liddell"),
            Map.entry("given_name", "Alice"),
            Map.entry("family_name", "Liddell"),
            Map.entry("role", "admin"),
            Map.entry("role", "editor"),
            Map.entry("email_verified", "true")),
        a.fields());
  }

  @Test
  void addNeedsUsernameAndEmail() {
    assertEquals("user add needs --username", refusal("user", "add", "--email", "a@b.org"));
    assertEquals("user add needs --email", refusal("user", "add", "--username", "a"));
  }

  @Test
  void listTakesNoOptions() throws Exception {
    AdminArguments a = parse("user", "list");
    assertEquals("user.list", a.command());
    assertFalse(a.needsPassword());
    assertTrue(a.fields().isEmpty());
    assertEquals(
        "unknown option \"--username\" for user list", refusal("user", "list", "--username", "a"));
  }

  @Test
  void accountCommandsTakeTheUsername() throws Exception {
    for (String sub : List.of("disable", "enable", "unlock")) {
      AdminArguments a = parse("user", sub, "--username", "bob");
      assertEquals("user." + sub, a.command());
      assertEquals(List.of(Map.entry("username", "bob")), a.fields());
      assertFalse(a.needsPassword());
    }
  }

  @Test
  void setPasswordTakesTheUsernameAndNeedsAPassword() throws Exception {
    AdminArguments a = parse("user", "set-password", "--username=bob");
    assertEquals("user.set_password", a.command());
    assertTrue(a.needsPassword());
    assertEquals(List.of(Map.entry("username", "bob")), a.fields());
  }

  @Test
  void missingUsernameIsAUsageError() {
    assertEquals("user disable needs --username", refusal("user", "disable"));
    assertEquals("user set-password needs --username", refusal("user", "set-password"));
  }

  @Test
  void passwordIsNeverAnOption() {
    assertEquals(
        "unknown option \"--password\" for user set-password",
        refusal("user", "set-password", "--username", "bob", "--password", "x"));
  }

  @Test
  void unknownOptionAndStrayArgumentAreUsageErrors() {
    assertEquals(
        "unknown option \"--mail\" for user add",
        refusal("user", "add", "--username", "a", "--mail", "x"));
    assertEquals("unexpected argument \"bob\" for user enable", refusal("user", "enable", "bob"));
  }

  @Test
  void optionWithoutValueIsAUsageError() {
    assertEquals("--username needs a value", refusal("user", "enable", "--username"));
    assertEquals(
        "--username needs a value", refusal("user", "add", "--username", "--email", "a@b.org"));
  }

  @Test
  void repeatedOptionIsAUsageErrorButRolesRepeat() {
    assertEquals(
        "--username is given more than once",
        refusal("user", "enable", "--username", "a", "--username", "b"));
  }

  @Test
  void flagTakesNoValue() {
    assertEquals(
        "--email-verified takes no value",
        refusal("user", "add", "--username", "a", "--email", "e", "--email-verified=false"));
  }

  @Test
  void unknownCommandsAreUsageErrors() {
    assertEquals("admin needs a command", refusal());
    assertEquals("unknown admin command \"group\"", refusal("group", "list"));
    assertEquals("admin user needs a subcommand", refusal("user"));
    assertEquals("unknown subcommand \"user delete\"", refusal("user", "delete"));
  }

  @Test
  void helpIsRecognised() throws Exception {
    assertTrue(parse("help").help());
    assertTrue(parse("--help").help());
    assertTrue(AdminArguments.usage().contains("user set-password --username U"));
  }

  @Test
  void clientAddTakesEveryOptionAndNeedsNoPassword() throws Exception {
    AdminArguments a =
        parse(
            "client",
            "add",
            "--name",
            "Main site",
            "--client-id=typo3",
            "--public",
            "--redirect-uri",
            "https://a.example/cb",
            "--redirect-uri=https://b.example/cb",
            "--post-logout-redirect-uri",
            "https://a.example/",
            "--web-origin",
            "https://a.example",
            "--grant-type",
            "authorization_code",
            "--grant-type",
            "refresh_token",
            "--id-token-alg",
            "RS256",
            "--backchannel-logout-uri",
            "https://a.example/bc",
            "--roles-claim",
            "Roles");

    assertEquals("client.add", a.command());
    assertFalse(a.needsPassword());
    assertEquals(
        List.of(
            Map.entry("name", "Main site"),
            Map.entry("client_id", "typo3"),
            Map.entry("public", "true"),
            Map.entry("redirect_uri", "https://a.example/cb"),
            Map.entry("redirect_uri", "https://b.example/cb"),
            Map.entry("post_logout_redirect_uri", "https://a.example/"),
            Map.entry("web_origin", "https://a.example"),
            Map.entry("grant_type", "authorization_code"),
            Map.entry("grant_type", "refresh_token"),
            Map.entry("id_token_alg", "RS256"),
            Map.entry("backchannel_logout_uri", "https://a.example/bc"),
            Map.entry("roles_claim", "Roles")),
        a.fields());
  }

  @Test
  void clientAddNeedsAName() {
    assertEquals(
        "client add needs --name",
        refusal("client", "add", "--redirect-uri", "https://a.example/cb"));
  }

  @Test
  void clientAddRefusesUpdateOnlyOptions() {
    assertEquals(
        "unknown option \"--disable\" for client add",
        refusal("client", "add", "--name", "x", "--disable"));
    assertEquals(
        "unknown option \"--secret\" for client add",
        refusal("client", "add", "--name", "x", "--secret", "s"));
  }

  @Test
  void clientSingleOptionsMayNotRepeat() {
    assertEquals(
        "--id-token-alg is given more than once",
        refusal("client", "add", "--name", "x", "--id-token-alg", "ES256", "--id-token-alg=RS256"));
  }

  @Test
  void clientListTakesNoOptions() throws Exception {
    assertEquals("client.list", parse("client", "list").command());
    assertEquals(
        "unknown option \"--client-id\" for client list",
        refusal("client", "list", "--client-id", "a"));
  }

  @Test
  void clientUpdateTakesTheIdAndTheChanges() throws Exception {
    AdminArguments a =
        parse(
            "client",
            "update",
            "--client-id",
            "typo3",
            "--web-origin",
            "",
            "--disable",
            "--redirect-uri",
            "https://c.example/cb");

    assertEquals("client.update", a.command());
    assertEquals(
        List.of(
            Map.entry("client_id", "typo3"),
            Map.entry("web_origin", ""),
            Map.entry("enabled", "false"),
            Map.entry("redirect_uri", "https://c.example/cb")),
        a.fields());
    assertEquals(
        List.of(Map.entry("client_id", "a"), Map.entry("enabled", "true")),
        parse("client", "update", "--client-id", "a", "--enable").fields());
  }

  @Test
  void clientUpdateNeedsTheIdAndSomethingToChange() {
    assertEquals("client update needs --client-id", refusal("client", "update", "--name", "x"));
    assertEquals(
        "client update needs something to change", refusal("client", "update", "--client-id", "a"));
    assertEquals(
        "unknown option \"--public\" for client update",
        refusal("client", "update", "--client-id", "a", "--public"));
  }

  @Test
  void clientUpdateRefusesEnableWithDisable() {
    assertEquals(
        "--enable and --disable exclude each other",
        refusal("client", "update", "--client-id", "a", "--enable", "--disable"));
  }

  @Test
  void clientRotateSecretAndRemoveTakeTheId() throws Exception {
    AdminArguments rotate = parse("client", "rotate-secret", "--client-id", "typo3");
    assertEquals("client.rotate_secret", rotate.command());
    assertEquals(List.of(Map.entry("client_id", "typo3")), rotate.fields());
    assertFalse(rotate.needsPassword());
    AdminArguments remove = parse("client", "remove", "--client-id=typo3");
    assertEquals("client.remove", remove.command());
    assertEquals(List.of(Map.entry("client_id", "typo3")), remove.fields());
    assertEquals("client remove needs --client-id", refusal("client", "remove"));
    assertEquals(
        "unknown option \"--name\" for client rotate-secret",
        refusal("client", "rotate-secret", "--client-id", "a", "--name", "x"));
  }

  @Test
  void unknownClientSubcommandsAreUsageErrors() {
    assertEquals("admin client needs a subcommand", refusal("client"));
    assertEquals("unknown subcommand \"client delete\"", refusal("client", "delete"));
  }

  @Test
  void usageDescribesTheClientCommands() {
    String usage = AdminArguments.usage();
    assertTrue(usage.contains("client add --name \"Site\" [--client-id ID] [--public]"), usage);
    assertTrue(usage.contains("client rotate-secret --client-id ID"));
    assertTrue(usage.contains("client remove --client-id ID"));
  }

  @Test
  void keysRotateTakesAnOptionalAlgorithm() throws Exception {
    AdminArguments all = parse("keys", "rotate");
    assertEquals("keys.rotate", all.command());
    assertTrue(all.fields().isEmpty());
    AdminArguments one = parse("keys", "rotate", "--alg", "RS256");
    assertEquals(List.of(Map.entry("alg", "RS256")), one.fields());
  }

  @Test
  void rotateDataKeyTakesNothing() throws Exception {
    AdminArguments rotate = parse("rotate-data-key");
    assertEquals("data_keys.rotate", rotate.command());
    assertTrue(rotate.fields().isEmpty());
    assertThrows(AdminArguments.UsageException.class, () -> parse("rotate-data-key", "--key", "x"));
    assertTrue(AdminArguments.usage().contains("rotate-data-key"));
  }

  @Test
  void keysRotateRefusesAnUnknownAlgorithm() {
    assertThrows(
        AdminArguments.UsageException.class, () -> parse("keys", "rotate", "--alg", "HS256"));
  }

  @Test
  void keysListTakesNoOptions() throws Exception {
    assertEquals("keys.list", parse("keys", "list").command());
    assertThrows(
        AdminArguments.UsageException.class, () -> parse("keys", "list", "--alg", "ES256"));
  }

  @Test
  void clientUpdateTakesTheCallbackUrlAndFormat() throws Exception {
    AdminArguments a =
        parse(
            "client",
            "update",
            "--client-id",
            "civi",
            "--callback-url",
            "https://crm.example.org/",
            "--callback-format=civicrm");

    assertEquals("client.update", a.command());
    assertEquals(
        List.of(
            Map.entry("client_id", "civi"),
            Map.entry("callback_url", "https://crm.example.org/"),
            Map.entry("callback_format", "civicrm")),
        a.fields());
    assertEquals(
        List.of(Map.entry("client_id", "civi"), Map.entry("callback_url", "")),
        parse("client", "update", "--client-id", "civi", "--callback-url", "").fields());
  }

  @Test
  void clientUpdateRefusesAnUnknownCallbackFormat() {
    assertEquals(
        "--callback-format must be standard-webhooks or civicrm",
        refusal("client", "update", "--client-id", "c", "--callback-format", "json"));
  }

  @Test
  void rotateCallbackSecretNeedsTheClientId() throws Exception {
    AdminArguments a = parse("client", "rotate-callback-secret", "--client-id", "cms");
    assertEquals("client.rotate_callback_secret", a.command());
    assertEquals(List.of(Map.entry("client_id", "cms")), a.fields());
    assertFalse(a.needsPassword());
    assertEquals(
        "client rotate-callback-secret needs --client-id",
        refusal("client", "rotate-callback-secret"));
  }

  @Test
  void setCiviCrmCredentialsReadsKeysNotAPassword() throws Exception {
    AdminArguments a = parse("client", "set-civicrm-credentials", "--client-id", "civi");
    assertEquals("client.set_civicrm_credentials", a.command());
    assertTrue(a.needsCiviCrmKeys());
    assertFalse(a.needsPassword());
    assertEquals(List.of(Map.entry("client_id", "civi")), a.fields());
  }

  @Test
  void callbacksListTakesClientStatusAndLimit() throws Exception {
    AdminArguments a =
        parse("callbacks", "list", "--client", "cms", "--status", "dead", "--limit", "20");
    assertEquals("callbacks.list", a.command());
    assertEquals(
        List.of(
            Map.entry("client_id", "cms"), Map.entry("status", "dead"), Map.entry("limit", "20")),
        a.fields());
    assertEquals(List.of(), parse("callbacks", "list").fields());
  }

  @Test
  void callbacksListRefusesAnUnknownStatusOrLimit() {
    assertEquals(
        "--status must be pending, delivering, delivered or dead",
        refusal("callbacks", "list", "--status", "failed"));
    assertEquals(
        "--limit must be a whole number from 1 to 1000",
        refusal("callbacks", "list", "--limit", "many"));
  }

  @Test
  void callbacksReplayTakesAMessageId() throws Exception {
    AdminArguments a = parse("callbacks", "replay", "msg_abc");
    assertEquals("callbacks.replay", a.command());
    assertEquals(List.of(Map.entry("id", "msg_abc")), a.fields());
  }

  @Test
  void callbacksReplayOfAClientNeedsStatusDead() throws Exception {
    assertEquals(
        List.of(Map.entry("client_id", "cms"), Map.entry("status", "dead")),
        parse("callbacks", "replay", "--client", "cms", "--status", "dead").fields());
    assertEquals(
        "callbacks replay --client replays dead messages: --status dead",
        refusal("callbacks", "replay", "--client", "cms", "--status", "delivered"));
    assertEquals(
        "callbacks replay needs --status", refusal("callbacks", "replay", "--client", "cms"));
    assertEquals(
        "callbacks replay needs a message id, or --client ID --status dead",
        refusal("callbacks", "replay"));
    assertEquals(
        "callbacks replay takes a message id, or --client ID --status dead, not both",
        refusal("callbacks", "replay", "msg_abc", "--client", "cms"));
  }

  @Test
  void callbacksNeedsAKnownSubcommand() {
    assertEquals("admin callbacks needs a subcommand", refusal("callbacks"));
    assertEquals("unknown subcommand \"callbacks purge\"", refusal("callbacks", "purge"));
  }

  @Test
  void cspListTakesNoOptions() throws Exception {
    AdminArguments list = parse("csp", "list");
    assertEquals("csp.list", list.command());
    assertTrue(list.fields().isEmpty());
    assertEquals(
        "unknown option \"--limit\" for csp list",
        assertThrows(
                AdminArguments.UsageException.class, () -> parse("csp", "list", "--limit", "5"))
            .getMessage());
    assertEquals(
        "unknown subcommand \"csp clear\"",
        assertThrows(AdminArguments.UsageException.class, () -> parse("csp", "clear"))
            .getMessage());
    assertEquals(
        "admin csp needs a subcommand",
        assertThrows(AdminArguments.UsageException.class, () -> parse("csp")).getMessage());
    assertTrue(AdminArguments.usage().contains("csp list"));
  }

  @Test
  void stripeEventsCountsTheLastDayUnlessToldOtherwise() throws Exception {
    AdminArguments day = parse("stripe-events");
    assertEquals("stripe.events", day.command());
    assertEquals(List.of(), day.fields());
    assertFalse(day.needsPassword());

    assertEquals(
        List.of(Map.entry("since_hours", "1")), parse("stripe-events", "--since", "1").fields());
    assertEquals(
        List.of(Map.entry("since_hours", "8760")), parse("stripe-events", "--since=8760").fields());
    assertTrue(AdminArguments.usage().contains("stripe-events [--since HOURS]"));
  }

  @Test
  void paymentsReviewListsTheLastDayUnlessToldOtherwise() throws Exception {
    AdminArguments day = parse("payments", "review");
    assertEquals("payments.review", day.command());
    assertEquals(List.of(), day.fields());
    assertFalse(day.needsPassword());
    assertEquals(
        List.of(Map.entry("since_hours", "3")),
        parse("payments", "review", "--since", "3").fields());
    assertEquals(
        "--since must be a whole number of hours from 1 to 8760",
        refusal("payments", "review", "--since=0"));
    assertEquals("admin payments needs a subcommand", refusal("payments"));
    assertTrue(refusal("payments", "list").startsWith("unknown payments command"));
    assertTrue(AdminArguments.usage().contains("payments review [--since HOURS]"));
  }

  @Test
  void stripeEventsRefusesAWindowOutOfRange() {
    for (String hours : List.of("0", "8761", "99999", "-1", "1.5", "24h", "")) {
      assertEquals(
          "--since must be a whole number of hours from 1 to 8760",
          refusal("stripe-events", "--since=" + hours),
          hours);
    }
    assertEquals("--since needs a value", refusal("stripe-events", "--since"));
    assertEquals(
        "--since is given more than once",
        refusal("stripe-events", "--since", "1", "--since", "2"));
  }

  @Test
  void stripeEventsTakesNoOtherArguments() {
    assertEquals(
        "unknown option \"--limit\" for stripe-events", refusal("stripe-events", "--limit", "5"));
    assertEquals(
        "unexpected argument \"list\" for stripe-events", refusal("stripe-events", "list"));
  }

  @Test
  void auditVerifyTakesOnlyJson() throws Exception {
    AdminArguments text = parse("audit", "verify");
    assertEquals("audit.verify", text.command());
    assertEquals(List.of(), text.fields());
    assertEquals(List.of(Map.entry("format", "json")), parse("audit", "verify", "--json").fields());
    assertTrue(refusal("audit", "verify", "--since", "2").contains("unknown option"));
    assertTrue(refusal("audit", "check").contains("unknown audit command"));
    assertTrue(refusal("audit").contains("needs a subcommand"));
  }

  @Test
  void auditListFiltersByTimeAccountClientAndType() throws Exception {
    AdminArguments a =
        parse(
            "audit",
            "list",
            "--since",
            "48",
            "--account",
            "acct-1",
            "--client",
            "site",
            "--type",
            "login",
            "--limit",
            "10",
            "--json");
    assertEquals("audit.list", a.command());
    assertEquals(
        List.of(
            Map.entry("since", "48"),
            Map.entry("account", "acct-1"),
            Map.entry("client", "site"),
            Map.entry("type", "login"),
            Map.entry("limit", "10"),
            Map.entry("format", "json")),
        a.fields());
    assertEquals("--limit must be a whole number", refusal("audit", "list", "--limit", "ten"));
    assertTrue(AdminArguments.usage().contains("audit verify [--json]"));
  }

  @Test
  void auditListTakesHoursOrIso8601InstantsForSinceAndUntil() throws Exception {
    assertEquals(
        List.of(
            Map.entry("since", "2026-12-01T00:00:00Z"),
            Map.entry("until", "2026-12-05T09:30:00+01:00")),
        parse(
                "audit",
                "list",
                "--since",
                "2026-12-01T00:00:00Z",
                "--until",
                "2026-12-05T09:30:00+01:00")
            .fields());
    assertEquals(
        List.of(Map.entry("since", "72"), Map.entry("until", "48")),
        parse("audit", "list", "--since", "72", "--until", "48").fields());
    assertEquals(List.of(Map.entry("until", "2")), parse("audit", "list", "--until", "2").fields());
  }

  @Test
  void auditListRefusesTimeBoundsItCannotRead() {
    for (String bad : new String[] {"yesterday", "0", "2026-12-05", "2026-12-05T08:00:00", "-3"}) {
      String message = refusal("audit", "list", "--since", bad);
      assertTrue(message.startsWith("--since must be a whole number of hours"), message);
      assertTrue(message.contains("ISO-8601 instant"), message);
    }
    assertTrue(
        refusal("audit", "list", "--until", "nope").startsWith("--until must be"),
        refusal("audit", "list", "--until", "nope"));
    assertEquals(
        "--until must be later than --since (by default 24 hours ago)",
        refusal("audit", "list", "--since", "2", "--until", "3"));
    assertEquals(
        "--until must be later than --since (by default 24 hours ago)",
        refusal("audit", "list", "--until", "48"));
  }
}
