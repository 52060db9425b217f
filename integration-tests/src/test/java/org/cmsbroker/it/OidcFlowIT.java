package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.Prompt;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.UserInfoSuccessResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.NimbusHttp;
import org.cmsbroker.it.support.PostgresSchema;
import org.cmsbroker.it.support.SeedAccounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A standards-following relying party built only from the Nimbus SDK's client side talks to the
 * running broker: discovery, the code flow with PKCE through the real (encrypted) login form,
 * ID-token validation against the JWKS, userinfo, refresh with rotation and reuse detection,
 * introspection, revocation and logout; and one test per protocol error. The whole class runs on
 * the default H2 database and on PostgreSQL (one broker per database), so the atomic code
 * redemption and refresh rotation are proven on both.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"H2", "PostgreSQL"})
class OidcFlowIT {
  /** The database this run uses ({@link #start} receives the same value). */
  @Parameter String database;

  static final String PASSWORD = "correct horse battery staple";
  static final URI CALLBACK = URI.create("https://rp.example.org/oidc/callback");
  static final String AUDIENCE = "https://api.example.org/cms";
  static final String ADMIN_NETWORK = "10.9.0.0/16";
  private static BrokerProcess broker;
  private static Path work;
  private static Path data;
  private static Map<String, String> env;
  private static String base;
  private static PostgresSchema schema;
  private static OIDCProviderMetadata provider;
  private static ClientID clientId = new ClientID("site");
  private static Secret secret;
  private static ClientID publicClient = new ClientID("spa");

  /** The whole class runs once per database: the default H2 and PostgreSQL. */
  @BeforeParameterizedClassInvocation
  static void start(String database) throws Exception {
    work = BrokerHome.freshDirectory("oidc-" + database.toLowerCase(java.util.Locale.ROOT));
    data = work.resolve("data");
    int https = BrokerHome.freePort();
    base = "https://localhost:" + https;
    Map<String, String> settings = new java.util.HashMap<>();
    settings.put("BROKER_DATA_DIR", data.toString());
    settings.put("BROKER_HTTPS_PORT", Integer.toString(https));
    settings.put("BROKER_HTTP_PORT", "off");
    settings.put("BROKER_TOKEN_ACCESS_AUDIENCE", AUDIENCE);
    // The back-channel logout receiver listens on loopback: allow it.
    settings.put("BROKER_OUTBOUND_ALLOWED_CIDRS", "127.0.0.0/8");
    // The test plays a reverse proxy on loopback for the admin page, which only an admin network
    // may use.
    settings.put("BROKER_TRUSTED_PROXIES", "127.0.0.1,::1");
    settings.put("BROKER_ADMIN_ALLOWED_CIDRS", ADMIN_NETWORK);
    if (database.equals("PostgreSQL")) {
      schema = new PostgresSchema();
      settings.put("BROKER_DB_URL", schema.url());
      settings.put("BROKER_DB_USER", PostgresSchema.USER);
    }
    env = Map.copyOf(settings);
    broker = BrokerProcess.start(work, env).awaitReady(Duration.ofSeconds(300));
    if (schema != null) {
      try (var c = schema.connect();
          var rs = c.createStatement().executeQuery("SELECT count(*) FROM flyway_schema_history")) {
        rs.next();
        org.junit.jupiter.api.Assertions.assertTrue(rs.getInt(1) > 0, "migrated on PostgreSQL");
      }
    }
    SeedAccounts.add(work, env, "ada", "ada@example.org", PASSWORD);
    BrokerProcess.Completed root =
        BrokerProcess.run(
            work,
            env,
            PASSWORD + "\n",
            Duration.ofSeconds(60),
            "admin",
            "user",
            "add",
            "--username",
            "root",
            "--email",
            "root@example.org",
            "--role",
            "admin");
    assertEquals(0, root.exitCode(), root.stderr());
    secret =
        new Secret(
            admin(
                "client",
                "add",
                "--name",
                "Example site",
                "--client-id",
                "site",
                "--redirect-uri",
                CALLBACK.toString(),
                "--post-logout-redirect-uri",
                "https://rp.example.org/",
                "--roles-claim",
                "Roles"));
    admin(
        "client",
        "add",
        "--name",
        "Single page app",
        "--client-id",
        "spa",
        "--public",
        "--redirect-uri",
        "http://127.0.0.1:9/cb");
    HttpResponse<String> discovery = client().get("/.well-known/openid-configuration");
    assertEquals(200, discovery.statusCode());
    provider = OIDCProviderMetadata.parse(discovery.body());
  }

