package org.cmsbroker.logging;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Logger;

/**
 * Puts the {@link SecretMaskingFilter} in front of every log handler of the server when the
 * application starts, wherever it is deployed: under {@code broker.jar} every handler already has
 * it (and is left as it is); on a server started otherwise (the EAR on Payara Server, whose {@code
 * server.log} handlers know nothing of the broker) this is what masks its log. The filters put
 * there are taken away when the application stops, so an undeployed application leaves no class of
 * its own in the server's handlers.
 */
@Startup
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class LogMasking {
  private static final Logger LOG = Logger.getLogger(LogMasking.class.getName());

  private final List<Handler> installed = new ArrayList<>();

  @PostConstruct
  void start() {
    synchronized (installed) {
      int count = SecretMaskingFilter.installOnEveryHandler(installed);
      if (count > 0) {
        LOG.info(
            () ->
                "Log masking filter put in front of "
                    + count
                    + " log handler(s) of this server (card numbers, e-mail addresses, tokens and"
                    + " secret values are masked)");
      }
    }
  }

  @PreDestroy
  void stop() {
    synchronized (installed) {
      for (Handler handler : installed) {
        SecretMaskingFilter.uninstall(handler);
      }
      installed.clear();
    }
  }
}
