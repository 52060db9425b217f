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
import java.util.List;
import java.util.logging.Logger;
import org.cmsbroker.audit.AuditLog;
import org.cmsbroker.audit.AuditQuery;
import org.cmsbroker.audit.AuditVerification;
import org.cmsbroker.audit.SecurityEvent;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.backup.BackupService;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.csp.CspReports;
import org.cmsbroker.health.SelfCheck;
import org.cmsbroker.health.SelfCheckFinding;
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
  @Inject DataKeyAdministration dataKeys;
  @Inject CallbackAdministration callbacks;
  @Inject CspReports cspReports;
  @Inject StripeEventCounts stripeEvents;
  @Inject AuditLog audit;
  @Inject SelfCheck selfCheck;
  @Inject SecurityEvents events;
  @Inject BackupService backups;
  @Resource ManagedThreadFactory threads;

  private AdminSocketListener listener;

  @PostConstruct
  void start() {
    Path socket = config.dataDir().resolve(RUN_DIR).resolve(SOCKET_FILE);
    try {
      AdminCommands commands =
          new AdminCommands(accounts, clients, keys, callbacks)
              .withCspReports(cspReports::recent)
              .withStripeEvents(stripeEvents::counts)
              .withPaymentReview(stripeEvents::review)
              .withDataKeys(dataKeys)
              .withAudit(
                  new AuditAdministration() {
                    @Override
                    public AuditVerification verify() {
                      return audit.verifyWithCheckpoint();
                    }

                    @Override
                    public List<SecurityEvent> list(AuditQuery query) {
                      return audit.list(query);
                    }

                    @Override
                    public java.util.Optional<org.cmsbroker.audit.AuditArchive> prune(
                        java.time.Duration age) {
                      return audit.archiveAndPrune(age);
                    }

                    @Override
                    public List<SelfCheckFinding> selfCheck() {
                      return selfCheck.run();
                    }
                  })
              .withBackups(backups::create);
      listener =
          AdminSocketListener.open(
              socket, (request, peerUser) -> audited(commands, request, peerUser));
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

  /** The actor of every admin socket command in the audit log. */
  static final String ACTOR = "admin-socket";

  /** The source of every admin socket command in the audit log: this machine. */
  static final String SOURCE = "local";

  /** Runs {@code request} and records it in the audit log ({@link #record}). */
  private AdminResponse audited(AdminCommands commands, AdminRequest request, String peerUser) {
    AdminResponse response = commands.execute(request);
    try {
      record(events, request, response, peerUser);
    } catch (RuntimeException e) {
      LOG.warning(() -> "An admin command could not be recorded in the audit log: " + e);
    }
    return response;
  }

  /**
   * Records an admin socket command: type {@code admin.<command>}, actor {@value #ACTOR}, source
   * {@value #SOURCE}, its outcome, and the names it acted on (client id, algorithm, account id),
   * never a user name, password, key or secret; the connecting OS user ({@code os_user=}) when the
   * kernel told it.
   */
  static void record(
      SecurityEvents events, AdminRequest request, AdminResponse response, String peerUser) {
    StringBuilder detail = new StringBuilder("via=admin-socket");
    if (peerUser != null && peerUser.matches("[A-Za-z0-9._-]{1,32}")) {
      detail.append(" os_user=").append(peerUser);
    }
    for (String name : AUDITED_PARAMETERS) {
      List<String> values = request.all(name);
      if (!values.isEmpty()) {
        detail.append(' ').append(name).append('=').append(String.join(",", values));
      }
    }
    if (!response.isOk()) {
      detail.append(" error=").append(response.errorCode());
    }
    String command = request.command() == null ? "unknown" : request.command();
    events.record(
        "admin." + (command.matches("[a-z_.]{1,40}") ? command : "unknown"),
        response.isOk() ? Outcome.SUCCESS : Outcome.FAILURE,
        ACTOR,
        request.all("client_id").isEmpty() ? null : request.all("client_id").get(0),
        SOURCE,
        detail.toString());
  }

  /** Parameters whose values name what a command acted on; none of them is ever a secret. */
  private static final List<String> AUDITED_PARAMETERS =
      List.of("client_id", "alg", "status", "type", "account", "client", "out");

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
