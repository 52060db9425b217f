package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.UserInfoSuccessResponse;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.FakeCrm;
import org.cmsbroker.it.support.FakeStripe;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.NimbusHttp;
import org.cmsbroker.it.support.PaymentJson;
import org.cmsbroker.it.support.PaymentsBroker;
import org.cmsbroker.it.support.SeedAccounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #13: one full flow through broker.jar (H2, a fake Stripe, a fake CRM, a fake SMTP server)
 * with secrets the test knows: an account's password and email, a wrong password, the OIDC code
 * flow with PKCE (code, access, refresh and ID tokens, the client secret), a payment with a donor's
 * email, a signed Stripe webhook and the CRM callback it causes (webhook and callback secrets), a
 * password change and a mailed reset (the new passwords, the reset token), the Stripe key and
 * {@code BROKER_MASTER_KEY}. Then none of those values may appear in the server's standard output
 * or error, in any log file under the data directory, or in the security events that {@code admin
 * audit list --json} shows; and the server's output holds no stack trace.
 */
class NoSecretInLogsIT {
  private static final String USERNAME = "ada-k7q2";
  private static final String EMAIL = "ada.lovelace.k7q2@example.org";
  private static final String PASSWORD = "analytical engine notes 1843 k7q2";
  private static final String WRONG_PASSWORD = "difference engine guess 1822 z9x4";
  private static final String CHANGED_PASSWORD = "bernoulli numbers table g 5m3w";
  private static final String RESET_PASSWORD = "jacquard loom punched cards 8h1v";
  private static final String DONOR_EMAIL = "donor.babbage.r4t8@example.net";
  private static final String WEBHOOK_SECRET = "whsec_" + "noSecretInLogsWebhookSecret0042";
  private static final String ORIGIN = "https://cms.example.org";
  private static final URI CALLBACK = URI.create("https://rp.example.org/oidc/callback");
  private static final String CRM_PATH = "/crm/quiet";
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  private static WireMockServer stripe;
  private static FakeCrm crm;
  private static GreenMail mail;
  private static PaymentsBroker broker;
  private static String masterKey;

  /** Every value that must not be written anywhere, by what it is. */
  private static final Map<String, String> KNOWN = new LinkedHashMap<>();

  /** What {@code admin audit list --json} printed after the flow. */
  private static String securityEvents;

  /** The server's standard output and error, read after it stopped. */
  private static String serverOutput;

  @BeforeAll
  static void runTheWholeFlowWithKnownSecrets() throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    masterKey = Base64.getEncoder().encodeToString(key);
    stripe = FakeStripe.start();
    crm = FakeCrm.start();
    int smtp = BrokerHome.freePort();
    mail = new GreenMail(new ServerSetup(smtp, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    broker =
        PaymentsBroker.builder("quiet-logs")
            .stripe(stripe)
            .webhookSecret(WEBHOOK_SECRET)
            .callbacksEverySecond()
            // The fake CRM listens on loopback, which outbound calls refuse unless allowed.
            .setting("BROKER_OUTBOUND_ALLOWED_CIDRS", "127.0.0.0/8")
            .setting("BROKER_MASTER_KEY", masterKey)
            .setting("BROKER_SMTP_HOST", "127.0.0.1")
            .setting("BROKER_SMTP_PORT", Integer.toString(smtp))
            .setting("BROKER_SMTP_SECURITY", "none")
            .setting("BROKER_SMTP_FROM", "broker@example.org")
            .start()
            .awaitReady();
    KNOWN.put("password", PASSWORD);
    KNOWN.put("wrong password", WRONG_PASSWORD);
    KNOWN.put("changed password", CHANGED_PASSWORD);
    KNOWN.put("reset password", RESET_PASSWORD);
    KNOWN.put("account email", EMAIL);
    KNOWN.put("donor email", DONOR_EMAIL);
    KNOWN.put("Stripe secret key", FakeStripe.SECRET_KEY);
    KNOWN.put("Stripe webhook secret", WEBHOOK_SECRET);
    KNOWN.put("BROKER_MASTER_KEY", masterKey);

    SeedAccounts.add(broker.work(), broker.env(), USERNAME, EMAIL, PASSWORD);
    LoginClient browser = new LoginClient(broker.data(), broker.base());
    oidcFlow(browser);
    paymentWithCallback();
    passwordChangeAndReset(browser);

    listSecurityEvents();
    broker.close();
    serverOutput = broker.process().stdout() + "\n" + broker.process().stderr();
  }

  private static void listSecurityEvents() throws Exception {
    securityEvents = broker.adminOk("audit", "list", "--json", "--limit", "10000");
    List<Object> events =
        JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(securityEvents.strip()), "events");
    assertFalse(events.isEmpty(), securityEvents);
  }

