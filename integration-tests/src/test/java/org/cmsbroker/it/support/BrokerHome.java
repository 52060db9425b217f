package org.cmsbroker.it.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Where the build put broker.jar, and a fresh working directory per test. */
public final class BrokerHome {
  private BrokerHome() {}

  /** {@code broker-web/target}: broker.jar, broker.war and lib/. */
  public static Path home() {
    return Path.of(System.getProperty("broker.home", "../broker-web/target"))
        .toAbsolutePath()
        .normalize();
  }

  public static Path brokerJar() {
    return home().resolve("broker.jar");
  }

  /** A new, empty directory under {@code target/it-work}. */
  public static Path freshDirectory(String prefix) throws IOException {
    Path work = Path.of(System.getProperty("it.work", "target/it-work")).toAbsolutePath();
    Files.createDirectories(work);
    return Files.createDirectory(
        work.resolve(prefix + "-" + UUID.randomUUID().toString().substring(0, 8)));
  }

  /** A port that was free a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
