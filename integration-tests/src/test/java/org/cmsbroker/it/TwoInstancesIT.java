package org.cmsbroker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.FakeCrm;
import org.cmsbroker.it.support.FakeStripe;
import org.cmsbroker.it.support.Https;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.LoginClient.FormConfig;
import org.cmsbroker.it.support.NimbusHttp;
import org.cmsbroker.it.support.PaymentJson;
import org.cmsbroker.it.support.PostgresSchema;
import org.cmsbroker.it.support.RoundRobinProxy;
import org.cmsbroker.it.support.SeedAccounts;
import org.cmsbroker.it.support.TestCertificates;
import org.cmsbroker.settings.ClusterName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two {@code broker.jar} instances on one PostgreSQL schema, joined in a two-member data grid on
 * loopback, behind one public URL and one certificate as behind a load balancer. The test plays the
 * load balancer: it sends each request to the instance it names. What one instance starts the other
 * finishes, what is single-use stays single-use across both, failed logins and a client's payment
 * creations count on both, and each CRM callback goes out once while both dispatchers run. A
 * signing key rotated on A is published by B at once and signs on both only from the moment the
 * rotation named. Then A dies: B goes on, and finishes what A started (codes, refresh tokens, a
 * pending sign-in, a queued callback); A comes back and rejoins.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesIT {
  static final String PASSWORD = "correct horse battery staple";
  static final URI CALLBACK = URI.create("https://rp.example.org/oidc/callback");
  private static final Duration BOOT = Duration.ofSeconds(600);
  private static final Duration ADMIN = Duration.ofSeconds(60);
  static final String ORIGIN = "https://cms.example.org";
  static final String WEBHOOK_SECRET = "whsec_" + "itTwoInstancesWebhookSecret0001";

  /**
   * {@code BROKER_PAYMENT_RATE_CLIENT_PER_MINUTE}: low, so a token comes back only every 6 s, far
   * longer than a burst of this many requests takes; high enough for a CRM site's payments.
   */
  static final int PAYMENTS_PER_CLIENT_PER_MINUTE = 10;

  private static WireMockServer stripe;
  private static FakeCrm crm;
  private static HttpClient http;

  private static PostgresSchema schema;
  private static Path work;
  private static Map<String, String> envA;
  private static Map<String, String> envB;
  private static BrokerProcess a;
  private static BrokerProcess b;
  private static String baseA;
  private static String baseB;
  private static int gridPortA;
  private static int gridPortB;
  private static Secret clientSecret;
  private static OIDCProviderMetadata provider;

  @BeforeAll
  static void start() throws Exception {
    stripe = FakeStripe.start();
    crm = FakeCrm.start();
    schema = new PostgresSchema();
    work = BrokerHome.freshDirectory("two");
    KeyPair pair = TestCertificates.ecKeyPair();
    Path cert =
        TestCertificates.certificate(
            work, "fullchain.pem", pair, Instant.now().minusSeconds(60), Duration.ofDays(90));
    Path key = TestCertificates.privateKey(work, "privkey.pem", pair);
    int httpsA = BrokerHome.freePort();
    int httpsB = BrokerHome.freePort();
    gridPortA = BrokerHome.freePort();
    gridPortB = BrokerHome.freePort();
    baseA = "https://localhost:" + httpsA;
    baseB = "https://localhost:" + httpsB;
    byte[] masterKey = new byte[32];
    new SecureRandom().nextBytes(masterKey);

    Map<String, String> common = new HashMap<>();
    common.put("BROKER_HTTP_PORT", "off");
    common.put("BROKER_DB_URL", schema.url());
    common.put("BROKER_DB_USER", PostgresSchema.USER);
    // Every instance: the same master key, public URL and certificate.
    common.put("BROKER_MASTER_KEY", Base64.getEncoder().encodeToString(masterKey));
    common.put("BROKER_PUBLIC_URL", baseA);
    common.put("BROKER_TLS_CERT", cert.toString());
    common.put("BROKER_TLS_KEY", key.toString());
    common.put("BROKER_CLUSTER_MEMBERS", "127.0.0.1:" + gridPortA + ",127.0.0.1:" + gridPortB);
    common.put("BROKER_CLUSTER_INTERFACE", "127.0.0.1");
    common.put("BROKER_CLUSTER_SECRET", "two-instances-it-cluster-secret-0123456789");
    // Payments against the fake Stripe, callbacks to the fake CRM on loopback, swept every second.
    common.put("BROKER_STRIPE_SECRET_KEY", FakeStripe.SECRET_KEY);
    common.put("BROKER_STRIPE_API_BASE", "http://127.0.0.1:" + stripe.port());
    common.put("BROKER_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
    common.put(
        "BROKER_PAYMENT_RATE_CLIENT_PER_MINUTE", Integer.toString(PAYMENTS_PER_CLIENT_PER_MINUTE));
    common.put("BROKER_CALLBACK_POLL_INTERVAL", "1");
    common.put("BROKER_CALLBACK_RETRY_BASE", "1");
    common.put("BROKER_OUTBOUND_ALLOWED_CIDRS", "127.0.0.0/8");
    envA = instance(common, "a", httpsA, gridPortA);
    envB = instance(common, "b", httpsB, gridPortB);

    a = BrokerProcess.start(work, envA);
    b = BrokerProcess.start(work, envB);
    a.awaitReady(BOOT);
    b.awaitReady(BOOT);

    SeedAccounts.add(work, envA, "ada", "ada@example.org", PASSWORD);
    SeedAccounts.add(work, envA, "bob", "bob@example.org", PASSWORD);
    BrokerProcess.Completed added =
        BrokerProcess.run(
            work,
            envA,
            null,
            Duration.ofSeconds(60),
            "admin",
            "client",
            "add",
            "--name",
            "Example site",
            "--client-id",
            "site",
            "--redirect-uri",
            CALLBACK.toString());
    assertEquals(0, added.exitCode(), added.stderr());
    Matcher m = Pattern.compile("client secret: (\\S+)").matcher(added.stdout());
    assertTrue(m.find(), added.stdout());
    clientSecret = new Secret(m.group(1));
    provider =
        OIDCProviderMetadata.parse(browser(baseB).get("/.well-known/openid-configuration").body());
  }

  private static Map<String, String> instance(
      Map<String, String> common, String name, int https, int gridPort) {
    Map<String, String> env = new HashMap<>(common);
    env.put("BROKER_DATA_DIR", work.resolve(name).resolve("data").toString());
    env.put("BROKER_HTTPS_PORT", Integer.toString(https));
    env.put("BROKER_CLUSTER_PORT", Integer.toString(gridPort));
    return Map.copyOf(env);
  }

  @AfterAll
  static void stop() throws Exception {
    for (BrokerProcess p : new BrokerProcess[] {a, b}) {
      if (p != null) {
        p.close();
      }
    }
    if (schema != null) {
      schema.close();
    }
    if (crm != null) {
      crm.close();
    }
    if (stripe != null) {
      stripe.stop();
    }
  }

  /** A browser that talks to the instance at {@code base}. */
  private static LoginClient browser(String base) throws Exception {
    return new LoginClient(Path.of(envA.get("BROKER_DATA_DIR")), base);
  }

  /** What Payara printed last about its data grid. */
  private static String gridStatus(BrokerProcess instance) throws Exception {
    String log = instance.stdout() + instance.stderr();
    int at = log.lastIndexOf("DG Size: ");
    return at < 0 ? "" : log.substring(at, Math.min(log.length(), at + 12));
  }

  private static void awaitGridSize(BrokerProcess instance, int size) throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    while (Instant.now().isBefore(deadline)) {
      if (gridStatus(instance).startsWith("DG Size: " + size)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("grid status: " + gridStatus(instance));
  }

  @Test
  @Order(1)
  void bothInstancesFormOneGridAndAMemberWithAnotherSecretIsRefused() throws Exception {
    awaitGridSize(a, 2);
    awaitGridSize(b, 2);
    String log = a.stdout() + a.stderr();
    assertFalse(log.contains("two-instances-it-cluster-secret"), "the secret is never logged");

    HazelcastInstance stranger =
        Hazelcast.newHazelcastInstance(
            stranger(ClusterName.of("a-guessed-secret-that-is-not-the-right-one")));
    try {
      assertEquals(1, stranger.getCluster().getMembers().size(), "the stranger stays alone");
      assertTrue(
          stranger.getMap("cmsbroker.login-throttle").isEmpty(), "and sees none of the grid");
      // Hazelcast on the members logs the refusal.
      Instant deadline = Instant.now().plusSeconds(30);
      while (!(a.stderr() + b.stderr()).contains("Received an invalid join request")
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(500);
      }
      assertTrue(
          (a.stderr() + b.stderr()).contains("Received an invalid join request from [127.0.0.1]:"),
          "a member logged the refused join");
      assertTrue(gridStatus(a).startsWith("DG Size: 2"), gridStatus(a));
      assertTrue(gridStatus(b).startsWith("DG Size: 2"), gridStatus(b));
    } finally {
      stranger.shutdown();
    }
  }

  /** A Hazelcast member that knows the members' addresses but not the cluster secret. */
  private static Config stranger(String clusterName) throws Exception {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.max.join.seconds", "10");
    config.getNetworkConfig().setPort(BrokerHome.freePort()).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig()
        .setEnabled(true)
        .addMember("127.0.0.1:" + gridPortA)
        .addMember("127.0.0.1:" + gridPortB);
    return config;
  }

  @Test
  @Order(2)
  void loginPageServedByAIsSubmittedToBAndItsChallengeIsThenRefusedOnBoth() throws Exception {
    LoginClient onA = browser(baseA);
    FormConfig page = onA.open("/login");
    String jwe = LoginClient.loginJwe(page, "ada", PASSWORD);
    String binding = onA.cookie("__Host-broker_login");
    LoginClient onB = onA.on(baseB);

    HttpResponse<String> signedIn = onB.post("/login", Map.of("credentials", jwe), true);
    assertEquals(303, signedIn.statusCode(), signedIn.body());
    assertEquals(200, onA.get("/account").statusCode(), "the session is known to A too");

    for (String base : new String[] {baseA, baseB}) {
      HttpResponse<String> replay =
          browser(base)
              .postRaw("/login", Map.of("credentials", jwe), "__Host-broker_login=" + binding);
      assertEquals(400, replay.statusCode(), base + ": " + replay.body());
      assertTrue(replay.body().contains("\"error\":\"replayed_challenge\""), replay.body());
    }
  }

  @Test
  @Order(3)
  void codeIssuedByAIsRedeemedOnceOnBAndARotatedRefreshTokenReplayedOnBRevokesTheFamily()
      throws Exception {
    LoginClient browser = browser(baseA);
    CodeVerifier verifier = new CodeVerifier();
    Nonce nonce = new Nonce();
    URI start =
        new AuthenticationRequest.Builder(
                new ResponseType("code"),
                new Scope("openid", "email"),
                new ClientID("site"),
                CALLBACK)
            .endpointURI(provider.getAuthorizationEndpointURI())
            .state(new State())
            .nonce(nonce)
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .build()
            .toURI();
    URI back = signInThroughRedirects(browser, start);
    AuthenticationSuccessResponse success =
        assertInstanceOf(
            AuthenticationSuccessResponse.class, AuthenticationResponseParser.parse(back));
    AuthorizationCodeGrant grant =
        new AuthorizationCodeGrant(success.getAuthorizationCode(), CALLBACK, verifier);

    OIDCTokenResponse tokens =
        assertInstanceOf(OIDCTokenResponse.class, token(baseB, grant), "redeemed on B");
    JWKSet fromB = JWKSet.parse(browser(baseB).get("/oauth2/jwks").body());
    new IDTokenValidator(provider.getIssuer(), new ClientID("site"), JWSAlgorithm.ES256, fromB)
        .validate(tokens.getOIDCTokens().getIDToken(), nonce);

    RefreshToken first = tokens.getOIDCTokens().getRefreshToken();
    OIDCTokenResponse rotated =
        assertInstanceOf(OIDCTokenResponse.class, token(baseA, new RefreshTokenGrant(first)));
    RefreshToken second = rotated.getOIDCTokens().getRefreshToken();
    assertNotEquals(first, second);
    assertInstanceOf(
        TokenErrorResponse.class, token(baseB, new RefreshTokenGrant(first)), "replay on B");
    assertInstanceOf(
        TokenErrorResponse.class,
        token(baseA, new RefreshTokenGrant(second)),
        "the replay revoked the whole family");

    // The code is single-use on both instances (a replay also revokes what it issued).
    assertInstanceOf(TokenErrorResponse.class, token(baseA, grant), "not again on A");
    assertInstanceOf(TokenErrorResponse.class, token(baseB, grant), "nor on B");
  }

  /** The browser's way through authorize and sign-in back to the client, following redirects. */
  private static URI signInThroughRedirects(LoginClient browser, URI start) throws Exception {
    HttpResponse<String> answer = browser.fetch(start.toString());
    for (int hops = 0; hops < 10; hops++) {
      Matcher refresh =
          Pattern.compile("http-equiv=\"refresh\" content=\"0;url=([^\"]+)\"")
              .matcher(answer.body());
      if (answer.statusCode() == 200 && refresh.find()) {
        answer = browser.fetch(refresh.group(1).replace("&amp;", "&"));
        continue;
      }
      if (answer.statusCode() != 303 && answer.statusCode() != 302) {
        throw new AssertionError("stopped at " + answer.statusCode() + ": " + answer.body());
      }
      String location = answer.headers().firstValue("location").orElseThrow();
      if (location.startsWith(CALLBACK.toString())) {
        return URI.create(location);
      }
      if (location.startsWith("/login")) {
        FormConfig config = LoginClient.config(browser.fetch(location).body());
        String returnTo =
            URLDecoder.decode(
                location.replaceAll(".*return_to=([^&]*).*", "$1"), StandardCharsets.UTF_8);
        // The page came from A; the sign-in goes to B.
        answer =
            browser
                .on(baseB)
                .post(
                    "/login",
                    Map.of(
                        "credentials",
                        LoginClient.loginJwe(config, "ada", PASSWORD),
                        "return_to",
                        returnTo),
                    false);
        continue;
      }
      answer = browser.fetch(location);
    }
    throw new AssertionError("too many redirects");
  }

  /** A token request to the instance at {@code base}. */
  private static TokenResponse token(String base, AuthorizationGrant grant) throws Exception {
    URI endpoint = URI.create(provider.getTokenEndpointURI().toString().replace(baseA, base));
    TokenRequest request =
        new TokenRequest(
            endpoint, new ClientSecretBasic(new ClientID("site"), clientSecret), grant);
    return OIDCTokenResponseParser.parse(
        NimbusHttp.send(browser(base).http(), request.toHTTPRequest()));
  }

  @Test
  @Order(4)
  void failedLoginsOnACountOnB() throws Exception {
    // Three failures on A, each after the delay the previous one set.
    int failures = 0;
    while (failures < 3) {
      HttpResponse<String> wrong = browser(baseA).signIn("bob", "not the password " + failures);
      if (wrong.statusCode() == 429) {
        Thread.sleep(1000 * Long.parseLong(wrong.headers().firstValue("retry-after").orElse("1")));
        continue;
      }
      assertEquals(401, wrong.statusCode(), wrong.body());
      failures++;
    }
    // B has never seen bob fail, yet makes him wait (4 s after the third failure) even with the
    // right password.
    HttpResponse<String> onB = browser(baseB).signIn("bob", PASSWORD);
    assertEquals(429, onB.statusCode(), onB.body());
    assertTrue(Long.parseLong(onB.headers().firstValue("retry-after").orElseThrow()) >= 1);
  }

  // ---- payments and callbacks on both instances ----

  /** {@code broker.jar admin args} (run with A's settings), asserting success; its output. */
  private static String admin(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("admin"));
    all.addAll(List.of(args));
    BrokerProcess.Completed run =
        BrokerProcess.run(work, envA, null, ADMIN, all.toArray(String[]::new));
    assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.stderr());
    return run.stdout();
  }

  /** An HTTP client trusting the instances' one certificate; follows no redirects. */
  private static HttpClient http() throws Exception {
    if (http == null) {
      http = Https.client(Path.of(envA.get("BROKER_DATA_DIR")));
    }
    return http;
  }

  /** Registers a client_credentials CMS client; returns its secret. */
  private static Secret addCmsClient(String clientId) throws Exception {
    String added =
        admin(
            "client",
            "add",
            "--name",
            "CMS " + clientId,
            "--client-id",
            clientId,
            "--web-origin",
            ORIGIN,
            "--grant-type",
            "client_credentials");
    Matcher secret = Pattern.compile("client secret: (\\S+)").matcher(added);
    assertTrue(secret.find(), added);
    return new Secret(secret.group(1));
  }

  /** A payments access token of {@code clientId}, issued by A (valid on both). */
  private static String paymentsToken(String clientId, Secret secret) throws Exception {
    TokenRequest request =
        new TokenRequest(
            URI.create(baseA + "/oauth2/token"),
            new ClientSecretBasic(new ClientID(clientId), secret),
            new ClientCredentialsGrant(),
            new Scope("payments"));
    TokenResponse answer =
        OIDCTokenResponseParser.parse(NimbusHttp.send(http(), request.toHTTPRequest()));
    assertTrue(answer.indicatesSuccess(), String.valueOf(answer.toHTTPResponse().getBody()));
    return answer.toSuccessResponse().getTokens().getAccessToken().getValue();
  }

  /** {@code POST /api/v1/payments} on the instance at {@code base}: 12.50 EUR for {@code ref}. */
  private static HttpResponse<String> createPayment(String base, String bearer, String ref)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/payments"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + bearer)
            .header("Idempotency-Key", "it-" + UUID.randomUUID())
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    PaymentJson.donation(1250, ref, ORIGIN).mode("redirect").toJson()))
            .build();
    return http().send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Stripe delivers {@code event} to the instance at {@code base}, signed now; its answer. */
  private static HttpResponse<String> stripeSends(String base, String event) throws Exception {
    byte[] body = event.getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/webhooks/stripe"))
            .header("Content-Type", "application/json; charset=utf-8")
            .header(
                "Stripe-Signature",
                FakeStripe.sign(WEBHOOK_SECRET, Instant.now().getEpochSecond(), body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static int stripeSessionsCreated() {
    return stripe.findAll(postRequestedFor(urlEqualTo(FakeStripe.SESSIONS))).size();
  }

  private static <T> T await(String what, Duration within, Callable<T> probe) throws Exception {
    Instant deadline = Instant.now().plus(within);
    while (Instant.now().isBefore(deadline)) {
      T value = probe.call();
      if (value != null) {
        return value;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("gave up waiting for: " + what);
  }

  /** A CMS site whose callbacks go to the fake CRM at {@code /crm/<clientId>}. */
  private record CrmSite(String clientId, String token, String path) {}

  private static CrmSite crmSite(String clientId) throws Exception {
    Secret secret = addCmsClient(clientId);
    String path = "/crm/" + clientId;
    admin("client", "update", "--client-id", clientId, "--callback-url", crm.url(path));
    String rotated = admin("client", "rotate-callback-secret", "--client-id", clientId);
    Matcher whsec = Pattern.compile("callback secret: (whsec_\\S+)").matcher(rotated);
    assertTrue(whsec.find(), "a callback secret was printed");
    crm.receive(path, whsec.group(1), n -> 204);
    return new CrmSite(clientId, paymentsToken(clientId, secret), path);
  }

  @Test
  @Order(5)
  void eachCrmCallbackIsDeliveredOnceWhileBothInstancesDispatch() throws Exception {
    // Two sites of ten payments each (a site may create PAYMENTS_PER_CLIENT_PER_MINUTE at once).
    List<CrmSite> sites = List.of(crmSite("cms-crm-one"), crmSite("cms-crm-two"));
    int perSite = PAYMENTS_PER_CLIENT_PER_MINUTE;
    Map<String, String> siteOfPayment = new HashMap<>();
    int n = 0;
    for (CrmSite site : sites) {
      for (int i = 0; i < perSite; i++, n++) {
        // Created on one instance, completed through the other, and Stripe's retry of the same
        // event reaches the first: all twenty events spread over both.
        String created = n % 2 == 0 ? baseA : baseB;
        String completedOn = n % 2 == 0 ? baseB : baseA;
        HttpResponse<String> answer = createPayment(created, site.token(), site.clientId() + i);
        assertEquals(201, answer.statusCode(), created + ": " + answer.body());
        Map<String, Object> payment = JSONObjectUtils.parse(answer.body());
        siteOfPayment.put((String) payment.get("id"), site.path());
        String event =
            FakeStripe.sessionEvent(
                "evt_" + UUID.randomUUID().toString().replace("-", ""),
                "checkout.session.completed",
                Instant.now().getEpochSecond(),
                payment,
                "paid");
        HttpResponse<String> applied = stripeSends(completedOn, event);
        assertEquals(200, applied.statusCode(), completedOn + ": " + applied.body());
        HttpResponse<String> retried = stripeSends(created, event);
        assertEquals(200, retried.statusCode(), created + ": " + retried.body());
        assertTrue(retried.body().contains("\"duplicate\":true"), retried.body());
      }
    }

    for (CrmSite site : sites) {
      await(
          "every callback of " + site.clientId() + " accepted by the CRM",
          Duration.ofSeconds(240),
          () -> crm.accepted(site.path()).size() >= perSite ? true : null);
      await(
          "the outbox of " + site.clientId() + " all delivered",
          Duration.ofSeconds(120),
          () -> {
            // id, client, event type, status, attempts, ...
            List<String> statuses =
                admin("callbacks", "list", "--client", site.clientId(), "--limit", "1000")
                    .lines()
                    .filter(l -> l.startsWith("msg_"))
                    .map(l -> l.split("\\s{2,}")[3])
                    .toList();
            return statuses.size() == perSite
                    && statuses.stream().allMatch(status -> status.equals("delivered"))
                ? statuses
                : null;
          });
    }
    // Delivered messages are never leased again; give both dispatchers several sweeps (one a
    // second) to show that a second delivery does not come.
    Thread.sleep(5_000);

    for (CrmSite site : sites) {
      List<FakeCrm.Received> received = crm.received(site.path());
      assertEquals(perSite, received.size(), "each callback once: " + received);
      Set<String> webhookIds = new HashSet<>();
      Set<String> paymentIds = new HashSet<>();
      for (FakeCrm.Received callback : received) {
        assertTrue(callback.verified(), "signed with the site's secret: " + callback.webhookId());
        assertTrue(webhookIds.add(callback.webhookId()), "twice: " + callback.webhookId());
        Map<String, Object> body = JSONObjectUtils.parse(callback.body());
        assertEquals("payment.succeeded", body.get("type"));
        String paymentId = (String) body.get("payment_id");
        assertEquals(site.path(), siteOfPayment.get(paymentId), "to its own site: " + paymentId);
        assertTrue(paymentIds.add(paymentId), "one outcome per payment: " + paymentId);
      }
    }
  }

  @Test
  @Order(6)
  void aClientsPaymentRateLimitIsOneBudgetSpentOnEitherInstance() throws Exception {
    String warm = paymentsToken("cms-warm", addCmsClient("cms-warm"));
    String limited = paymentsToken("cms-limited", addCmsClient("cms-limited"));
    // Both instances first serve a payment of another client, so that the burst below runs warm:
    // well within the 6 s a spent token takes to come back.
    for (String base : new String[] {baseA, baseB}) {
      assertEquals(201, createPayment(base, warm, "warm").statusCode(), base);
    }

    int sessionsBefore = stripeSessionsCreated();
    for (int i = 0; i < PAYMENTS_PER_CLIENT_PER_MINUTE; i++) {
      String base = i % 2 == 0 ? baseA : baseB;
      HttpResponse<String> created = createPayment(base, limited, "limited-" + i);
      assertEquals(201, created.statusCode(), base + " #" + i + ": " + created.body());
    }
    // Each instance has seen only half of the budget, yet both refuse the next one.
    for (String base : new String[] {baseA, baseB}) {
      HttpResponse<String> refused = createPayment(base, limited, "limited-over");
      assertEquals(429, refused.statusCode(), base + ": " + refused.body());
      assertEquals("rate_limited", JSONObjectUtils.parse(refused.body()).get("error"));
      long retry = Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow());
      assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
    }
    assertEquals(
        PAYMENTS_PER_CLIENT_PER_MINUTE,
        stripeSessionsCreated() - sessionsBefore,
        "the refused requests never reached Stripe");
  }

  @Test
  @Order(7)
  void aWholeSignInAndCodeFlowThroughARoundRobinProxySpreadsOverBothAndSucceeds() throws Exception {
    try (RoundRobinProxy proxy =
        RoundRobinProxy.start(URI.create(baseA).getPort(), URI.create(baseB).getPort())) {
      String via = "https://localhost:" + proxy.port();
      // A fresh client per request opens a fresh connection, which the proxy hands to the next
      // instance: the flow alternates between A and B as a connection-balancing proxy would.
      LoginClient browser = browser(via);
      CodeVerifier verifier = new CodeVerifier();
      Nonce nonce = new Nonce();
      State state = new State();
      URI start =
          new AuthenticationRequest.Builder(
                  new ResponseType("code"),
                  new Scope("openid", "email"),
                  new ClientID("site"),
                  CALLBACK)
              .endpointURI(
                  URI.create(provider.getAuthorizationEndpointURI().toString().replace(baseA, via)))
              .state(state)
              .nonce(nonce)
              .codeChallenge(verifier, CodeChallengeMethod.S256)
              .build()
              .toURI();
      HttpResponse<String> answer = browser.on(via).fetch(start.toString());
      URI back = null;
      for (int hops = 0; hops < 10 && back == null; hops++) {
        Matcher refresh =
            Pattern.compile("http-equiv=\"refresh\" content=\"0;url=([^\"]+)\"")
                .matcher(answer.body());
        if (answer.statusCode() == 200 && refresh.find()) {
          answer =
              browser.on(via).fetch(refresh.group(1).replace("&amp;", "&").replace(baseA, via));
          continue;
        }
        assertTrue(
            answer.statusCode() == 303 || answer.statusCode() == 302,
            answer.statusCode() + ": " + answer.body());
        String location = answer.headers().firstValue("location").orElseThrow().replace(baseA, via);
        if (location.startsWith(CALLBACK.toString())) {
          back = URI.create(location);
        } else if (location.startsWith("/login")) {
          FormConfig config = LoginClient.config(browser.on(via).fetch(location).body());
          String returnTo =
              URLDecoder.decode(
                  location.replaceAll(".*return_to=([^&]*).*", "$1"), StandardCharsets.UTF_8);
          answer =
              browser
                  .on(via)
                  .post(
                      "/login",
                      Map.of(
                          "credentials",
                          LoginClient.loginJwe(config, "ada", PASSWORD),
                          "return_to",
                          returnTo),
                      false);
        } else {
          answer = browser.on(via).fetch(location);
        }
      }
      assertTrue(back != null, "came back to the client");
      AuthenticationSuccessResponse success =
          assertInstanceOf(
              AuthenticationSuccessResponse.class, AuthenticationResponseParser.parse(back));
      assertEquals(state, success.getState());
      OIDCTokenResponse tokens =
          assertInstanceOf(
              OIDCTokenResponse.class,
              token(
                  via,
                  new AuthorizationCodeGrant(success.getAuthorizationCode(), CALLBACK, verifier)));
      JWKSet keys = JWKSet.parse(browser.on(via).get("/oauth2/jwks").body());
      new IDTokenValidator(provider.getIssuer(), new ClientID("site"), JWSAlgorithm.ES256, keys)
          .validate(tokens.getOIDCTokens().getIDToken(), nonce);
      for (int i = 0; i < 2; i++) {
        java.net.http.HttpRequest info =
            java.net.http.HttpRequest.newBuilder(URI.create(via + "/oauth2/userinfo"))
                .header(
                    "Authorization", "Bearer " + tokens.getOIDCTokens().getAccessToken().getValue())
                .build();
        HttpResponse<String> claims =
            browser.on(via).http().send(info, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, claims.statusCode(), "userinfo on either instance: " + claims.body());
      }
      assertTrue(
          proxy.connectionsTo(0) >= 3 && proxy.connectionsTo(1) >= 3,
          "both instances served the flow: "
              + proxy.connectionsTo(0)
              + " and "
              + proxy.connectionsTo(1));
    }
  }

  /** userinfo on the instance at {@code base} with {@code accessToken}: its status. */
  private static int userInfoStatus(String base, String accessToken) throws Exception {
    java.net.http.HttpRequest info =
        java.net.http.HttpRequest.newBuilder(URI.create(base + "/oauth2/userinfo"))
            .header("Authorization", "Bearer " + accessToken)
            .build();
    return browser(base).http().send(info, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  @Order(8)
  void signingOutOnAEndsTheSessionsTokensOnBAtOnce() throws Exception {
    LoginClient browser = browser(baseA);
    CodeVerifier verifier = new CodeVerifier();
    URI start =
        new AuthenticationRequest.Builder(
                new ResponseType("code"), new Scope("openid"), new ClientID("site"), CALLBACK)
            .endpointURI(provider.getAuthorizationEndpointURI())
            .state(new State())
            .nonce(new Nonce())
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .build()
            .toURI();
    AuthenticationSuccessResponse success =
        assertInstanceOf(
            AuthenticationSuccessResponse.class,
            AuthenticationResponseParser.parse(signInThroughRedirects(browser, start)));
    OIDCTokenResponse tokens =
        assertInstanceOf(
            OIDCTokenResponse.class,
            token(
                baseA,
                new AuthorizationCodeGrant(success.getAuthorizationCode(), CALLBACK, verifier)));
    String access = tokens.getOIDCTokens().getAccessToken().getValue();
    // B has seen the session, the client and the account live.
    assertEquals(200, userInfoStatus(baseB, access));
    assertEquals(200, userInfoStatus(baseB, access));

    HttpResponse<String> account = browser.get("/account");
    String csrf = account.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    assertEquals(303, browser.post("/logout", Map.of("csrf", csrf), false).statusCode());

    assertEquals(401, userInfoStatus(baseB, access), "the session ended on A ends it on B");
    assertEquals(401, userInfoStatus(baseA, access));
  }

  @Test
  @Order(9)
  void aClientDisabledOnAIsRefusedOnBAtOnce() throws Exception {
    BrokerProcess.Completed added =
        BrokerProcess.run(
            work,
            envA,
            null,
            Duration.ofSeconds(60),
            "admin",
            "client",
            "add",
            "--name",
            "Ops tool",
            "--client-id",
            "ops",
            "--redirect-uri",
            CALLBACK.toString(),
            "--grant-type",
            "client_credentials");
    assertEquals(0, added.exitCode(), added.stderr());
    Matcher m = Pattern.compile("client secret: (\\S+)").matcher(added.stdout());
    assertTrue(m.find(), added.stdout());
    Secret opsSecret = new Secret(m.group(1));
    java.util.function.Supplier<TokenResponse> onB =
        () -> {
          try {
            URI endpoint =
                URI.create(provider.getTokenEndpointURI().toString().replace(baseA, baseB));
            TokenRequest request =
                new TokenRequest(
                    endpoint,
                    new ClientSecretBasic(new ClientID("ops"), opsSecret),
                    new com.nimbusds.oauth2.sdk.ClientCredentialsGrant());
            return TokenResponse.parse(
                NimbusHttp.send(browser(baseB).http(), request.toHTTPRequest()));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        };
    assertTrue(onB.get().indicatesSuccess(), "B knows the client");
    BrokerProcess.Completed disabled =
        BrokerProcess.run(
            work,
            envA,
            null,
            Duration.ofSeconds(60),
            "admin",
            "client",
            "update",
            "--client-id",
            "ops",
            "--disable");
    assertEquals(0, disabled.exitCode(), disabled.stderr());
    assertInstanceOf(TokenErrorResponse.class, onB.get(), "disabled on A, refused on B");
  }

  // ---- signing keys rotated on one instance ----

  /** What {@code admin keys rotate} says of the key it made: kid, signs from, signs until then. */
  private static final Pattern ROTATED =
      Pattern.compile(
          "new ES256 signing key ([^,\\s]+), published now; it signs from (\\S+) \\((\\S+)"
              + " signs until then\\)");

  /** An authorization request of the site with PKCE. */
  private static URI authorize(CodeVerifier verifier) {
    return new AuthenticationRequest.Builder(
            new ResponseType("code"), new Scope("openid"), new ClientID("site"), CALLBACK)
        .endpointURI(provider.getAuthorizationEndpointURI())
        .state(new State())
        .nonce(new Nonce())
        .codeChallenge(verifier, CodeChallengeMethod.S256)
        .build()
        .toURI();
  }

  /** The code in the answer that came back to the client, with its verifier. */
  private static AuthorizationCodeGrant codeGrant(URI back, CodeVerifier verifier)
      throws Exception {
    AuthenticationSuccessResponse success =
        assertInstanceOf(
            AuthenticationSuccessResponse.class, AuthenticationResponseParser.parse(back));
    return new AuthorizationCodeGrant(success.getAuthorizationCode(), CALLBACK, verifier);
  }

  /** A successful token answer of the instance at {@code base}. */
  private static OIDCTokenResponse tokens(String base, AuthorizationGrant grant) throws Exception {
    TokenResponse answer = token(base, grant);
    assertTrue(answer.indicatesSuccess(), base + ": " + answer.toHTTPResponse().getBody());
    return assertInstanceOf(OIDCTokenResponse.class, answer);
  }

  private static RefreshTokenGrant refresh(OIDCTokenResponse tokens) {
    return new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken());
  }

  /** The key id in the header of the ID token. */
  private static String kid(OIDCTokenResponse tokens) {
    return tokens.getOIDCTokens().getIDToken().getHeader().toJSONObject().get("kid").toString();
  }

  private static JWKSet jwks(String base) throws Exception {
    return JWKSet.parse(browser(base).get("/oauth2/jwks").body());
  }

  @Test
  @Order(10)
  void aKeyRotatedOnAIsPublishedByBAtOnceAndBothSignWithItOnlyFromItsStart() throws Exception {
    CodeVerifier verifier = new CodeVerifier();
    OIDCTokenResponse before =
        tokens(
            baseA,
            codeGrant(signInThroughRedirects(browser(baseA), authorize(verifier)), verifier));
    String oldKid = kid(before);

    String rotated = admin("keys", "rotate", "--alg", "ES256");
    Matcher made = ROTATED.matcher(rotated);
    assertTrue(made.find(), rotated);
    String newKid = made.group(1);
    Instant signsFrom = Instant.parse(made.group(2));
    assertEquals(oldKid, made.group(3), rotated);

    // B publishes it at once (the grid's announcement makes B re-read the keys), well before any
    // instance signs with it.
    await(
        "the new key in B's JWKS", Duration.ofSeconds(5), () -> jwks(baseB).getKeyByKeyId(newKid));
    assertTrue(Instant.now().isBefore(signsFrom.minusSeconds(20)), "published before it signs");
    BrokerProcess.Completed listedOnB =
        BrokerProcess.run(work, envB, null, ADMIN, "admin", "keys", "list");
    assertEquals(0, listedOnB.exitCode(), listedOnB.stderr());
    assertTrue(
        listedOnB
            .stdout()
            .lines()
            .anyMatch(
                l ->
                    l.startsWith(newKid + " ")
                        && l.contains(" next ")
                        && l.contains(signsFrom.toString())),
        "B agrees on when the key signs: " + listedOnB.stdout());

    // Until then both instances sign with the old key.
    OIDCTokenResponse duringLead = tokens(baseB, refresh(before));
    assertEquals(oldKid, kid(duringLead), "B signs with the old key during the lead");
    assertTrue(Instant.now().isBefore(signsFrom), "still within the lead");

    long wait = Duration.between(Instant.now(), signsFrom.plusSeconds(1)).toMillis();
    Thread.sleep(Math.max(0, wait));
    OIDCTokenResponse signedOnA = tokens(baseA, refresh(duringLead));
    assertEquals(newKid, kid(signedOnA), "A signs with the new key from its start");
    assertEquals(200, userInfoStatus(baseB, signedOnA.getOIDCTokens().getAccessToken().getValue()));
    new IDTokenValidator(
            provider.getIssuer(), new ClientID("site"), JWSAlgorithm.ES256, jwks(baseB))
        .validate(signedOnA.getOIDCTokens().getIDToken(), null);
    OIDCTokenResponse signedOnB = tokens(baseB, refresh(signedOnA));
    assertEquals(newKid, kid(signedOnB), "and so does B");
    assertEquals(200, userInfoStatus(baseA, signedOnB.getOIDCTokens().getAccessToken().getValue()));
    assertNotNull(jwks(baseA).getKeyByKeyId(oldKid), "the old key stays published");
  }

  // ---- one instance dies ----

  private static final Pattern META_REFRESH =
      Pattern.compile("http-equiv=\"refresh\" content=\"0;url=([^\"]+)\"");

  /**
   * Follows {@code answer}'s redirects with {@code browser}, on the instance it talks to, back to
   * the client (absolute URLs name the public URL, which is A's address: taken as paths).
   */
  private static URI backToClient(LoginClient browser, HttpResponse<String> answer)
      throws Exception {
    for (int hops = 0; hops < 10; hops++) {
      Matcher refresh = META_REFRESH.matcher(answer.body());
      String next;
      if (answer.statusCode() == 200 && refresh.find()) {
        next = refresh.group(1).replace("&amp;", "&");
      } else if (answer.statusCode() == 303 || answer.statusCode() == 302) {
        next = answer.headers().firstValue("location").orElseThrow();
      } else {
        throw new AssertionError("stopped at " + answer.statusCode() + ": " + answer.body());
      }
      if (next.startsWith(CALLBACK.toString())) {
        return URI.create(next);
      }
      answer = browser.fetch(next.startsWith(baseA) ? next.substring(baseA.length()) : next);
    }
    throw new AssertionError("too many redirects");
  }

  /** {@code POST /api/v1/payments} on {@code base} for {@code site}, asserting success. */
  private static Map<String, Object> payment(String base, CrmSite site, String ref)
      throws Exception {
    HttpResponse<String> answer = createPayment(base, site.token(), site.clientId() + "-" + ref);
    assertEquals(201, answer.statusCode(), base + ": " + answer.body());
    return JSONObjectUtils.parse(answer.body());
  }

  /** Stripe's {@code checkout.session.completed} event for {@code payment}, paid. */
  private static String completed(Map<String, Object> payment) {
    return FakeStripe.sessionEvent(
        "evt_" + UUID.randomUUID().toString().replace("-", ""),
        "checkout.session.completed",
        Instant.now().getEpochSecond(),
        payment,
        "paid");
  }

  @Test
  @Order(11)
  void whenADiesBGoesOnServingAndWhatAStartedCompletesOnB() throws Exception {
    // On A before the kill: a callback queued for a CRM that refuses it for now, a payment to
    // complete later, a refresh token, unredeemed codes, a pending sign-in, a login page.
    CrmSite site = crmSite("cms-crm-kill");
    crm.answer(site.path(), n -> 503);
    Map<String, Object> queued = payment(baseA, site, "queued");
    Map<String, Object> later = payment(baseA, site, "later");
    assertEquals(200, stripeSends(baseA, completed(queued)).statusCode());
    await(
        "a first delivery refused by the CRM",
        Duration.ofSeconds(60),
        () -> crm.received(site.path()).isEmpty() ? null : true);

    LoginClient pending = browser(baseA);
    CodeVerifier pendingVerifier = new CodeVerifier();
    HttpResponse<String> toLogin = pending.fetch(authorize(pendingVerifier).toString());
    assertEquals(303, toLogin.statusCode(), toLogin.body());
    String loginAt = toLogin.headers().firstValue("location").orElseThrow();
    assertTrue(loginAt.startsWith("/login?"), loginAt);
    String returnTo =
        URLDecoder.decode(
            loginAt.replaceAll(".*return_to=([^&]*).*", "$1"), StandardCharsets.UTF_8);
    FormConfig pendingPage = LoginClient.config(pending.fetch(loginAt).body());
    LoginClient onA = browser(baseA);
    FormConfig page = onA.open("/login");

    LoginClient withSession = browser(baseA);
    CodeVerifier first = new CodeVerifier();
    OIDCTokenResponse issuedByA =
        tokens(baseA, codeGrant(signInThroughRedirects(withSession, authorize(first)), first));
    // Signed in already: A answers with codes at once. They live 60 s. Each is a grid entry of
    // its own, on a partition either member may own: with four, at least one was almost surely
    // (15 in 16) A's own and is now read from B's backup copy.
    List<AuthorizationCodeGrant> unredeemed = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      CodeVerifier verifier = new CodeVerifier();
      unredeemed.add(codeGrant(signInThroughRedirects(withSession, authorize(verifier)), verifier));
    }

    a.kill();
    // First what expires soonest; B may hold the requests until it has taken over A's share of
    // the grid from the backup copies.
    for (int i = 0; i < unredeemed.size(); i++) {
      TokenResponse redeemed = token(baseB, unredeemed.get(i));
      assertTrue(
          redeemed.indicatesSuccess(), "code #" + i + ": " + redeemed.toHTTPResponse().getBody());
    }
    awaitGridSize(b, 1);
    for (AuthorizationCodeGrant code : unredeemed) {
      assertInstanceOf(TokenErrorResponse.class, token(baseB, code), "still single-use");
    }
    OIDCTokenResponse refreshedOnB = tokens(baseB, refresh(issuedByA));
    assertNotEquals(
        issuedByA.getOIDCTokens().getRefreshToken(),
        refreshedOnB.getOIDCTokens().getRefreshToken());

    // The sign-in pending on A completes on B, and B issues the tokens.
    LoginClient pendingOnB = pending.on(baseB);
    HttpResponse<String> signedInPending =
        pendingOnB.post(
            "/login",
            Map.of(
                "credentials",
                LoginClient.loginJwe(pendingPage, "ada", PASSWORD),
                "return_to",
                returnTo),
            false);
    OIDCTokenResponse issuedByB =
        tokens(baseB, codeGrant(backToClient(pendingOnB, signedInPending), pendingVerifier));
    assertEquals(200, userInfoStatus(baseB, issuedByB.getOIDCTokens().getAccessToken().getValue()));

    HttpResponse<String> signedIn =
        onA.on(baseB)
            .post(
                "/login", Map.of("credentials", LoginClient.loginJwe(page, "ada", PASSWORD)), true);
    assertEquals(303, signedIn.statusCode(), signedIn.body());
    assertEquals(200, browser(baseB).get("/health/ready").statusCode());

    // B takes Stripe's event, and delivers both callbacks: the one queued while A ran and the new.
    crm.answer(site.path(), n -> 204);
    HttpResponse<String> applied = stripeSends(baseB, completed(later));
    assertEquals(200, applied.statusCode(), applied.body());
    Set<Object> both = Set.of(queued.get("id"), later.get("id"));
    await(
        "both callbacks accepted by the CRM",
        Duration.ofSeconds(240),
        () -> {
          Set<Object> delivered = new HashSet<>();
          for (FakeCrm.Received r : crm.accepted(site.path())) {
            delivered.add(JSONObjectUtils.parse(r.body()).get("payment_id"));
          }
          return delivered.equals(both) ? true : null;
        });
    Thread.sleep(3_000);
    assertEquals(2, crm.accepted(site.path()).size(), "each once: " + crm.accepted(site.path()));
  }

  @Test
  @Order(12)
  void aRestartedRejoinsTheGridAndFinishesALoginStartedOnB() throws Exception {
    Files.createDirectories(work.resolve("a"));
    a = BrokerProcess.start(work, envA).awaitReady(BOOT);
    awaitGridSize(a, 2);
    LoginClient onB = browser(baseB);
    FormConfig page = onB.open("/login");
    String jwe = LoginClient.loginJwe(page, "ada", PASSWORD);
    String binding = onB.cookie("__Host-broker_login");
    HttpResponse<String> signedIn = onB.on(baseA).post("/login", Map.of("credentials", jwe), true);
    assertEquals(303, signedIn.statusCode(), signedIn.body());
    HttpResponse<String> replay =
        browser(baseB)
            .postRaw("/login", Map.of("credentials", jwe), "__Host-broker_login=" + binding);
    assertEquals(400, replay.statusCode(), replay.body());
  }
}