  /** Runs an admin command; returns the secret line's value, if any. */
  private static String admin(String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = "admin";
    System.arraycopy(args, 0, all, 1, args.length);
    BrokerProcess.Completed run = BrokerProcess.run(work, env, null, Duration.ofSeconds(60), all);
    assertEquals(0, run.exitCode(), run.stderr());
    Matcher m = Pattern.compile("client secret: (\\S+)").matcher(run.stdout());
    return m.find() ? m.group(1) : null;
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
      broker = null;
    }
    if (schema != null) {
      schema.close();
      schema = null;
    }
  }

  private static LoginClient client() throws Exception {
    return new LoginClient(data, base);
  }

  /** What a finished code flow gives the relying party. */
  record Flow(LoginClient browser, AuthorizationCode code, CodeVerifier verifier, Nonce nonce) {}

  private static AuthenticationRequest.Builder request(
      ClientID client, URI callback, State state, Nonce nonce, CodeVerifier verifier) {
    AuthenticationRequest.Builder b =
        new AuthenticationRequest.Builder(
                new ResponseType("code"), new Scope("openid", "profile", "email"), client, callback)
            .endpointURI(provider.getAuthorizationEndpointURI())
            .state(state)
            .nonce(nonce);
    if (verifier != null) {
      b.codeChallenge(verifier, CodeChallengeMethod.S256);
    }
    return b;
  }

  /** The browser's way through authorize, login and back, as redirects. */
  private static URI browse(LoginClient browser, URI start, boolean signIn) throws Exception {
    return browse(browser, start, signIn, "ada");
  }

  private static URI browse(LoginClient browser, URI start, boolean signIn, String username)
      throws Exception {
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
      if (location.startsWith("https://rp") || location.startsWith("http://127.0.0.1:9/")) {
        return URI.create(location);
      }
      if (location.startsWith("/login") && signIn) {
        HttpResponse<String> page = browser.fetch(location);
        LoginClient.FormConfig config = LoginClient.config(page.body());
        String returnTo =
            URLDecoder.decode(
                location.replaceAll(".*return_to=([^&]*).*", "$1"), StandardCharsets.UTF_8);
        answer =
            browser.post(
                "/login",
                Map.of(
                    "credentials",
                    LoginClient.loginJwe(config, username, PASSWORD),
                    "return_to",
                    returnTo),
                false);
        continue;
      }
      answer = browser.fetch(location);
    }
    throw new AssertionError("too many redirects");
  }

  private static Flow codeFlow() throws Exception {
    return codeFlow(clientId, CALLBACK);
  }

  private static Flow codeFlow(ClientID client, URI callback) throws Exception {
    return codeFlow(client, callback, "ada");
  }

  private static Flow codeFlow(ClientID client, URI callback, String username) throws Exception {
    LoginClient browser = client();
    CodeVerifier verifier = new CodeVerifier();
    Nonce nonce = new Nonce();
    State state = new State();
    URI back =
        browse(
            browser,
            request(client, callback, state, nonce, verifier).build().toURI(),
            true,
            username);
    AuthenticationResponse response = AuthenticationResponseParser.parse(back);
    AuthenticationSuccessResponse success =
        assertInstanceOf(AuthenticationSuccessResponse.class, response);
    assertEquals(state, success.getState());
    assertEquals(provider.getIssuer(), success.getIssuer(), "RFC 9207 iss");
    return new Flow(browser, success.getAuthorizationCode(), verifier, nonce);
  }

  private static TokenResponse token(AuthorizationGrant grant, boolean post) throws Exception {
    return token(grant, post, clientId, secret);
  }

  private static TokenResponse token(
      AuthorizationGrant grant, boolean post, ClientID id, Secret key) throws Exception {
    TokenRequest request =
        new TokenRequest(
            provider.getTokenEndpointURI(),
            post ? new ClientSecretPost(id, key) : new ClientSecretBasic(id, key),
            grant);
    return OIDCTokenResponseParser.parse(NimbusHttp.send(client().http(), request.toHTTPRequest()));
  }

  private static JWKSet jwks() throws Exception {
    return JWKSet.parse(client().get("/oauth2/jwks").body());
  }

  private static boolean active(String token) throws Exception {
    TokenIntrospectionRequest request =
        new TokenIntrospectionRequest(
            provider.getIntrospectionEndpointURI(),
            new ClientSecretBasic(clientId, secret),
            new BearerAccessToken(token));
    TokenIntrospectionResponse answer =
        TokenIntrospectionResponse.parse(NimbusHttp.send(client().http(), request.toHTTPRequest()));
    return assertInstanceOf(TokenIntrospectionSuccessResponse.class, answer).isActive();
  }

  @Test
  void relyingPartyCompletesTheWholeFlowWithNoBrokerSpecificCode() throws Exception {
    assertEquals(base, provider.getIssuer().getValue());
    Flow flow = codeFlow();
    OIDCTokenResponse tokens =
        assertInstanceOf(
            OIDCTokenResponse.class,
            token(new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier()), false));

    IDTokenClaimsSet id =
        new IDTokenValidator(provider.getIssuer(), clientId, JWSAlgorithm.ES256, jwks())
            .validate(tokens.getOIDCTokens().getIDToken(), flow.nonce());
    assertEquals("ada", id.getStringClaim("preferred_username"));
    assertEquals("ada@example.org", id.getStringClaim("email"));
    assertNotNull(id.getStringClaim("sid"));

    BearerAccessToken access = tokens.getOIDCTokens().getBearerAccessToken();
    assertEquals(
        "at+jwt",
        com.nimbusds.jwt.SignedJWT.parse(access.getValue()).getHeader().getType().getType());
    UserInfoResponse info =
        UserInfoResponse.parse(
            NimbusHttp.send(
                client().http(),
                new UserInfoRequest(provider.getUserInfoEndpointURI(), access).toHTTPRequest()));
    assertEquals(
        id.getSubject(),
        assertInstanceOf(UserInfoSuccessResponse.class, info).getUserInfo().getSubject());
    assertEquals(
        "ada@example.org", ((UserInfoSuccessResponse) info).getUserInfo().getEmailAddress());

    RefreshToken first = tokens.getOIDCTokens().getRefreshToken();
    assertNotNull(first, "a refresh token");
    OIDCTokenResponse refreshed =
        assertInstanceOf(OIDCTokenResponse.class, token(new RefreshTokenGrant(first), true));
    RefreshToken second = refreshed.getOIDCTokens().getRefreshToken();
    assertNotEquals(first, second, "refresh tokens rotate");
    assertTrue(active(refreshed.getOIDCTokens().getAccessToken().getValue()));

    // Revocation (RFC 7009) of the access token, then of the refresh token.
    String accessValue = refreshed.getOIDCTokens().getAccessToken().getValue();
    HTTPResponse revoked =
        NimbusHttp.send(
            client().http(),
            new TokenRevocationRequest(
                    provider.getRevocationEndpointURI(),
                    new ClientSecretBasic(clientId, secret),
                    new BearerAccessToken(accessValue))
                .toHTTPRequest());
    assertEquals(200, revoked.getStatusCode());
    assertFalse(active(accessValue), "revoked access token is inactive");
    NimbusHttp.send(
        client().http(),
        new TokenRevocationRequest(
                provider.getRevocationEndpointURI(),
                new ClientSecretBasic(clientId, secret),
                second)
            .toHTTPRequest());
    assertInstanceOf(TokenErrorResponse.class, token(new RefreshTokenGrant(second), false));
  }

  @Test
  void reusingARefreshTokenRevokesItsWholeFamily() throws Exception {
    Flow flow = codeFlow();
    OIDCTokenResponse tokens =
        (OIDCTokenResponse)
            token(new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier()), false);
    RefreshToken first = tokens.getOIDCTokens().getRefreshToken();
    RefreshToken second =
        ((OIDCTokenResponse) token(new RefreshTokenGrant(first), false))
            .getOIDCTokens()
            .getRefreshToken();
    TokenErrorResponse reuse =
        assertInstanceOf(TokenErrorResponse.class, token(new RefreshTokenGrant(first), false));
    assertEquals("invalid_grant", reuse.getErrorObject().getCode());
    assertInstanceOf(
        TokenErrorResponse.class, token(new RefreshTokenGrant(second), false), "family revoked");
  }

  @Test
  void aCodeUsedTwiceIsRefusedAndRevokesWhatItIssued() throws Exception {
    Flow flow = codeFlow();
    AuthorizationCodeGrant grant =
        new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier());
    OIDCTokenResponse tokens = (OIDCTokenResponse) token(grant, false);
    TokenErrorResponse again = assertInstanceOf(TokenErrorResponse.class, token(grant, false));
    assertEquals("invalid_grant", again.getErrorObject().getCode());
    assertInstanceOf(
        TokenErrorResponse.class,
        token(new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken()), false));
    assertFalse(
        active(tokens.getOIDCTokens().getAccessToken().getValue()),
        "the access token of the first use is revoked too");
  }

  @Test
  void wrongPkceVerifierIsInvalidGrant() throws Exception {
    Flow flow = codeFlow();
    TokenErrorResponse error =
        assertInstanceOf(
            TokenErrorResponse.class,
            token(new AuthorizationCodeGrant(flow.code(), CALLBACK, new CodeVerifier()), false));
    assertEquals("invalid_grant", error.getErrorObject().getCode());
  }

  @Test
  void wrongClientSecretIsInvalidClientWith401() throws Exception {
    TokenRequest request =
        new TokenRequest(
            provider.getTokenEndpointURI(),
            new ClientSecretBasic(clientId, new Secret("wrong-secret-value")),
            new ClientCredentialsGrant(),
            new Scope("payments"));
    HTTPResponse answer = NimbusHttp.send(client().http(), request.toHTTPRequest());
    assertEquals(401, answer.getStatusCode());
    assertEquals("invalid_client", TokenErrorResponse.parse(answer).getErrorObject().getCode());
  }

  @Test
  void clientCredentialsGivesAServerToServerToken() throws Exception {
    TokenResponse answer = token(new ClientCredentialsGrant(), false);
    assertTrue(answer.indicatesSuccess(), String.valueOf(answer));
    String access = answer.toSuccessResponse().getTokens().getAccessToken().getValue();
    assertEquals("site", com.nimbusds.jwt.SignedJWT.parse(access).getJWTClaimsSet().getSubject());
  }

  @Test
  void unsupportedGrantTypeIsRefused() throws Exception {
    HttpResponse<String> answer =
        client()
            .http()
            .send(
                java.net.http.HttpRequest.newBuilder(provider.getTokenEndpointURI())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header(
                        "Authorization",
                        new ClientSecretBasic(clientId, secret).toHTTPAuthorizationHeader())
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "grant_type=password&username=ada&password=x"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(400, answer.statusCode());
    assertTrue(answer.body().contains("unsupported_grant_type"), answer.body());
  }

  @Test
  void unknownClientGetsAnErrorPageNeverARedirect() throws Exception {
    URI start =
        request(new ClientID("nobody"), CALLBACK, new State(), new Nonce(), new CodeVerifier())
            .build()
            .toURI();
    HttpResponse<String> answer = client().fetch(start.toString());
    assertEquals(400, answer.statusCode());
    assertTrue(answer.headers().firstValue("location").isEmpty());
  }

  @Test
  void redirectUriThatIsNotRegisteredGetsAnErrorPage() throws Exception {
    URI start =
        request(
                clientId,
                URI.create("https://evil.example/cb"),
                new State(),
                new Nonce(),
                new CodeVerifier())
            .build()
            .toURI();
    HttpResponse<String> answer = client().fetch(start.toString());
    assertEquals(400, answer.statusCode());
    assertTrue(answer.headers().firstValue("location").isEmpty());
  }

  @Test
  void publicClientWithoutPkceIsRefused() throws Exception {
    URI start =
        request(publicClient, URI.create("http://127.0.0.1:9/cb"), new State(), new Nonce(), null)
            .build()
            .toURI();
    URI back =
        URI.create(client().fetch(start.toString()).headers().firstValue("location").orElseThrow());
    assertTrue(back.getQuery().contains("error=invalid_request"), back.toString());
  }

  @Test
  void promptNoneWithoutASessionIsLoginRequired() throws Exception {
    URI start =
        request(clientId, CALLBACK, new State(), new Nonce(), new CodeVerifier())
            .prompt(new Prompt(Prompt.Type.NONE))
            .build()
            .toURI();
    URI back =
        URI.create(client().fetch(start.toString()).headers().firstValue("location").orElseThrow());
    assertTrue(back.getQuery().contains("error=login_required"), back.toString());
  }

  @Test
  void scopeWithoutOpenidIsInvalidScope() throws Exception {
    URI start =
        new AuthenticationRequest.Builder(
                new ResponseType("code"), new Scope("openid"), clientId, CALLBACK)
            .endpointURI(provider.getAuthorizationEndpointURI())
            .state(new State())
            .nonce(new Nonce())
            .build()
            .toURI();
    String query = start.getRawQuery().replace("scope=openid", "scope=profile");
    URI back =
        URI.create(
            client()
                .fetch(provider.getAuthorizationEndpointURI() + "?" + query)
                .headers()
                .firstValue("location")
                .orElseThrow());
    assertTrue(
        back.getQuery().contains("error=invalid_scope")
            || back.getQuery().contains("error=invalid_request"),
        back.toString());
  }

  @Test
  void tamperedAndUnsignedAccessTokensAreRefusedAtUserinfo() throws Exception {
    Flow flow = codeFlow();
    String access =
        token(new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier()), false)
            .toSuccessResponse()
            .getTokens()
            .getAccessToken()
            .getValue();
    String[] parts = access.split("\\.");
    JWTClaimsSet claims =
        JWTClaimsSet.parse(
            new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    JWTClaimsSet widened = new JWTClaimsSet.Builder(claims).subject("someone-else").build();
    String tampered =
        parts[0]
            + "."
            + com.nimbusds.jose.util.Base64URL.encode(widened.toString())
            + "."
            + parts[2];
    String unsigned = new PlainJWT(claims).serialize();
    for (String bad :
        List.of(tampered, unsigned, access.substring(0, access.length() - 4) + "AAAA")) {
      HTTPResponse answer =
          NimbusHttp.send(
              client().http(),
              new UserInfoRequest(provider.getUserInfoEndpointURI(), new BearerAccessToken(bad))
                  .toHTTPRequest());
      assertEquals(401, answer.getStatusCode(), bad);
    }
  }

  @Test
  void signingOutEndsTheTokensOfTheSession() throws Exception {
    Flow flow = codeFlow();
    OIDCTokenResponse tokens =
        (OIDCTokenResponse)
            token(new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier()), false);
    String access = tokens.getOIDCTokens().getAccessToken().getValue();
    assertTrue(active(access));
    HttpResponse<String> account = flow.browser().get("/account");
    String csrf = account.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    assertEquals(303, flow.browser().post("/logout", Map.of("csrf", csrf), false).statusCode());
    assertFalse(active(access), "introspection: inactive after logout");
    assertInstanceOf(
        TokenErrorResponse.class,
        token(new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken()), false));
  }

  @Test
  void rpInitiatedLogoutEndsTheSessionRedirectsAndNotifiesByBackChannel() throws Exception {
    java.util.concurrent.BlockingQueue<String> received =
        new java.util.concurrent.LinkedBlockingQueue<>();
    com.sun.net.httpserver.HttpServer rp =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    rp.createContext(
        "/backchannel",
        exchange -> {
          received.add(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    rp.start();
    try {
      URI callback = URI.create("https://rp2.example.org/cb");
      Secret bclSecret =
          new Secret(
              admin(
                  "client",
                  "add",
                  "--name",
                  "Back-channel site",
                  "--client-id",
                  "bcl",
                  "--redirect-uri",
                  callback.toString(),
                  "--post-logout-redirect-uri",
                  "https://rp2.example.org/bye",
                  "--backchannel-logout-uri",
                  "http://127.0.0.1:" + rp.getAddress().getPort() + "/backchannel"));
      ClientID bcl = new ClientID("bcl");
      Flow flow = codeFlow(bcl, callback);
      OIDCTokenResponse tokens =
          (OIDCTokenResponse)
              token(
                  new AuthorizationCodeGrant(flow.code(), callback, flow.verifier()),
                  false,
                  bcl,
                  bclSecret);
      String idToken = tokens.getOIDCTokens().getIDTokenString();
      String sid = tokens.getOIDCTokens().getIDToken().getJWTClaimsSet().getStringClaim("sid");

      HttpResponse<String> foreign =
          flow.browser()
              .fetch(
                  "/oauth2/logout?client_id=bcl&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F");
      assertEquals(200, foreign.statusCode(), "an unregistered post-logout URI asks to confirm");
      assertTrue(foreign.body().contains("Sign out?"), foreign.body());
      assertTrue(foreign.headers().firstValue("location").isEmpty(), "never a redirect there");

      HttpResponse<String> out =
          flow.browser()
              .fetch(
                  "/oauth2/logout?id_token_hint="
                      + idToken
                      + "&post_logout_redirect_uri=https%3A%2F%2Frp2.example.org%2Fbye&state=s123");
      assertEquals(303, out.statusCode(), out.body());
      assertEquals(
          "https://rp2.example.org/bye?state=s123",
          out.headers().firstValue("location").orElse(null));
      assertEquals(303, flow.browser().get("/account").statusCode(), "signed out on the broker");

      String body = received.poll(15, java.util.concurrent.TimeUnit.SECONDS);
      assertNotNull(body, "a logout token arrived");
      String logoutToken =
          URLDecoder.decode(body.substring("logout_token=".length()), StandardCharsets.UTF_8);
      var claims =
          new com.nimbusds.openid.connect.sdk.validators.LogoutTokenValidator(
                  provider.getIssuer(), bcl, JWSAlgorithm.ES256, jwks())
              .validate(com.nimbusds.jwt.JWTParser.parse(logoutToken));
      assertEquals(sid, claims.getSessionID().getValue());
    } finally {
      rp.stop(0);
    }
  }

  @Test
  void logoutWithoutAHintAsksForConfirmation() throws Exception {
    Flow flow = codeFlow();
    HttpResponse<String> page = flow.browser().fetch("/oauth2/logout?client_id=site");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("Sign out?"), page.body());
    assertEquals(
        200, flow.browser().get("/account").statusCode(), "still signed in until confirmed");
  }

  @Test
  void aRotatedKeyIsPublishedAtOnceWhileTheOldKeySignsOnAndStaysPublished() throws Exception {
    Flow flow = codeFlow();
    OIDCTokenResponse tokens =
        (OIDCTokenResponse)
            token(new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier()), false);
    String oldKid =
        tokens.getOIDCTokens().getIDToken().getHeader().toJSONObject().get("kid").toString();
    BrokerProcess.Completed rotated =
        BrokerProcess.run(
            work, env, null, Duration.ofSeconds(60), "admin", "keys", "rotate", "--alg", "ES256");
    assertEquals(0, rotated.exitCode(), rotated.stderr());
    Matcher made =
        Pattern.compile(
                "^new ES256 signing key ([^,\\s]+), published now; it signs from (\\S+) \\((\\S+)"
                    + " signs until then\\)")
            .matcher(rotated.stdout());
    assertTrue(made.find(), rotated.stdout());
    String newKid = made.group(1);
    assertEquals(oldKid, made.group(3), "the old key signs until the new one's lead is over");
    assertTrue(
        Instant.parse(made.group(2)).isAfter(Instant.now().plusSeconds(30)),
        "a new key signs only after the publication lead: " + made.group(2));
    JWKSet after = jwks();
    assertNotNull(after.getKeyByKeyId(oldKid), "the old key is still published");
    assertNotNull(after.getKeyByKeyId(newKid), "the new key is published at once");
    assertTrue(after.getKeys().size() >= 3, "old and new ES256 keys plus the RS256 key");
    new IDTokenValidator(provider.getIssuer(), clientId, JWSAlgorithm.ES256, after)
        .validate(tokens.getOIDCTokens().getIDToken(), flow.nonce());
    HTTPResponse info =
        NimbusHttp.send(
            client().http(),
            new UserInfoRequest(
                    provider.getUserInfoEndpointURI(),
                    tokens.getOIDCTokens().getBearerAccessToken())
                .toHTTPRequest());
    assertEquals(200, info.getStatusCode(), "an access token signed before rotation still works");
    OIDCTokenResponse refreshed =
        (OIDCTokenResponse)
            token(new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken()), false);
    assertEquals(
        oldKid,
        refreshed.getOIDCTokens().getIDToken().getHeader().toJSONObject().get("kid").toString(),
        "during the publication lead new tokens are still signed with the old key");
    new IDTokenValidator(provider.getIssuer(), clientId, JWSAlgorithm.ES256, jwks())
        .validate(refreshed.getOIDCTokens().getIDToken(), null);
  }

  /**
   * {@code GET /admin/self-check} with {@code token} (or none), as if forwarded for {@code from}.
   */
  private static HttpResponse<String> selfCheck(String token, String from) throws Exception {
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(URI.create(base + "/admin/self-check")).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (from != null) {
      b.header("X-Forwarded-For", from);
    }
    return client().http().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String accessTokenOf(String username) throws Exception {
    Flow flow = codeFlow(clientId, CALLBACK, username);
    OIDCTokenResponse tokens =
        assertInstanceOf(
            OIDCTokenResponse.class,
            token(new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier()), false));
    return tokens.getOIDCTokens().getAccessToken().getValue();
  }

  @Test
  void adminSelfCheckNeedsAnAdminsActiveTokenFromTheAdminNetworkAndEveryDecisionIsAudited()
      throws Exception {
    String inside = "10.9.4.2";
    HttpResponse<String> none = selfCheck(null, inside);
    assertEquals(401, none.statusCode(), none.body());
    assertEquals(
        "Bearer realm=\"broker-admin\"", none.headers().firstValue("www-authenticate").get());

    String adas = accessTokenOf("ada");
    HttpResponse<String> notAdmin = selfCheck(adas, inside);
    assertEquals(403, notAdmin.statusCode(), notAdmin.body());
    assertTrue(notAdmin.body().contains("\"error\":\"access_denied\""), notAdmin.body());

    String roots = accessTokenOf("root");
    HttpResponse<String> outside = selfCheck(roots, "203.0.113.9");
    assertEquals(403, outside.statusCode(), outside.body());
    assertTrue(outside.body().contains("BROKER_ADMIN_ALLOWED_CIDRS"), outside.body());
    HttpResponse<String> direct = selfCheck(roots, null);
    assertEquals(403, direct.statusCode(), "loopback is not in the admin network");

    HttpResponse<String> forged = selfCheck(roots + "x", inside);
    assertEquals(401, forged.statusCode(), forged.body());
    assertTrue(
        forged.headers().firstValue("www-authenticate").get().contains("invalid_token"),
        forged.headers().toString());

    HttpResponse<String> report = selfCheck(roots, inside);
    assertEquals(200, report.statusCode(), report.body());
    Map<String, Object> json = com.nimbusds.jose.util.JSONObjectUtils.parse(report.body());
    assertTrue(json.containsKey("ok"), report.body());
    assertTrue(report.body().contains("\"check\":\"tls-certificate\""), report.body());
    assertTrue(report.body().contains("\"check\":\"audit-chain\""), report.body());
    assertFalse(report.body().contains(roots), "never the token");

    BrokerProcess.Completed listed =
        BrokerProcess.run(
            work, env, null, Duration.ofSeconds(60), "admin", "audit", "list", "--json");
    assertEquals(0, listed.exitCode(), listed.stderr());
    String audit = listed.stdout();
    assertTrue(audit.contains("admin.http.self_check"), "admin page decisions are audited");
    assertTrue(audit.contains(inside), "with the client's address");
    assertTrue(audit.contains("203.0.113.9"), "refusals by address are audited too");
    assertFalse(audit.contains(roots), "never the token");

    // Revoking the token closes the page at once.
    TokenRevocationRequest revoke =
        new TokenRevocationRequest(
            provider.getRevocationEndpointURI(),
            new ClientSecretBasic(clientId, secret),
            new BearerAccessToken(roots));
    assertEquals(200, NimbusHttp.send(client().http(), revoke.toHTTPRequest()).getStatusCode());
    assertEquals(401, selfCheck(roots, inside).statusCode(), "a revoked token is refused");
  }

  @Test
  void fourSimultaneousLoginsOfOneAccountAllSucceed() throws Exception {
    int n = 4;
    List<LoginClient> browsers = new java.util.ArrayList<>();
    List<LoginClient.FormConfig> pages = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      LoginClient browser = client();
      browsers.add(browser);
      pages.add(browser.open("/login"));
    }
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(n);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(n);
    try {
      List<java.util.concurrent.Future<HttpResponse<String>>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        LoginClient browser = browsers.get(i);
        String jwe = LoginClient.loginJwe(pages.get(i), "ada", PASSWORD);
        answers.add(
            pool.submit(
                () -> {
                  together.await();
                  return browser.post("/login", Map.of("credentials", jwe), false);
                }));
      }
      for (var answer : answers) {
        HttpResponse<String> signedIn = answer.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(303, signedIn.statusCode(), signedIn.body());
      }
    } finally {
      pool.shutdownNow();
    }
    for (LoginClient browser : browsers) {
      assertEquals(200, browser.get("/account").statusCode(), "each browser has its own session");
    }
  }

  /** Sends {@code request} twice at the same moment; returns both answers. */
  private static List<HTTPResponse> twice(TokenRequest request) throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.Callable<HTTPResponse> send =
          () -> {
            LoginClient own = client();
            start.await(30, java.util.concurrent.TimeUnit.SECONDS);
            return NimbusHttp.send(own.http(), request.toHTTPRequest());
          };
      var a = pool.submit(send);
      var b = pool.submit(send);
      return List.of(
          a.get(60, java.util.concurrent.TimeUnit.SECONDS),
          b.get(60, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertOneWinner(List<HTTPResponse> answers) throws Exception {
    long ok = answers.stream().filter(r -> r.getStatusCode() == 200).count();
    for (HTTPResponse r : answers) {
      assertTrue(r.getStatusCode() == 200 || r.getStatusCode() == 400, "no 500: " + r.getBody());
      if (r.getStatusCode() == 400) {
        assertEquals("invalid_grant", TokenErrorResponse.parse(r).getErrorObject().getCode());
      }
    }
    assertEquals(1, ok, "exactly one winner");
  }

  @Test
  void twoSimultaneousRedemptionsOfOneCodeHaveExactlyOneWinner() throws Exception {
    Flow flow = codeFlow();
    assertOneWinner(
        twice(
            new TokenRequest(
                provider.getTokenEndpointURI(),
                new ClientSecretBasic(clientId, secret),
                new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier()))));
  }

  @Test
  void twoSimultaneousUsesOfOneRefreshTokenHaveExactlyOneWinner() throws Exception {
    Flow flow = codeFlow();
    OIDCTokenResponse tokens =
        (OIDCTokenResponse)
            token(new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier()), false);
    assertOneWinner(
        twice(
            new TokenRequest(
                provider.getTokenEndpointURI(),
                new ClientSecretBasic(clientId, secret),
                new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken()))));
  }

  @Test
  void aRefusedRefreshDoesNotSpendTheToken() throws Exception {
    Flow flow = codeFlow();
    RefreshToken refresh =
        ((OIDCTokenResponse)
                token(new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier()), false))
            .getOIDCTokens()
            .getRefreshToken();
    TokenErrorResponse widened =
        assertInstanceOf(
            TokenErrorResponse.class,
            OIDCTokenResponseParser.parse(
                NimbusHttp.send(
                    client().http(),
                    new TokenRequest(
                            provider.getTokenEndpointURI(),
                            new ClientSecretBasic(clientId, secret),
                            new RefreshTokenGrant(refresh),
                            new Scope("openid", "payments"))
                        .toHTTPRequest())));
    assertEquals("invalid_scope", widened.getErrorObject().getCode());
    assertTrue(
        token(new RefreshTokenGrant(refresh), false).indicatesSuccess(),
        "the refused refresh left the token usable");
  }

  @Test
  void aCodeReplayedByAnotherClientRevokesNothing() throws Exception {
    Secret otherSecret =
        new Secret(
            admin(
                "client",
                "add",
                "--name",
                "Other site",
                "--client-id",
                "other",
                "--redirect-uri",
                "https://other.example.org/cb"));
    Flow flow = codeFlow();
    AuthorizationCodeGrant grant =
        new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier());
    OIDCTokenResponse tokens = (OIDCTokenResponse) token(grant, false);
    assertInstanceOf(
        TokenErrorResponse.class, token(grant, false, new ClientID("other"), otherSecret));
    assertTrue(
        active(tokens.getOIDCTokens().getAccessToken().getValue()),
        "another client's replay did not revoke the tokens");
    assertTrue(
        token(new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken()), false)
            .indicatesSuccess());
  }

  @Test
  void aServerScopeNeverReachesAPersonsToken() throws Exception {
    LoginClient browser = client();
    CodeVerifier verifier = new CodeVerifier();
    State state = new State();
    URI start =
        new AuthenticationRequest.Builder(
                new ResponseType("code"),
                new Scope("openid", "payments", "email"),
                clientId,
                CALLBACK)
            .endpointURI(provider.getAuthorizationEndpointURI())
            .state(state)
            .nonce(new Nonce())
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .build()
            .toURI();
    AuthenticationSuccessResponse success =
        (AuthenticationSuccessResponse)
            AuthenticationResponseParser.parse(browse(browser, start, true));
    OIDCTokenResponse tokens =
        (OIDCTokenResponse)
            token(
                new AuthorizationCodeGrant(success.getAuthorizationCode(), CALLBACK, verifier),
                false);
    String scope =
        com.nimbusds.jwt.SignedJWT.parse(tokens.getOIDCTokens().getAccessToken().getValue())
            .getJWTClaimsSet()
            .getStringClaim("scope");
    assertFalse(scope.contains("payments"), scope);
    assertTrue(scope.contains("openid"), scope);
  }

  @Test
  void introspectionReportsTheConfiguredAccessTokenAudience() throws Exception {
    Flow flow = codeFlow();
    OIDCTokenResponse tokens =
        (OIDCTokenResponse)
            token(new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier()), false);
    TokenIntrospectionSuccessResponse answer =
        (TokenIntrospectionSuccessResponse)
            TokenIntrospectionResponse.parse(
                NimbusHttp.send(
                    client().http(),
                    new TokenIntrospectionRequest(
                            provider.getIntrospectionEndpointURI(),
                            new ClientSecretBasic(clientId, secret),
                            tokens.getOIDCTokens().getAccessToken())
                        .toHTTPRequest()));
    assertEquals(AUDIENCE, answer.getAudience().get(0).getValue());
  }

  @Test
  void formPostResponseModeAnswersWithAnAutoSubmittingForm() throws Exception {
    Flow first = codeFlow();
    URI start =
        request(clientId, CALLBACK, new State("fp-state"), new Nonce(), new CodeVerifier())
            .responseMode(com.nimbusds.oauth2.sdk.ResponseMode.FORM_POST)
            .build()
            .toURI();
    HttpResponse<String> page = first.browser().fetch(start.toString());
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("action=\"" + CALLBACK + "\""), page.body());
    assertTrue(page.body().contains("name=\"code\""), page.body());
    assertTrue(page.body().contains("value=\"fp-state\""), page.body());
    String csp = page.headers().firstValue("content-security-policy").orElseThrow();
    assertTrue(csp.contains("form-action https://rp.example.org;"), csp);
    assertTrue(csp.contains("script-src 'nonce-"), csp);
    assertTrue(
        provider.getResponseModes().contains(com.nimbusds.oauth2.sdk.ResponseMode.FORM_POST));
  }

  @Test
  void anUnsupportedResponseModeIsAClearErrorNeverA500() throws Exception {
    Flow first = codeFlow();
    URI start =
        request(clientId, CALLBACK, new State(), new Nonce(), new CodeVerifier())
            .responseMode(new com.nimbusds.oauth2.sdk.ResponseMode("query.jwt"))
            .build()
            .toURI();
    HttpResponse<String> answer = first.browser().fetch(start.toString());
    assertEquals(303, answer.statusCode(), answer.body());
    String location = answer.headers().firstValue("location").orElseThrow();
    assertTrue(location.startsWith(CALLBACK + "?"), location);
    assertTrue(location.contains("error=invalid_request"), location);
  }

  @Test
  void malformedResumeOrHintValuesGiveAPageNeverA500() throws Exception {
    LoginClient browser = client();
    HttpResponse<String> resume =
        browser.fetch("/oauth2/authorize?resume=%25ZZ" + "x".repeat(5000));
    assertEquals(400, resume.statusCode(), resume.body());
    HttpResponse<String> hint = browser.fetch("/oauth2/logout?id_token_hint=not.a.jwt&state=s");
    assertTrue(hint.statusCode() < 500, hint.body());
  }

  @Test
  void anAccessTokenIsNotAnIdTokenHint() throws Exception {
    Flow flow = codeFlow();
    OIDCTokenResponse tokens =
        (OIDCTokenResponse)
            token(new AuthorizationCodeGrant(flow.code(), CALLBACK, flow.verifier()), false);
    HttpResponse<String> out =
        flow.browser()
            .fetch(
                "/oauth2/logout?client_id=site&id_token_hint="
                    + tokens.getOIDCTokens().getAccessToken().getValue()
                    + "&post_logout_redirect_uri=https%3A%2F%2Frp.example.org%2F");
    assertEquals(200, out.statusCode(), "asks to confirm instead of ending at once");
    assertTrue(out.body().contains("Sign out?"), out.body());
    assertEquals(200, flow.browser().get("/account").statusCode(), "still signed in");
    HttpResponse<String> real =
        flow.browser()
            .fetch(
                "/oauth2/logout?id_token_hint="
                    + tokens.getOIDCTokens().getIDTokenString()
                    + "&post_logout_redirect_uri=https%3A%2F%2Frp.example.org%2F");
    assertEquals(303, real.statusCode(), real.body());
    assertEquals("https://rp.example.org/", real.headers().firstValue("location").orElse(null));
  }
}
