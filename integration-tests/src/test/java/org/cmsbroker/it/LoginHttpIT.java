package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.LoginClient.FormConfig;
import org.cmsbroker.it.support.PostgresSchema;
import org.cmsbroker.it.support.SeedAccounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Sign-in, password change and reset over HTTPS against the running broker, one test per failure
 * mode of the encrypted submission. The throttling test runs last: it slows down every sign-in from
 * this address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginHttpIT {
  static final String ADA_PASSWORD = "correct horse battery staple";
  static final String GRACE_PASSWORD = "flow-matic compiler 1959";
  private static BrokerProcess broker;
  private static PostgresSchema schema;
  private static GreenMail mail;
  private static Path data;
  private static Path work;
  private static Map<String, String> env;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    schema = new PostgresSchema();
    int smtp = BrokerHome.freePort();
    mail = new GreenMail(new ServerSetup(smtp, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    work = BrokerHome.freshDirectory("login-http");
    data = work.resolve("data");
    int https = BrokerHome.freePort();
    base = "https://localhost:" + https;
    env =
        Map.of(
            "BROKER_DATA_DIR",
            data.toString(),
            "BROKER_HTTPS_PORT",
            Integer.toString(https),
            "BROKER_HTTP_PORT",
            "off",
            "BROKER_DB_URL",
            schema.url(),
            "BROKER_DB_USER",
            PostgresSchema.USER,
            "BROKER_SMTP_HOST",
            "127.0.0.1",
            "BROKER_SMTP_PORT",
            Integer.toString(smtp),
            "BROKER_SMTP_SECURITY",
            "none",
            "BROKER_SMTP_FROM",
            "broker@example.org");
    broker = BrokerProcess.start(work, env).awaitReady(Duration.ofSeconds(120));
    SeedAccounts.add(work, env, "ada", "ada@example.org", ADA_PASSWORD);
    SeedAccounts.add(work, env, "grace", "grace@example.org", GRACE_PASSWORD);
    SeedAccounts.add(work, env, "linus", "linus@example.org", "just for kids 1991");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (mail != null) {
      mail.stop();
    }
    if (schema != null) {
      schema.close();
    }
  }

  private static LoginClient client() throws Exception {
    return new LoginClient(data, base);
  }

  private static void assertRefused(HttpResponse<String> answer, int status, String code) {
    assertEquals(status, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("\"error\":\"" + code + "\""), answer.body());
  }

  private static Map<String, Object> payload(String username, String password, String challenge) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("username", username);
    payload.put("password", password);
    payload.put("challenge", challenge);
    return payload;
  }

  private int sessionsIn(String accountUsername) throws Exception {
    try (Connection c = schema.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM login_session s JOIN account a ON a.id = s.account_id"
                    + " WHERE a.username = '"
                    + accountUsername
                    + "' AND s.ended_at IS NULL")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  @Order(1)
  void signInWithEncryptedCredentialsGivesAHostSessionCookie() throws Exception {
    LoginClient client = client();
    FormConfig config = client.open("/login");
    HttpResponse<String> answer =
        client.post(
            "/login",
            Map.of("credentials", LoginClient.loginJwe(config, "ada", ADA_PASSWORD)),
            false);
    assertEquals(303, answer.statusCode(), answer.body());
    assertEquals("/account", answer.headers().firstValue("location").orElse(null));
    String setCookie =
        answer.headers().allValues("set-cookie").stream()
            .filter(c -> c.startsWith("__Host-broker_session="))
            .findFirst()
            .orElseThrow();
    assertTrue(setCookie.contains("; Path=/"), setCookie);
    assertTrue(setCookie.contains("; Secure"), setCookie);
    assertTrue(setCookie.contains("; HttpOnly"), setCookie);
    assertTrue(setCookie.contains("; SameSite=Lax"), setCookie);
    String token = client.cookie("__Host-broker_session");
    assertTrue(token.length() >= 43, "at least 256 bits of randomness");
    assertEquals(200, client.get("/account").statusCode());
  }

  @Test
  @Order(2)
  void replayedSubmissionIsRefused() throws Exception {
    LoginClient client = client();
    FormConfig config = client.open("/login");
    String jwe = LoginClient.loginJwe(config, "ada", ADA_PASSWORD);
    String binding = client.cookie("__Host-broker_login");
    assertEquals(303, client.post("/login", Map.of("credentials", jwe), true).statusCode());
    // Whoever captured the whole request (body and cookie) still cannot use it again.
    assertRefused(
        client.postRaw("/login", Map.of("credentials", jwe), "__Host-broker_login=" + binding),
        400,
        "replayed_challenge");
  }

  @Test
  @Order(3)
  void plaintextPasswordPostIsRefused() throws Exception {
    LoginClient client = client();
    client.open("/login");
    HttpResponse<String> answer =
        client.post("/login", Map.of("username", "ada", "password", ADA_PASSWORD), true);
    assertRefused(answer, 400, "plaintext_refused");
    assertNull(client.cookie("__Host-broker_session"), "no session");
    HttpResponse<String> page =
        client.post("/login", Map.of("username", "ada", "password", ADA_PASSWORD), false);
    assertEquals(400, page.statusCode());
    assertTrue(page.body().contains("turn on JavaScript"), page.body());
    assertFalse(page.body().contains(ADA_PASSWORD), "the password is not echoed");
  }

  @Test
  @Order(4)
  void jweForAnUnknownKidIsRefused() throws Exception {
    LoginClient client = client();
    FormConfig config = client.open("/login");
    String jwe =
        LoginClient.jwe(
            config.key(),
            com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                payload("ada", ADA_PASSWORD, config.challenge())),
            JWEAlgorithm.RSA_OAEP_256,
            EncryptionMethod.A256GCM,
            "no-such-key");
    assertRefused(client.post("/login", Map.of("credentials", jwe), true), 400, "unknown_kid");
  }

  @Test
  @Order(5)
  void wrongKeyEncryptionAlgorithmIsRefused() throws Exception {
    LoginClient client = client();
    FormConfig config = client.open("/login");
    String jwe =
        LoginClient.jwe(
            config.key(),
            com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                payload("ada", ADA_PASSWORD, config.challenge())),
            JWEAlgorithm.RSA_OAEP_512,
            EncryptionMethod.A256GCM,
            config.key().getKeyID());
    assertRefused(client.post("/login", Map.of("credentials", jwe), true), 400, "wrong_alg");
  }

  @Test
  @Order(6)
  void wrongContentEncryptionIsRefused() throws Exception {
    LoginClient client = client();
    FormConfig config = client.open("/login");
    String jwe =
        LoginClient.jwe(
            config.key(),
            com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                payload("ada", ADA_PASSWORD, config.challenge())),
            JWEAlgorithm.RSA_OAEP_256,
            EncryptionMethod.A128CBC_HS256,
            config.key().getKeyID());
    assertRefused(client.post("/login", Map.of("credentials", jwe), true), 400, "wrong_enc");
  }

  @Test
  @Order(7)
  void malformedAndTruncatedJweAreRefused() throws Exception {
    LoginClient client = client();
    FormConfig config = client.open("/login");
    assertRefused(
        client.post("/login", Map.of("credentials", "not.a.jwe"), true), 400, "malformed_jwe");
    String jwe = LoginClient.loginJwe(config, "ada", ADA_PASSWORD);
    HttpResponse<String> truncated =
        client.post("/login", Map.of("credentials", jwe.substring(0, jwe.length() - 12)), true);
    assertEquals(400, truncated.statusCode(), truncated.body());
    assertTrue(
        truncated.body().contains("decryption_failed")
            || truncated.body().contains("malformed_jwe"),
        truncated.body());
  }

  @Test
  @Order(8)
  void payloadThatIsNotJsonIsRefused() throws Exception {
    LoginClient client = client();
    FormConfig config = client.open("/login");
    String jwe =
        LoginClient.jwe(
            config.key(),
            "username=ada",
            JWEAlgorithm.RSA_OAEP_256,
            EncryptionMethod.A256GCM,
            config.key().getKeyID());
    assertRefused(client.post("/login", Map.of("credentials", jwe), true), 400, "payload_not_json");
  }

  @Test
  @Order(9)
  void oversizedFieldIsRefused() throws Exception {
    LoginClient client = client();
    FormConfig config = client.open("/login");
    String jwe =
        LoginClient.jwe(config.key(), payload("a".repeat(300), ADA_PASSWORD, config.challenge()));
    assertRefused(client.post("/login", Map.of("credentials", jwe), true), 400, "field_too_long");
  }

  @Test
  @Order(10)
  void challengeIssuedToAnotherBrowserIsRefused() throws Exception {
    LoginClient victim = client();
    LoginClient attacker = client();
    FormConfig attackersPage = attacker.open("/login");
    victim.open("/login");
    String jwe = LoginClient.loginJwe(attackersPage, "ada", ADA_PASSWORD);
    assertRefused(
        victim.post("/login", Map.of("credentials", jwe), true), 400, "foreign_challenge");
  }

  @Test
  @Order(11)
  void unknownUserGetsTheSameAnswerAsWrongPassword() throws Exception {
    HttpResponse<String> wrong = client().signIn("linus", "definitely not it");
    HttpResponse<String> unknown = client().signIn("no-such-person", "definitely not it");
    assertEquals(401, wrong.statusCode());
    assertEquals(wrong.statusCode(), unknown.statusCode());
    assertEquals(wrong.body(), unknown.body());
  }

  @Test
  @Order(12)
  void passwordChangeNeedsTheCurrentPasswordAndEndsOtherSessions() throws Exception {
    LoginClient other = client();
    assertEquals(303, other.signIn("grace", GRACE_PASSWORD).statusCode());
    LoginClient client = client();
    assertEquals(303, client.signIn("grace", GRACE_PASSWORD).statusCode());
    HttpResponse<String> page = client.get("/account/password");
    assertEquals(200, page.statusCode());
    String csrf = hidden(page.body(), "csrf");

    FormConfig config = LoginClient.config(page.body());
    Map<String, Object> wrongCurrent = new LinkedHashMap<>();
    wrongCurrent.put("password", "not the current one");
    wrongCurrent.put("new_password", "a brand new passphrase");
    wrongCurrent.put("challenge", config.challenge());
    HttpResponse<String> refused =
        client.post(
            "/account/password",
            Map.of("csrf", csrf, "credentials", LoginClient.jwe(config.key(), wrongCurrent)),
            false);
    assertEquals(400, refused.statusCode());
    assertTrue(refused.body().contains("The current password is not correct."), refused.body());
    Thread.sleep(1100); // the throttle's first delay after a wrong password

    config = LoginClient.config(refused.body());
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("password", GRACE_PASSWORD);
    change.put("new_password", "a brand new passphrase");
    change.put("challenge", config.challenge());
    HttpResponse<String> changed =
        client.post(
            "/account/password",
            Map.of("csrf", csrf, "credentials", LoginClient.jwe(config.key(), change)),
            false);
    assertEquals(303, changed.statusCode(), changed.body());
    assertEquals(200, client.get("/account").statusCode(), "this browser stays signed in");
    assertEquals(303, other.get("/account").statusCode(), "the other session ended");
    assertEquals(401, client().signIn("grace", GRACE_PASSWORD).statusCode());
    Thread.sleep(1100); // the throttle's first delay after a wrong password
    assertEquals(303, client().signIn("grace", "a brand new passphrase").statusCode());
  }

  @Test
  @Order(13)
  void passwordChangeWithoutTheCsrfTokenIsForbidden() throws Exception {
    LoginClient client = client();
    assertEquals(303, client.signIn("ada", ADA_PASSWORD).statusCode());
    FormConfig config = LoginClient.config(client.get("/account/password").body());
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("password", ADA_PASSWORD);
    change.put("new_password", "another new passphrase");
    change.put("challenge", config.challenge());
    HttpResponse<String> answer =
        client.post(
            "/account/password",
            Map.of("credentials", LoginClient.jwe(config.key(), change)),
            false);
    assertEquals(403, answer.statusCode());
  }

  @Test
  @Order(14)
  void forgottenPasswordIsResetThroughASingleUseMailedLink() throws Exception {
    LoginClient client = client();
    HttpResponse<String> form = client.get("/password/forgot");
    HttpResponse<String> asked =
        client.post(
            "/password/forgot",
            Map.of("form_token", hidden(form.body(), "form_token"), "who", "ada@example.org"),
            false);
    assertEquals(200, asked.statusCode());
    assertTrue(mail.waitForIncomingEmail(15_000, 1), "a mail arrives");
    MimeMessage message = mail.getReceivedMessages()[0];
    assertEquals("ada@example.org", message.getAllRecipients()[0].toString());
    Matcher link =
        Pattern.compile(Pattern.quote(base) + "(/password/reset\\?token=[A-Za-z0-9_-]{43})")
            .matcher(GreenMailUtil.getBody(message));
    assertTrue(link.find(), GreenMailUtil.getBody(message));

    HttpResponse<String> page = client.get(link.group(1));
    assertEquals(200, page.statusCode());
    FormConfig config = LoginClient.config(page.body());
    String token = hidden(page.body(), "token");

    Map<String, Object> weak = new LinkedHashMap<>();
    weak.put("new_password", "password");
    weak.put("challenge", config.challenge());
    HttpResponse<String> refused =
        client.post(
            "/password/reset",
            Map.of("token", token, "credentials", LoginClient.jwe(config.key(), weak)),
            false);
    assertEquals(400, refused.statusCode(), "a common password is refused");

    config = LoginClient.config(refused.body());
    Map<String, Object> reset = new LinkedHashMap<>();
    reset.put("new_password", "reset to something long");
    reset.put("challenge", config.challenge());
    HttpResponse<String> done =
        client.post(
            "/password/reset",
            Map.of("token", token, "credentials", LoginClient.jwe(config.key(), reset)),
            false);
    assertEquals(303, done.statusCode(), done.body());
    assertEquals(303, client().signIn("ada", "reset to something long").statusCode());
    assertEquals(400, client.get(link.group(1)).statusCode(), "the link works once");
  }

  @Test
  @Order(15)
  void resetRequestAnswersTheSameWhetherOrNotTheAccountExists() throws Exception {
    LoginClient client = client();
    String known =
        client
            .post(
                "/password/forgot",
                Map.of(
                    "form_token",
                    hidden(client.get("/password/forgot").body(), "form_token"),
                    "who",
                    "grace"),
                false)
            .body();
    String unknown =
        client
            .post(
                "/password/forgot",
                Map.of(
                    "form_token",
                    hidden(client.get("/password/forgot").body(), "form_token"),
                    "who",
                    "nobody@example.org"),
                false)
            .body();
    assertEquals(known, unknown);
  }

  @Test
  @Order(100)
  void twentyWrongPasswordsInARowAreThrottledAndThePersonIsTold() throws Exception {
    int throttled = 0;
    String lastMessage = null;
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> answer = client().signIn("ada", "wrong guess " + i);
      if (answer.statusCode() == 429) {
        throttled++;
        assertNotNull(answer.headers().firstValue("retry-after").orElse(null), "Retry-After");
        lastMessage = answer.body();
      } else {
        assertEquals(401, answer.statusCode(), answer.body());
      }
    }
    assertTrue(throttled >= 15, "most of the 20 attempts were throttled: " + throttled);
    assertTrue(lastMessage.contains("Try again after"), lastMessage);
    // The right password, sent while a long delay is known to remain, is refused too. Wrong
    // guesses made whenever the delay has run out double it (1, 2, 4, 8 s, ...) until Retry-After
    // leaves a wide margin, so a slow machine cannot let the delay run out between the two
    // requests; should it still, the right password cleared the history and the loop climbs again.
    boolean checked = false;
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    for (int tries = 0; !checked && System.nanoTime() - deadline < 0; tries++) {
      HttpResponse<String> probe = client().signIn("ada", "still wrong " + tries);
      long remaining =
          probe.statusCode() == 429
              ? Long.parseLong(probe.headers().firstValue("retry-after").orElse("0"))
              : 0;
      if (remaining < 8) {
        Thread.sleep(Math.min(1000, remaining * 1000));
        continue;
      }
      long sent = System.nanoTime();
      HttpResponse<String> right = client().signIn("ada", "reset to something long");
      if (System.nanoTime() - sent < java.util.concurrent.TimeUnit.SECONDS.toNanos(remaining - 2)) {
        assertEquals(429, right.statusCode(), "even the right password waits out the delay");
        checked = true;
      }
    }
    assertTrue(checked, "the delay was never long enough to try the right password within it");
  }

  @Test
  @Order(101)
  void noPasswordEverReachesTheBrokersLog() throws Exception {
    String log = broker.stdout() + broker.stderr();
    for (String password :
        List.of(
            ADA_PASSWORD,
            GRACE_PASSWORD,
            "a brand new passphrase",
            "reset to something long",
            "definitely not it")) {
      assertFalse(log.contains(password), "a password in the broker's log");
    }
    assertFalse(log.contains("Exception"), "no stack trace from any refusal");
  }

  private static String hidden(String html, String name) {
    Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
    if (!m.find()) {
      throw new AssertionError("no hidden " + name + " in\n" + html);
    }
    return m.group(1);
  }
}