  @AfterAll
  static void stop() throws Exception {
    PaymentsBroker.stopAll(broker, crm, stripe, mail == null ? null : (AutoCloseable) mail::stop);
  }

  // ---- the flow ----

  /** Code flow with PKCE, token exchange, userinfo, refresh, introspection and revocation. */
  private static void oidcFlow(LoginClient browser) throws Exception {
    String added =
        broker.adminOk(
            "client",
            "add",
            "--name",
            "Quiet site",
            "--client-id",
            "quiet-site",
            "--redirect-uri",
            CALLBACK.toString());
    Matcher secretLine = Pattern.compile("client secret: (\\S+)").matcher(added);
    assertTrue(secretLine.find(), "admin client add prints the client secret");
    ClientID clientId = new ClientID("quiet-site");
    Secret secret = new Secret(secretLine.group(1));
    KNOWN.put("OIDC client secret", secret.getValue());

    HttpResponse<String> discovery = browser.get("/.well-known/openid-configuration");
    assertEquals(200, discovery.statusCode(), discovery.body());
    OIDCProviderMetadata provider = OIDCProviderMetadata.parse(discovery.body());

    CodeVerifier verifier = new CodeVerifier();
    State state = new State();
    URI start =
        new AuthenticationRequest.Builder(
                new ResponseType("code"),
                new Scope("openid", "profile", "email"),
                clientId,
                CALLBACK)
            .endpointURI(provider.getAuthorizationEndpointURI())
            .state(state)
            .nonce(new Nonce())
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .build()
            .toURI();
    AuthenticationSuccessResponse authorized =
        assertInstanceOf(
            AuthenticationSuccessResponse.class,
            AuthenticationResponseParser.parse(signInThroughAuthorize(browser, start)));
    assertEquals(state, authorized.getState());
    KNOWN.put("authorization code", authorized.getAuthorizationCode().getValue());
    KNOWN.put("PKCE verifier", verifier.getValue());
    String session = browser.cookie("__Host-broker_session");
    assertNotNull(session, "signed in: " + browser.allCookies());
    KNOWN.put("session cookie", session);

    OIDCTokenResponse tokens =
        token(
            provider,
            new AuthorizationCodeGrant(authorized.getAuthorizationCode(), CALLBACK, verifier),
            new ClientSecretBasic(clientId, secret),
            browser);
    BearerAccessToken access = tokens.getOIDCTokens().getBearerAccessToken();
    knownToken("access token", access.getValue());
    knownToken("ID token", tokens.getOIDCTokens().getIDTokenString());
    KNOWN.put("refresh token", tokens.getOIDCTokens().getRefreshToken().getValue());

    UserInfoResponse info =
        UserInfoResponse.parse(
            NimbusHttp.send(
                browser.http(),
                new UserInfoRequest(provider.getUserInfoEndpointURI(), access).toHTTPRequest()));
    assertEquals(
        EMAIL,
        assertInstanceOf(UserInfoSuccessResponse.class, info).getUserInfo().getEmailAddress());

    OIDCTokenResponse refreshed =
        token(
            provider,
            new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken()),
            new ClientSecretPost(clientId, secret),
            browser);
    knownToken("refreshed access token", refreshed.getOIDCTokens().getAccessToken().getValue());
    KNOWN.put("rotated refresh token", refreshed.getOIDCTokens().getRefreshToken().getValue());
    if (refreshed.getOIDCTokens().getIDTokenString() != null) {
      knownToken("refreshed ID token", refreshed.getOIDCTokens().getIDTokenString());
    }

