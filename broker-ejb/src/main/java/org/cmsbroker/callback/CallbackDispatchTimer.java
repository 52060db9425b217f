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
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.config.SettingNames;

/**
 * Delivers the due callback messages of this broker instance through a {@link DeliveryPump}, one
 * short transaction per step and no transaction while sending: at once when {@link
 * CallbackDispatchTrigger} asks (a commit enqueued a message), and every {@link
 * SettingNames#CALLBACK_POLL_INTERVAL} seconds as a sweep for retries and for messages the trigger
 * missed (for example those queued before a restart). Does nothing until a {@link CallbackTargets}
 * bean exists.
 *
 * <p>While messages are due they go out continuously: up to {@link
 * SettingNames#CALLBACK_PARALLELISM} at once per client's endpoint, different endpoints in
 * parallel, on a fixed pool of {@link #senders} threads (made by the container's managed thread
 * factory; no unbounded queue); a failing endpoint backs off alone ({@link DeliveryLanes}); the
 * messages of one payment go one at a time, in order ({@link CallbackOutbox}). Each message goes to
 * the {@link CallbackDelivery} bean of its client's {@link CallbackFormat}. One drain at a time per
 * instance: a request that arrives during a drain makes it go round once more, so nothing committed
 * meanwhile waits for the sweep. A message that goes dead is recorded as the security event {@code
 * callback.dead}.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigrator")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class CallbackDispatchTimer {
  private static final Logger LOG = Logger.getLogger(CallbackDispatchTimer.class.getName());

  /**
   * Long enough for one delivery to time out, so a live lease is never taken over: a message is
   * leased only when a sender is free to send it at once, and deliveries keep each attempt within
   * {@link StandardWebhooksDelivery#CONNECT_TIMEOUT} plus {@link
   * StandardWebhooksDelivery#REQUEST_TIMEOUT}.
   */
  static final Duration LEASE =
      StandardWebhooksDelivery.CONNECT_TIMEOUT
          .plus(StandardWebhooksDelivery.REQUEST_TIMEOUT)
          .plusSeconds(30);

  /** How long a client's callback target is reused before it is read again. */
  static final Duration TARGET_CACHE = Duration.ofSeconds(5);

  @EJB CallbackOutbox outbox;
  @Inject Instance<CallbackTargets> targets;
  @Inject @Any Instance<CallbackDelivery> deliveries;
  @Inject BrokerConfig config;
  @Inject SecurityEvents events;
  @Inject Clock clock;
  @Resource TimerService timers;
  @Resource ManagedThreadFactory threads;

  private final String owner = "broker-" + UUID.randomUUID();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean wanted = new AtomicBoolean();
  private volatile boolean stopping;
  private ThreadPoolExecutor senders;
  private DeliveryLanes lanes;

  /** How long shutting down waits for the deliveries under way, so their leases are not left. */
  static final Duration SHUTDOWN_WAIT =
      StandardWebhooksDelivery.CONNECT_TIMEOUT.plus(StandardWebhooksDelivery.REQUEST_TIMEOUT);

  /** Sender threads: four endpoints' worth of the per-endpoint parallelism, 16 to 64. */
  static int senders(int parallelism) {
    return Math.max(16, Math.min(64, 4 * parallelism));
  }

  @PostConstruct
  void schedule() {
    int parallelism = config.callbackParallelism();
    int size = senders(parallelism);
    // At most `size` tasks exist at once (the pump leases no more), so the queue never fills.
    senders =
        new ThreadPoolExecutor(
            size, size, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(size), threads);
    senders.allowCoreThreadTimeOut(true);
    lanes = new DeliveryLanes(parallelism, DeliveryLanes.BASE, DeliveryLanes.CAP, clock);
    long interval = config.callbackPollInterval().toMillis();
    timers.createIntervalTimer(interval, interval, new TimerConfig("callback-sweep", false));
  }

  /**
   * On shutdown, takes no new message and lets the deliveries under way finish (at most {@link
   * #SHUTDOWN_WAIT}), so they are settled rather than left leased until {@link #LEASE} runs out.
   */
  @PreDestroy
  void stop() {
    stopping = true;
    long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
    try {
      while (running.get() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      senders.shutdown();
      senders.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Timeout
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void sweep(Timer timer) {
    dispatchDue();
  }

  /**
   * Delivers every due message, or, while a drain is going on, makes that drain go round once more.
   * Never throws: a failed drain is logged and the next one retries.
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
        pump().drain();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "callback dispatch failed; the next run retries", e);
      } finally {
        running.set(false);
      }
    }
  }

  private DeliveryPump pump() {
    Dispatcher dispatcher =
        new Dispatcher(new CachedTargets(targets.get(), TARGET_CACHE, clock), deliveries);
    DeliveryPump.Queue queue =
        new DeliveryPump.Queue() {
          @Override
          public List<LeasedMessage> claim(ClaimLimits limits) {
            return outbox.claimDue(owner, limits, LEASE);
          }

          @Override
          public void settle(LeasedMessage message, DeliveryOutcome outcome) {
            CallbackDispatchTimer.this.settle(message, outcome);
          }
        };
    return new DeliveryPump(
        queue, dispatcher::deliver, lanes, senders, senders.getMaximumPoolSize(), () -> stopping);
  }

  private void settle(LeasedMessage message, DeliveryOutcome outcome) {
    if (outcome instanceof DeliveryOutcome.Delivered delivered) {
      outbox.markDelivered(message.id(), message.clientId(), owner, delivered.statusCode());
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
