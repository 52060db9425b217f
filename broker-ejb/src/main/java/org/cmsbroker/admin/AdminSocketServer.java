package org.cmsbroker.admin;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.csp.CspReports;
import org.cmsbroker.webhook.StripeEventCounts;

/**
 * Opens the admin socket at {@code <data dir>/run/admin.sock} at start-up and serves it on one
 * managed thread; closes and deletes it at shutdown. If the socket cannot be opened the broker runs
 * on without it, after one warning.
 */
@Startup
@Singleton
@DependsOn("LoginComponents")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class AdminSocketServer {
  static final String RUN_DIR = "run";
  static final String SOCKET_FILE = "admin.sock";

  private static final Logger LOG = Logger.getLogger(AdminSocketServer.class.getName());

  @Inject BrokerConfig config;
  @Inject AccountAdministration accounts;
  @Inject ClientAdministration clients;
  @Inject KeyAdministration keys;
  @Inject CallbackAdministration callbacks;
  @Inject CspReports cspReports;
  @Inject StripeEventCounts stripeEvents;
  @Resource ManagedThreadFactory threads;

  private AdminSocketListener listener;

  @PostConstruct
  void start() {
    Path socket = config.dataDir().resolve(RUN_DIR).resolve(SOCKET_FILE);
    try {
      listener =
          AdminSocketListener.open(
              socket,
              new AdminCommands(accounts, clients, keys, callbacks)
                      .withCspReports(cspReports::recent)
                      .withStripeEvents(stripeEvents::counts)
                      .withPaymentReview(stripeEvents::review)
                  ::execute);
      threads.newThread(listener::serve).start();
      LOG.info(() -> "Admin socket listening at " + socket);
    } catch (IOException | RuntimeException e) {
      LOG.warning(
          "Admin socket "
              + socket
              + " could not be opened ("
              + e
              + "); the admin commands will not reach this broker");
      closeQuietly();
    }
  }

  @PreDestroy
  void stop() {
    closeQuietly();
  }

  private void closeQuietly() {
    if (listener != null) {
      try {
        listener.close();
      } catch (IOException e) {
        LOG.fine(() -> "Admin socket: " + e.getMessage());
      }
      listener = null;
    }
  }
}
