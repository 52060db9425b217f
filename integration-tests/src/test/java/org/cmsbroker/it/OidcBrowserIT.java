package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.Browser;
import org.cmsbroker.it.support.Https;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.NimbusHttp;
import org.cmsbroker.it.support.SeedAccounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The code flow as a person lives it, in headless Chromium: the CMS (a relying party on loopback)
 * sends the browser to the broker, the person types into the real login page (its script encrypts
 * the password), and the browser lands back at the CMS with a code that the relying party, built
 * from the Nimbus SDK, exchanges and validates.
 */
class OidcBrowserIT {
  private static BrokerProcess broker;
  private static Path work;
  private static Path data;
  private static Map<String, String> env;
  private static String base;
  private static HttpServer rp;
  private static final BlockingQueue<URI> CALLBACKS = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    work = BrokerHome.freshDirectory("oidc-browser");
    data = work.resolve("data");
    int https = BrokerHome.freePort();
    base = "https://localhost:" + https;
    env =
        Map.of(
            "BROKER_DATA_DIR", data.toString(),
            "BROKER_HTTPS_PORT", Integer.toString(https),
            "BROKER_HTTP_PORT", "off");
    broker = BrokerProcess.start(work, env).awaitReady(Duration.ofSeconds(300));
    SeedAccounts.add(work, env, "grace", "grace@example.org", "flow-matic compiler 1959");
    rp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    rp.createContext(
        "/callback",
        exchange -> {
          CALLBACKS.add(
              URI.create(
                  "http://127.0.0.1:" + rp.getAddress().getPort() + exchange.getRequestURI()));
          byte[] page = "<!DOCTYPE html><title>CMS</title><h1>Back at the site</h1>".getBytes();
          exchange.getResponseHeaders().add("Content-Type", "text/html");
          exchange.sendResponseHeaders(200, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
    rp.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (rp != null) {
      rp.stop(0);
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void personSignsInThroughTheBrokerAndTheSiteGetsVerifiedTokens() throws Exception {
    URI callback = URI.create("http://127.0.0.1:" + rp.getAddress().getPort() + "/callback");
    BrokerProcess.Completed added =
        BrokerProcess.run(
            work,
            env,
            null,
            Duration.ofSeconds(60),
            "admin",
            "client",
            "add",
            "--name",
            "Example CiviCRM",
            "--client-id",
            "civicrm",
            "--redirect-uri",
            callback.toString(),
            "--id-token-alg",
            "RS256");
    assertEquals(0, added.exitCode(), added.stderr());
    Matcher m = Pattern.compile("client secret: (\\S+)").matcher(added.stdout());
    assertTrue(m.find());
    Secret secret = new Secret(m.group(1));
    ClientID clientId = new ClientID("civicrm");

    LoginClient http = new LoginClient(data, base);
    OIDCProviderMetadata provider =
        OIDCProviderMetadata.parse(http.get("/.well-known/openid-configuration").body());
    CodeVerifier verifier = new CodeVerifier();
    Nonce nonce = new Nonce();
    State state = new State();
    URI authorize =
        new AuthenticationRequest.Builder(
                new ResponseType("code"),
                new Scope("openid", "profile", "email"),
                clientId,
                callback)
            .endpointURI(provider.getAuthorizationEndpointURI())
            .state(state)
            .nonce(nonce)
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .build()
            .toURI();

    ChromeDriver browser =
        Browser.start(Https.servedChain(data).get(0), BrokerHome.freshDirectory("chromium-oidc"));
    try {
      browser.get(authorize.toString());
      assertTrue(browser.getCurrentUrl().startsWith(base + "/login"), browser.getCurrentUrl());
      assertTrue(browser.getPageSource().contains("Example CiviCRM"), "the page names the site");
      browser.findElement(By.id("username")).sendKeys("grace");
      browser.findElement(By.id("password")).sendKeys("flow-matic compiler 1959");
      browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
      URI back = CALLBACKS.poll(30, TimeUnit.SECONDS);
      assertTrue(
          back != null, "the browser came back to the site; it is at " + browser.getCurrentUrl());
      AuthenticationSuccessResponse success =
          assertInstanceOf(
              AuthenticationSuccessResponse.class, AuthenticationResponseParser.parse(back));
      assertEquals(state, success.getState());

      TokenRequest exchange =
          new TokenRequest(
              provider.getTokenEndpointURI(),
              new ClientSecretBasic(clientId, secret),
              new AuthorizationCodeGrant(success.getAuthorizationCode(), callback, verifier));
      OIDCTokenResponse tokens =
          assertInstanceOf(
              OIDCTokenResponse.class,
              OIDCTokenResponseParser.parse(
                  NimbusHttp.send(http.http(), exchange.toHTTPRequest())));
      IDTokenClaimsSet claims =
          new IDTokenValidator(
                  provider.getIssuer(),
                  clientId,
                  JWSAlgorithm.RS256,
                  JWKSet.parse(http.get("/oauth2/jwks").body()))
              .validate(tokens.getOIDCTokens().getIDToken(), nonce);
      assertEquals("grace", claims.getStringClaim("preferred_username"));
    } finally {
      browser.quit();
    }
  }

  /** Registers a confidential client whose redirect URI is the relying party's callback. */
  private static URI registerSite(String clientId, String... extra) throws Exception {
    URI callback = URI.create("http://127.0.0.1:" + rp.getAddress().getPort() + "/callback");
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "admin",
                "client",
                "add",
                "--name",
                "Site " + clientId,
                "--client-id",
                clientId,
                "--redirect-uri",
                callback.toString()));
    args.addAll(java.util.List.of(extra));
    BrokerProcess.Completed added =
        BrokerProcess.run(work, env, null, Duration.ofSeconds(60), args.toArray(String[]::new));
    assertEquals(0, added.exitCode(), added.stderr());
    return callback;
  }

  private static String authorizeUrl(String clientId, URI callback, String extra) throws Exception {
    return new AuthenticationRequest.Builder(
                new ResponseType("code"),
                new Scope("openid", "profile"),
                new ClientID(clientId),
                callback)
            .endpointURI(URI.create(base + "/oauth2/authorize"))
            .state(new State())
            .nonce(new Nonce())
            .codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256)
            .build()
            .toURI()
        + extra;
  }

  private static void typeCredentials(ChromeDriver browser) {
    browser.findElement(By.id("username")).sendKeys("grace");
    browser.findElement(By.id("password")).sendKeys("flow-matic compiler 1959");
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
  }

  /** Signs in through an authorization and waits for the browser to come back to the site. */
  private static URI signInThrough(ChromeDriver browser, String authorize) throws Exception {
    browser.get(authorize);
    assertTrue(browser.getCurrentUrl().startsWith(base + "/login"), browser.getCurrentUrl());
    typeCredentials(browser);
    URI back = CALLBACKS.poll(30, TimeUnit.SECONDS);
    assertTrue(back != null, "back at the site; the browser is at " + browser.getCurrentUrl());
    return back;
  }

  private static ChromeDriver browser(String name) throws Exception {
    CALLBACKS.clear();
    return Browser.start(Https.servedChain(data).get(0), BrokerHome.freshDirectory(name));
  }

  @Test
  void promptLoginAsksAgainEvenWithAnyParameterAdded() throws Exception {
    URI callback = registerSite("prompt-site");
    ChromeDriver browser = browser("chromium-prompt");
    try {
      signInThrough(browser, authorizeUrl("prompt-site", callback, ""));
      for (String extra :
          java.util.List.of(
              "&prompt=login&_fresh_after=1",
              "&prompt=login&_fresh_after=99999999999",
              "&prompt=login&force=1&auth_time=99999999999")) {
        browser.get(authorizeUrl("prompt-site", callback, extra));
        assertTrue(
            browser.getCurrentUrl().startsWith(base + "/login"),
            extra + " skipped the login: " + browser.getCurrentUrl());
        assertTrue(CALLBACKS.isEmpty(), "no code reached the site without a new login");
      }
      typeCredentials(browser);
      URI back = CALLBACKS.poll(30, TimeUnit.SECONDS);
      assertTrue(back != null, "the new login completes it; at " + browser.getCurrentUrl());
      assertInstanceOf(
          AuthenticationSuccessResponse.class, AuthenticationResponseParser.parse(back));
    } finally {
      browser.quit();
    }
  }

  @Test
  void maxAgeZeroCompletesAfterOneLogin() throws Exception {
    URI callback = registerSite("maxage-site");
    ChromeDriver browser = browser("chromium-maxage");
    try {
      URI back = signInThrough(browser, authorizeUrl("maxage-site", callback, "&max_age=0"));
      assertInstanceOf(
          AuthenticationSuccessResponse.class, AuthenticationResponseParser.parse(back));
    } finally {
      browser.quit();
    }
  }

  @Test
  void logoutWithAnUnregisteredPostLogoutUriEndsTheSession() throws Exception {
    URI callback =
        registerSite(
            "logout-site",
            "--post-logout-redirect-uri",
            "https://wp.example/wp-login.php?loggedout=true");
    ChromeDriver browser = browser("chromium-logout");
    try {
      signInThrough(browser, authorizeUrl("logout-site", callback, ""));
      browser.get(
          base
              + "/oauth2/logout?client_id=logout-site&post_logout_redirect_uri="
              + java.net.URLEncoder.encode(
                  "https://wp.example/wp-login.php?loggedout=true&wp_lang=en_US",
                  java.nio.charset.StandardCharsets.UTF_8));
      assertTrue(browser.getPageSource().contains("Sign out?"), browser.getPageSource());
      browser
          .findElement(By.cssSelector("form[action='/oauth2/logout'] button[type=submit]"))
          .click();
      assertTrue(
          browser.getCurrentUrl().startsWith(base + "/oauth2/logout"),
          "the broker's own page, not the unregistered address: " + browser.getCurrentUrl());
      assertTrue(browser.getPageSource().contains("You have signed out"), browser.getPageSource());
      browser.get(authorizeUrl("logout-site", callback, ""));
      assertTrue(
          browser.getCurrentUrl().startsWith(base + "/login"),
          "the next authorization shows the login page: " + browser.getCurrentUrl());
      assertTrue(CALLBACKS.isEmpty(), "no silent code after the logout");
    } finally {
      browser.quit();
    }
  }
}
