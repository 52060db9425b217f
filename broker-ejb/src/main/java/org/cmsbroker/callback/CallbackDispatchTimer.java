package org.cmsbroker.callback;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.config.SettingNames;

/**
 * Leases due callback messages for this broker instance and delivers them, one short transaction
 * per step and no transaction while sending: at once when {@link CallbackDispatchTrigger} asks (a
 * commit enqueued a message), and every {@link SettingNames#CALLBACK_POLL_INTERVAL} seconds as a
 * sweep for retries and for messages the trigger missed (for example those queued before a
 * restart). Does nothing until a {@link CallbackTargets} bean exists.
 *
 * <p>Each message goes to the {@link CallbackDelivery} bean of its client's {@link CallbackFormat}.
 * One run at a time per instance: a request that arrives during a run makes that run go round once
 * more, so nothing committed meanwhile waits for the sweep. A message that goes dead is recorded as
 * the security event {@code callback.dead}.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigrator")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class CallbackDispatchTimer {
  private static final Logger LOG = Logger.getLogger(CallbackDispatchTimer.class.getName());

  /**
   * Messages leased at a time: one, so a lease covers a single send and an instance that dies
   * mid-run strands at most one message, for at most {@link #LEASE}, rather than a whole batch.
   */
  static final int BATCH = 1;

  /** Leases per run at most, so one run cannot go on forever on messages that fail at once. */
  static final int MAX_BATCHES = 200;

  /**
   * Long enough for one delivery to time out, so a live lease is never taken over. Deliveries keep
   * each attempt within {@link StandardWebhooksDelivery#CONNECT_TIMEOUT} plus {@link
   * StandardWebhooksDelivery#REQUEST_TIMEOUT}.
   */
  static final Duration LEASE =
      StandardWebhooksDelivery.CONNECT_TIMEOUT
          .plus(StandardWebhooksDelivery.REQUEST_TIMEOUT)
          .multipliedBy(BATCH)
          .plusSeconds(30);

  @EJB CallbackOutbox outbox;
  @Inject Instance<CallbackTargets> targets;
  @Inject @Any Instance<CallbackDelivery> deliveries;
  @Inject BrokerConfig config;
  @Inject SecurityEvents events;
  @Resource TimerService timers;

  private final String owner = "broker-" + UUID.randomUUID();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean wanted = new AtomicBoolean();
  private volatile boolean stopping;

  /** How long shutting down waits for the delivery under way, so its lease is not left behind. */
  static final Duration SHUTDOWN_WAIT =
      StandardWebhooksDelivery.CONNECT_TIMEOUT.plus(StandardWebhooksDelivery.REQUEST_TIMEOUT);

  @PostConstruct
  void schedule() {
    long interval = config.callbackPollInterval().toMillis();
    timers.createIntervalTimer(interval, interval, new TimerConfig("callback-sweep", false));
  }

  /**
   * On shutdown, takes no new message and lets the delivery under way finish (at most {@link
   * #SHUTDOWN_WAIT}), so it is settled rather than left leased until {@link #LEASE} runs out.
   */
  @PreDestroy
  void stop() {
    stopping = true;
    long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
    while (running.get() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Timeout
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void sweep(Timer timer) {
    dispatchDue();
  }

  /**
   * Delivers every due message, or, while a run is going on, makes that run go round once more.
   * Never throws: a failed run is logged and the next one retries.
   */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public void dispatchDue() {
    if (stopping || !targets.isResolvable()) {
      return;
    }
    wanted.set(true);
    while (wanted.get() && running.compareAndSet(false, true)) {
      try {
        wanted.set(false);
        run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "callback dispatch failed; the next run retries", e);
      } finally {
        running.set(false);
      }
    }
  }

  private void run() {
    Dispatcher dispatcher = new Dispatcher(targets.get(), deliveries);
    for (int batch = 0; batch < MAX_BATCHES && !stopping; batch++) {
      List<LeasedMessage> leased = outbox.claimDue(owner, BATCH, LEASE);
      for (LeasedMessage message : leased) {
        settle(message, dispatcher.deliver(message));
      }
      if (leased.size() < BATCH) {
        return;
      }
    }
  }

  private void settle(LeasedMessage message, DeliveryOutcome outcome) {
    if (outcome instanceof DeliveryOutcome.Delivered delivered) {
      outbox.markDelivered(message.id(), owner, delivered.statusCode());
    } else if (outcome instanceof DeliveryOutcome.Failure failure) {
      boolean dead =
          outbox
              .markFailed(message.id(), owner, failure)
              .filter(s -> s == CallbackStatus.DEAD)
              .isPresent();
      if (dead) {
        LOG.warning(
            "callback "
                + message.id()
                + " for client "
                + message.clientId()
                + " is dead after "
                + message.attempts()
                + " attempts: "
                + failure.error());
        events.record(
            "callback.dead",
            SecurityEvents.Outcome.FAILURE,
            null,
            message.clientId(),
            null,
            "message=" + message.id() + " attempts=" + message.attempts() + " " + failure.error());
      }
    }
  }
}
