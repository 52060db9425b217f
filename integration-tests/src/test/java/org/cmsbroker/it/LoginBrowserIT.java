package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.Browser;
import org.cmsbroker.it.support.Https;
import org.cmsbroker.it.support.SeedAccounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The login page in a real headless Chromium: the page's own script encrypts the password with
 * WebCrypto into a JWE, the broker decrypts it, and the person ends signed in. The captured form
 * post holds only the JWE, never the password.
 */
class LoginBrowserIT {
  static final String PASSWORD = "correct horse battery staple";
  private static BrokerProcess broker;
  private static Map<String, String> env;
  private static Path work;
  private static Path data;
  private static String base;
  private ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    work = BrokerHome.freshDirectory("browser");
    data = work.resolve("data");
    int https = BrokerHome.freePort();
    base = "https://localhost:" + https;
    // The embedded H2 default, as a new operator runs it.
    env =
        Map.of(
            "BROKER_DATA_DIR", data.toString(),
            "BROKER_HTTPS_PORT", Integer.toString(https),
            "BROKER_HTTP_PORT", "off");
    broker = BrokerProcess.start(work, env).awaitReady(Duration.ofSeconds(120));
    SeedAccounts.add(work, env, "ada", "ada@example.org", PASSWORD);
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void openBrowser() throws Exception {
    browser =
        Browser.start(
            Https.servedChain(data).get(0), BrokerHome.freshDirectory("chromium-profile"));
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  private void signIn(String username, String password) {
    browser.get(base + "/login");
    browser.findElement(By.id("username")).sendKeys(username);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
  }

  /** The bodies of the POSTs to /login the browser sent, from Chromium's network log. */
  private List<String> loginPosts() {
    List<String> posts = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
      String message = entry.getMessage();
      if (message.contains("\"Network.requestWillBeSent\"")
          && message.contains("\"method\":\"POST\"")
          && message.contains("/login\"")) {
        posts.add(message);
      }
    }
    return posts;
  }

  @Test
  void personTypesPasswordAndEndsSignedIn() {
    signIn("ada", PASSWORD);
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(ExpectedConditions.urlToBe(base + "/account"));
    assertEquals("Signed in", browser.findElement(By.tagName("h1")).getText());
    assertTrue(browser.getPageSource().contains("ada@example.org"));
    Cookie session = browser.manage().getCookieNamed("__Host-broker_session");
    assertNotNull(session, "session cookie");
    assertTrue(session.isSecure() && session.isHttpOnly(), "Secure; HttpOnly");
    assertEquals("/", session.getPath());
    assertEquals("Lax", session.getSameSite());

    browser.findElement(By.cssSelector("form[action='/logout'] button")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(ExpectedConditions.urlContains("/login?signed_out"));
    browser.get(base + "/account");
    assertTrue(browser.getCurrentUrl().startsWith(base + "/login"), "signed out on the server");
  }

  @Test
  void formPostCarriesOnlyTheJweNeverThePassword() {
    signIn("ada", PASSWORD);
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(ExpectedConditions.urlToBe(base + "/account"));
    List<String> posts = loginPosts();
    assertEquals(1, posts.size(), "one login post");
    String post = posts.get(0);
    assertTrue(post.contains("credentials=eyJ"), "the JWE is posted: " + post);
    String encoded = URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
    assertFalse(post.contains(PASSWORD), "no plaintext password");
    assertFalse(post.contains(encoded), "no form-encoded password");
    assertFalse(post.contains("password="), "no password field");
    assertFalse(post.contains("username="), "no plaintext username field");
  }

  @Test
  void wrongPasswordShowsTheSameMessageAsUnknownUser() {
    signIn("ada", "not the password at all");
    String wrong =
        new WebDriverWait(browser, Duration.ofSeconds(20))
            .until(ExpectedConditions.visibilityOfElementLocated(By.id("form-error")))
            .getText();
    signIn("nobody-here", "not the password at all");
    String unknown =
        new WebDriverWait(browser, Duration.ofSeconds(20))
            .until(ExpectedConditions.visibilityOfElementLocated(By.id("form-error")))
            .getText();
    assertEquals("The username or password is not correct.", wrong);
    assertEquals(wrong, unknown);
  }
}
