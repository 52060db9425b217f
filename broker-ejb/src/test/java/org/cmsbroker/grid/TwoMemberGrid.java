package org.cmsbroker.grid;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.cmsbroker.settings.ClusterName;

/**
 * Two real Hazelcast members on loopback, joined by TCP/IP under the cluster name of one secret, as
 * two broker instances run them; for tests of the grid-backed stores. Close it to shut both down.
 */
public final class TwoMemberGrid implements AutoCloseable {
  public static final String SECRET = "a-test-cluster-secret-of-forty-characters";

  private final List<HazelcastInstance> members = new ArrayList<>();
  private final Grid a;
  private final Grid b;
  private final int[] ports = {freePort(), freePort()};

  public TwoMemberGrid() {
    members.add(Hazelcast.newHazelcastInstance(config(ClusterName.of(SECRET), ports[0])));
    members.add(Hazelcast.newHazelcastInstance(config(ClusterName.of(SECRET), ports[1])));
    a = new Grid(members.get(0), new GridCipher(SECRET, new SecureRandom()));
    b = new Grid(members.get(1), new GridCipher(SECRET, new SecureRandom()));
  }

  /** The grid as the first instance sees it. */
  public Grid a() {
    return a;
  }

  /** The grid as the second instance sees it. */
  public Grid b() {
    return b;
  }

  /** The first member itself, for raw access. */
  public HazelcastInstance memberA() {
    return members.get(0);
  }

  /**
   * Starts a third member that lists the two as its peers but runs under {@code clusterName}; the
   * caller shuts it down.
   */
  public HazelcastInstance stranger(String clusterName) {
    return Hazelcast.newHazelcastInstance(config(clusterName, freePort()));
  }

  private Config config(String clusterName, int port) {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.join.seconds", "5");
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig()
        .setEnabled(true)
        .addMember("127.0.0.1:" + ports[0])
        .addMember("127.0.0.1:" + ports[1]);
    return config;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    members.forEach(HazelcastInstance::shutdown);
  }
}
