package org.cmsbroker.grid;

import com.hazelcast.core.HazelcastInstance;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.settings.ClusterName;

/**
 * Whether this instance shares short-lived state with others, and through what: with {@code
 * BROKER_CLUSTER_MEMBERS} set, Payara's Data Grid (the Hazelcast member Payara started, found in
 * JNDI at {@value #JNDI_NAME}), checked to run under the cluster name derived from {@code
 * BROKER_CLUSTER_SECRET}; otherwise nothing, and every store stays in this JVM's memory. Start-up
 * fails (this bean cannot be made) when members are configured but the grid is missing or was
 * started under another name, rather than running clustered state on one instance unnoticed.
 */
@ApplicationScoped
public class DataGrid {
  private static final Logger LOG = Logger.getLogger(DataGrid.class.getName());

  /** Where Payara binds its Hazelcast instance (its default JNDI name). */
  public static final String JNDI_NAME = "payara/Hazelcast";

  @Inject BrokerConfig config;
  @Inject SecureRandom random;

  private Grid grid;

  @PostConstruct
  void connect() {
    if (config.clusterMembers().isEmpty()) {
      LOG.info("No cluster members configured: short-lived state stays in this instance");
      return;
    }
    String secret =
        config
            .clusterSecret()
            .orElseThrow(() -> new IllegalStateException("BROKER_CLUSTER_SECRET is not set"));
    HazelcastInstance hazelcast;
    try {
      hazelcast = (HazelcastInstance) new InitialContext().lookup(JNDI_NAME);
    } catch (NamingException | ClassCastException e) {
      throw new IllegalStateException(
          "BROKER_CLUSTER_MEMBERS is set but Payara's Data Grid is not running"
              + " (start the broker with broker.jar)");
    }
    if (!ClusterName.of(secret).equals(hazelcast.getConfig().getClusterName())) {
      throw new IllegalStateException(
          "Payara's Data Grid does not run under the cluster name of BROKER_CLUSTER_SECRET"
              + " (start the broker with broker.jar)");
    }
    grid = new Grid(hazelcast, new GridCipher(secret, random));
    LOG.info(
        () -> "Short-lived state is shared in the data grid; members now: " + grid.memberCount());
  }

  /** The grid, when this instance is one of several; empty for a single instance. */
  public Optional<Grid> grid() {
    return Optional.ofNullable(grid);
  }
}
