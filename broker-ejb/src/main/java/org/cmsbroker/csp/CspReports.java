package org.cmsbroker.csp;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.config.BrokerConfig;

/**
 * Receives CSP violation reports for the broker's pages: parses them ({@link CspReportParser}),
 * counts each in its aggregate ({@link CspReportStore}) and logs at most one line a minute per
 * aggregate. Thread-safe.
 */
@ApplicationScoped
public class CspReports {
  private static final Logger LOG = Logger.getLogger(CspReports.class.getName());

  @Inject BrokerConfig config;
  @Inject CspReportStore store;
  @Inject Clock clock;

  private CspReportParser parser;
  private CspReportLog log;

  @PostConstruct
  void init() {
    parser = new CspReportParser(config.publicUrl());
    log = new CspReportLog(clock);
  }

  /** The parser for this broker's public origin. */
  public CspReportParser parser() {
    return parser;
  }

  /** Counts and, now and then, logs each violation. */
  public void receive(List<CspViolation> violations) {
    for (CspViolation violation : violations) {
      long count;
      try {
        count = store.record(violation);
      } catch (EJBException | PersistenceException e) {
        // Another report created the same aggregate at the same moment: now it exists.
        count = store.record(violation);
      }
      if (log.shouldLog(violation.aggregateKey())) {
        // Every value was reduced by the parser: bounded, printable, no URL beyond an origin.
        LOG.log(
            Level.WARNING,
            "CSP violation on {0}: {1} blocked {2} ({3}); {4} reported so far",
            new Object[] {
              violation.pagePath(),
              violation.effectiveDirective(),
              violation.blockedOrigin(),
              violation.disposition(),
              count
            });
      }
    }
  }

  /** The most recently seen aggregates, at most {@code limit}. */
  public List<CspAggregate> recent(int limit) {
    return store.recent(limit);
  }
}
