package org.cmsbroker.it.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium through Debian's chromedriver (nothing is downloaded), trusting
 * exactly the broker's key (by its SPKI hash) and recording network events so a test can read what
 * the page posted.
 */
public final class Browser {
  public static final String CHROMIUM = "/usr/bin/chromium";
  public static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  private Browser() {}

  public static ChromeDriver start(X509Certificate brokerCertificate, Path profileDir)
      throws Exception {
    return start(brokerCertificate, profileDir, new String[0]);
  }

  /**
   * As {@link #start(X509Certificate, Path)}, with more Chromium switches, for example {@code
   * --host-resolver-rules=MAP *.stripe.com ~NOTFOUND} so that a page's requests to a third party
   * fail at once instead of waiting for a network the tests do not have.
   */
  public static ChromeDriver start(
      X509Certificate brokerCertificate, Path profileDir, String... extraArguments)
      throws Exception {
    if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
      throw new IllegalStateException(
          "Chromium is missing: apt-get install chromium chromium-driver (.ci/run does this)");
    }
    String spki =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(brokerCertificate.getPublicKey().getEncoded()));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--user-data-dir=" + profileDir,
        "--ignore-certificate-errors-spki-list=" + spki);
    options.addArguments(extraArguments);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return driver;
  }
}
