package org.cmsbroker.callback;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Starts a delivery run on a managed thread as soon as a transaction that enqueued (or replayed) a
 * callback has committed, so the CRM hears of a payment within moments, not at the next sweep. The
 * committing thread (for example a Stripe webhook request) never waits for the delivery. Runs never
 * overlap on one instance ({@link CallbackDispatchTimer#dispatchDue}); a trigger that cannot be run
 * is left to the sweep. Thread-safe.
 *
 * <p>Triggers are coalesced: while a run submitted for an earlier commit has not started yet, a
 * later commit submits nothing, because that run will see its message too. Without this, every
 * commit paid for a managed task (its context captured) and a call of the dispatcher bean, about a
 * tenth of a Stripe event's CPU under a burst of events, only to find a drain already going on.
 */
@ApplicationScoped
public class CallbackDispatchTrigger {
  private static final Logger LOG = Logger.getLogger(CallbackDispatchTrigger.class.getName());

  @EJB CallbackDispatchTimer dispatcher;
  @Resource ManagedExecutorService executor;

  /** Whether a run has been submitted and has not started yet. */
  private final AtomicBoolean submitted = new AtomicBoolean();

  void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) CallbackEnqueued event) {
    if (!submitted.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            // Cleared before the run looks for due messages: a commit from now on submits again.
            submitted.set(false);
            dispatcher.dispatchDue();
          });
    } catch (RejectedExecutionException e) {
      submitted.set(false);
      LOG.fine(() -> "callback " + event.messageId() + " waits for the next sweep: " + e);
    }
  }
}
