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

  /** Ports handed out by {@link #freePort} in this JVM. */
  private static final java.util.Set<Integer> HANDED_OUT =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A port that was free a moment ago and that this JVM has not handed out before: the system may
   * give the same ephemeral port to two sockets opened one after the other, and a broker with its
   * HTTPS and HTTP port equal refuses to start.
   */
  public static int freePort() throws IOException {
    for (int tries = 0; tries < 100; tries++) {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        socket.setReuseAddress(true);
        port = socket.getLocalPort();
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IOException("no fresh free port after 100 tries");
  }
}
