package org.cmsbroker.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Before any test runs, prepares a data directory with {@code broker.jar prepare} (the same TLS
 * material, hardening commands and system properties the launcher uses) and publishes, as system
 * properties, the options that arquillian.xml hands to the stock payara-micro.jar. So the
 * Arquillian deployment runs the real WAR with the real TLS configuration.
 */
public final class PreparedRuntime implements LauncherSessionListener {
  public static final String DATA_DIR = "it.arquillian.data.dir";
  public static final String HTTPS_PORT = "it.arquillian.https.port";
  public static final String HTTP_PORT = "it.arquillian.http.port";

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (System.getProperty(DATA_DIR) != null || !Files.isRegularFile(BrokerHome.brokerJar())) {
      return;
    }
    try {
      Path work = BrokerHome.freshDirectory("arquillian");
      Path data = work.resolve("data");
      int https = BrokerHome.freePort();
      int http = BrokerHome.freePort();
      try (BrokerProcess prepare =
          BrokerProcess.start(
              work,
              Map.of(
                  "BROKER_DATA_DIR", data.toString(),
                  "BROKER_HTTPS_PORT", Integer.toString(https),
                  "BROKER_HTTP_PORT", Integer.toString(http)),
              "prepare")) {
        int code = prepare.awaitExit(Duration.ofSeconds(120));
        if (code != 0) {
          throw new IllegalStateException("broker.jar prepare failed: " + prepare.stderr());
        }
      }
      Path runtime = data.resolve("runtime");
      String microOptions =
          Files.readString(runtime.resolve("micro-options"), StandardCharsets.UTF_8).trim();
      System.setProperty(
          "arquillian.cmdOptions", "-Xmx384m -XX:+UseSerialGC @" + runtime.resolve("jvm-options"));
      System.setProperty("arquillian.microOptions", microOptions + " --port " + http);
      System.setProperty(DATA_DIR, data.toString());
      System.setProperty(HTTPS_PORT, Integer.toString(https));
      System.setProperty(HTTP_PORT, Integer.toString(http));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