    TokenIntrospectionResponse introspected =
        TokenIntrospectionResponse.parse(
            NimbusHttp.send(
                browser.http(),
                new TokenIntrospectionRequest(
                        provider.getIntrospectionEndpointURI(),
                        new ClientSecretBasic(clientId, secret),
                        refreshed.getOIDCTokens().getBearerAccessToken())
                    .toHTTPRequest()));
    assertTrue(
        assertInstanceOf(TokenIntrospectionSuccessResponse.class, introspected).isActive(),
        "the refreshed access token is active");

    for (var token :
        List.of(
            refreshed.getOIDCTokens().getAccessToken(),
            refreshed.getOIDCTokens().getRefreshToken())) {
      assertEquals(
          200,
          NimbusHttp.send(
                  browser.http(),
                  new TokenRevocationRequest(
                          provider.getRevocationEndpointURI(),
                          new ClientSecretBasic(clientId, secret),
                          token)
                      .toHTTPRequest())
              .getStatusCode(),
          "revoked");
    }
  }

  /** A JWT, and its signature alone (a log that cut the token short would still hold it). */
  private static void knownToken(String what, String jwt) {
    KNOWN.put(what, jwt);
    KNOWN.put(what + " signature", jwt.substring(jwt.lastIndexOf('.') + 1));
  }

  private static OIDCTokenResponse token(
      OIDCProviderMetadata provider,
      AuthorizationGrant grant,
      com.nimbusds.oauth2.sdk.auth.ClientAuthentication auth,
      LoginClient browser)
      throws Exception {
    TokenRequest request = new TokenRequest(provider.getTokenEndpointURI(), auth, grant);
    return assertInstanceOf(
        OIDCTokenResponse.class,
        OIDCTokenResponseParser.parse(NimbusHttp.send(browser.http(), request.toHTTPRequest())));
  }

  /** The browser's way through authorize and the login page back to the relying party. */
  private static URI signInThroughAuthorize(LoginClient browser, URI start) throws Exception {
    HttpResponse<String> answer = browser.fetch(start.toString());
    Pattern refresh = Pattern.compile("http-equiv=\"refresh\" content=\"0;url=([^\"]+)\"");
    for (int hops = 0; hops < 10; hops++) {
      Matcher meta = refresh.matcher(answer.body());
      if (answer.statusCode() == 200 && meta.find()) {
        answer = browser.fetch(meta.group(1).replace("&amp;", "&"));
        continue;
      }
      assertTrue(
          answer.statusCode() == 302 || answer.statusCode() == 303,
          "stopped at " + answer.statusCode() + ": " + answer.body());
      String location = answer.headers().firstValue("location").orElseThrow();
      if (location.startsWith(CALLBACK.toString())) {
        return URI.create(location);
      }
      if (location.startsWith("/login")) {
        LoginClient.FormConfig config = LoginClient.config(browser.fetch(location).body());
        String returnTo =
            URLDecoder.decode(
                location.replaceAll(".*return_to=([^&]*).*", "$1"), StandardCharsets.UTF_8);
        answer =
            browser.post(
                "/login",
                Map.of(
                    "credentials",
                    LoginClient.loginJwe(config, USERNAME, PASSWORD),
                    "return_to",
                    returnTo),
                false);
        continue;
      }
      answer = browser.fetch(location);
    }
    throw new AssertionError("too many redirects");
  }

  /** A payment through the API, Stripe's signed completion, and the CRM's signed callback. */
  private static void paymentWithCallback() throws Exception {
    String clientId = "quiet-cms";
    Secret secret = broker.addClient(clientId, ORIGIN);
    KNOWN.put("payments client secret", secret.getValue());
    broker.adminOk(
        "client", "update", "--client-id", clientId, "--callback-url", crm.url(CRM_PATH));
    String rotated = broker.adminOk("client", "rotate-callback-secret", "--client-id", clientId);
    Matcher whsec = Pattern.compile("callback secret: (whsec_\\S+)").matcher(rotated);
    assertTrue(whsec.find(), "admin client rotate-callback-secret prints the secret");
    KNOWN.put("callback secret", whsec.group(1));
    crm.receive(CRM_PATH, whsec.group(1), n -> 204);

    String token = broker.token(clientId, secret);
    knownToken("payments access token", token);
    Map<String, Object> payment =
        broker.createdPayment(
            token,
            PaymentJson.donation(1250, "contrib-quiet-1", ORIGIN)
                .donorEmail(DONOR_EMAIL)
                .mode("redirect"));
    String event =
        FakeStripe.sessionEvent(
            "evt_" + UUID.randomUUID().toString().replace("-", ""),
            "checkout.session.completed",
            Instant.now().getEpochSecond(),
            payment,
            "paid");
    KNOWN.put("Checkout Session client secret", checkoutSessionClientSecret());
    HttpResponse<String> applied = broker.webhook(event, WEBHOOK_SECRET);
    assertEquals(200, applied.statusCode(), applied.body());

    Instant deadline = Instant.now().plus(DEADLINE);
    while (crm.accepted(CRM_PATH).isEmpty()) {
      assertTrue(Instant.now().isBefore(deadline), "the CRM callback was delivered in time");
      Thread.sleep(250);
    }
    assertTrue(crm.accepted(CRM_PATH).get(0).verified(), "the callback's signature verifies");
    assertEquals("succeeded", broker.payment(token, (String) payment.get("id")).get("status"));
  }

  /** The {@code client_secret} of the one Checkout Session the fake Stripe made. */
  private static String checkoutSessionClientSecret() throws Exception {
    List<ServeEvent> made =
        stripe.getAllServeEvents().stream()
            .filter(e -> e.getRequest().getUrl().equals(FakeStripe.SESSIONS))
            .toList();
    assertEquals(1, made.size(), "one Checkout Session made");
    return JSONObjectUtils.getString(
        JSONObjectUtils.parse(made.get(0).getResponse().getBodyAsString()), "client_secret");
  }

  /** A change at /account/password, a mailed reset link, a sign-in, then a wrong password. */
  private static void passwordChangeAndReset(LoginClient browser) throws Exception {
    HttpResponse<String> page = browser.get("/account/password");
    assertEquals(200, page.statusCode(), page.body());
    LoginClient.FormConfig config = LoginClient.config(page.body());
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("password", PASSWORD);
    change.put("new_password", CHANGED_PASSWORD);
    change.put("challenge", config.challenge());
    HttpResponse<String> changed =
        browser.post(
            "/account/password",
            Map.of(
                "csrf",
                hidden(page.body(), "csrf"),
                "credentials",
                LoginClient.jwe(config.key(), change)),
            false);
    assertEquals(303, changed.statusCode(), changed.body());

    LoginClient stranger = new LoginClient(broker.data(), broker.base());
    HttpResponse<String> form = stranger.get("/password/forgot");
    HttpResponse<String> asked =
        stranger.post(
            "/password/forgot",
            Map.of("form_token", hidden(form.body(), "form_token"), "who", EMAIL),
            false);
    assertEquals(200, asked.statusCode(), asked.body());
    assertTrue(mail.waitForIncomingEmail(30_000, 1), "the reset mail arrives");
    String body = GreenMailUtil.getBody(mail.getReceivedMessages()[0]);
    Matcher link =
        Pattern.compile("(/password/reset\\?token=([A-Za-z0-9_-]{43}))")
            .matcher(body.replace("=\r\n", "").replace("=3D", "="));
    assertTrue(link.find(), "a reset link in the mail");
    KNOWN.put("reset token", link.group(2));

    HttpResponse<String> resetPage = stranger.get(link.group(1));
    assertEquals(200, resetPage.statusCode(), resetPage.body());
    LoginClient.FormConfig resetConfig = LoginClient.config(resetPage.body());
    Map<String, Object> reset = new LinkedHashMap<>();
    reset.put("new_password", RESET_PASSWORD);
    reset.put("challenge", resetConfig.challenge());
    HttpResponse<String> done =
        stranger.post(
            "/password/reset",
            Map.of(
                "token",
                hidden(resetPage.body(), "token"),
                "credentials",
                LoginClient.jwe(resetConfig.key(), reset)),
            false);
    assertEquals(303, done.statusCode(), done.body());

    assertEquals(
        303,
        new LoginClient(broker.data(), broker.base()).signIn(USERNAME, RESET_PASSWORD).statusCode(),
        "the reset password");
    assertEquals(
        401,
        new LoginClient(broker.data(), broker.base()).signIn(USERNAME, WRONG_PASSWORD).statusCode(),
        "a wrong password");
  }

  private static String hidden(String html, String name) {
    Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
    if (!m.find()) {
      throw new AssertionError("no hidden " + name + " in\n" + html);
    }
    return m.group(1);
  }

  // ---- where secrets must not be ----

  /** The names of the known values found in {@code text}; never the values themselves. */
  private static List<String> secretsIn(String text) {
    List<String> found = new ArrayList<>();
    KNOWN.forEach(
        (what, value) -> {
          if (text.contains(value)) {
            found.add(what);
          }
        });
    return found;
  }

  /** {@code text} with every known value replaced by its name, fit to show in a failure. */
  private static String redacted(String text) {
    String out = text;
    for (Map.Entry<String, String> known : KNOWN.entrySet()) {
      out = out.replace(known.getValue(), "[" + known.getKey() + "]");
    }
    return out;
  }

  /** Files under the data directory named {@code *.log} or below a {@code logs} directory. */
  private static List<Path> logFiles() throws IOException {
    try (Stream<Path> all = Files.walk(broker.data())) {
      return all.filter(Files::isRegularFile)
          .filter(
              p ->
                  p.getFileName().toString().endsWith(".log")
                      || broker.data().relativize(p).toString().matches("(?:.*/)?logs/.*"))
          .toList();
    }
  }

  @Test
  void theServersOutputHoldsNoKnownSecret() {
    assertTrue(serverOutput.contains("broker: ready at "), "the server's output was read");
    assertEquals(List.of(), secretsIn(serverOutput), "secrets in the server's stdout/stderr");
  }

  @Test
  void noLogFileUnderTheDataDirectoryHoldsAKnownSecret() throws Exception {
    List<Path> files = logFiles();
    assertFalse(files.isEmpty(), "the server writes log files under the data directory");
    Map<String, List<String>> leaks = new LinkedHashMap<>();
    for (Path file : files) {
      String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      List<String> found = secretsIn(text);
      if (!found.isEmpty()) {
        leaks.put(broker.data().relativize(file).toString(), found);
      }
    }
    assertEquals(Map.of(), leaks, "secrets in log files (of " + files + ")");
  }

  @Test
  void theSecurityEventsHoldNoKnownSecret() throws Exception {
    assertTrue(securityEvents.contains("login"), "the sign-ins were recorded");
    assertEquals(List.of(), secretsIn(securityEvents), "secrets in admin audit list --json");
  }

  @Test
  void theServersOutputHoldsNoStackTrace() {
    List<String> traces =
        serverOutput
            .lines()
            .filter(l -> l.contains("Exception") || l.matches("\\s+at [\\w.$]+\\(.*\\)"))
            .limit(20)
            .map(NoSecretInLogsIT::redacted)
            .toList();
    assertEquals(List.of(), traces, "stack traces in the server's stdout/stderr");
  }
}
