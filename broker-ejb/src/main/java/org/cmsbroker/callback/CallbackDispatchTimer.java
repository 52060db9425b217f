package org.cmsbroker.callback;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every 20 seconds, leases due callback messages for this broker instance and delivers them, one
 * short transaction per step and no transaction while sending. Does nothing until a {@link
 * CallbackTargets} bean exists.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigrator")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class CallbackDispatchTimer {
  private static final Logger LOG = Logger.getLogger(CallbackDispatchTimer.class.getName());

  static final int BATCH = 10;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Long enough for a whole batch to time out, so a live lease is never taken over. */
  static final Duration LEASE =
      CONNECT_TIMEOUT.plus(REQUEST_TIMEOUT).multipliedBy(BATCH).plusSeconds(30);

  @EJB CallbackOutbox outbox;
  @Inject Instance<CallbackTargets> targets;

  private final String owner = "broker-" + UUID.randomUUID();
  private final AtomicBoolean running = new AtomicBoolean();
  private final HttpSender sender = new JdkHttpSender(CONNECT_TIMEOUT, REQUEST_TIMEOUT);

  @Schedule(hour = "*", minute = "*", second = "*/20", persistent = false)
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public void dispatchDue() {
    if (!targets.isResolvable() || !running.compareAndSet(false, true)) {
      return;
    }
    try {
      Dispatcher dispatcher = new Dispatcher(targets.get(), sender, Clock.systemUTC());
      for (LeasedMessage message : outbox.claimDue(owner, BATCH, LEASE)) {
        DeliveryOutcome outcome = dispatcher.deliver(message);
        if (outcome instanceof DeliveryOutcome.Delivered delivered) {
          outbox.markDelivered(message.id(), owner, delivered.statusCode());
        } else if (outcome instanceof DeliveryOutcome.Failure failure) {
          outbox
              .markFailed(message.id(), owner, failure)
              .filter(s -> s == CallbackStatus.DEAD)
              .ifPresent(
                  s -> LOG.warning("callback " + message.id() + " is dead: " + failure.error()));
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "callback dispatch failed; the next run retries", e);
    } finally {
      running.set(false);
    }
  }
}
