package org.cmsbroker.callback;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;

/**
 * Starts a delivery run on a managed thread as soon as a transaction that enqueued (or replayed) a
 * callback has committed, so the CRM hears of a payment within moments, not at the next sweep. The
 * committing thread (for example a Stripe webhook request) never waits for the delivery. Runs never
 * overlap on one instance ({@link CallbackDispatchTimer#dispatchDue}); a trigger that cannot be run
 * is left to the sweep. Thread-safe.
 */
@ApplicationScoped
public class CallbackDispatchTrigger {
  private static final Logger LOG = Logger.getLogger(CallbackDispatchTrigger.class.getName());

  @EJB CallbackDispatchTimer dispatcher;
  @Resource ManagedExecutorService executor;

  void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) CallbackEnqueued event) {
    try {
      executor.execute(dispatcher::dispatchDue);
    } catch (RejectedExecutionException e) {
      LOG.fine(() -> "callback " + event.messageId() + " waits for the next sweep: " + e);
    }
  }
}
