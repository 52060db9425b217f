package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.LoginClient.FormConfig;
import org.cmsbroker.it.support.NimbusHttp;
import org.cmsbroker.it.support.PostgresSchema;
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
 * finishes, what is single-use stays single-use across both, and failed logins count on both. Then
 * A dies: B goes on; A comes back and rejoins.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesIT {
  static final String PASSWORD = "correct horse battery staple";
  static final URI CALLBACK = URI.create("https://rp.example.org/oidc/callback");
  private static final Duration BOOT = Duration.ofSeconds(600);

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

  @Test
  @Order(5)
  void whenADiesBGoesOnServingAndALoginPageFromACompletesOnB() throws Exception {
    LoginClient onA = browser(baseA);
    FormConfig page = onA.open("/login");
    a.kill();
    awaitGridSize(b, 1);
    HttpResponse<String> signedIn =
        onA.on(baseB)
            .post(
                "/login", Map.of("credentials", LoginClient.loginJwe(page, "ada", PASSWORD)), true);
    assertEquals(303, signedIn.statusCode(), signedIn.body());
    assertEquals(200, browser(baseB).get("/health/ready").statusCode());
  }

  @Test
  @Order(6)
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
