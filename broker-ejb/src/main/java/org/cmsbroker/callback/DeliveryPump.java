package org.cmsbroker.callback;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drains the due callback messages: leases as many as there are free senders and room in the
 * clients' {@link DeliveryLanes}, hands each to a sender thread, and leases the next ones as soon
 * as senders come back, until nothing is due and nothing is in flight. Each sender delivers one
 * message and settles it (delivered, retry later, dead) in its own short transaction; a message is
 * leased before it is sent, so one whose sender dies is sent again once its lease has run out (at
 * least once). Which messages are due, and that those of one payment go one at a time and in order,
 * is the {@link CallbackOutbox}'s rule; how many go to one endpoint at once, and which endpoint
 * backs off, the lanes'.
 *
 * <p>One {@link #drain} at a time per instance (the caller ensures it); the senders run on {@code
 * senders}, which must run at least {@code maxSenders} tasks at once without rejecting any.
 */
final class DeliveryPump {
  private static final Logger LOG = Logger.getLogger(DeliveryPump.class.getName());

  /** The longest wait for a sender before the queue is looked at again. */
  static final long IDLE_WAIT_MILLIS = 1000;

  /** The outbox as the pump sees it; each call in its own transaction. */
  interface Queue {
    /** Leases due messages within {@code limits}. */
    List<LeasedMessage> claim(ClaimLimits limits);

    /** Records what came of sending {@code message}. */
    void settle(LeasedMessage message, DeliveryOutcome outcome);
  }

  /** Sends one message; never throws for a failed delivery. */
  interface Sender {
    DeliveryOutcome deliver(LeasedMessage message);
  }

  private final Queue queue;
  private final Sender sender;
  private final DeliveryLanes lanes;
  private final Executor senders;
  private final int maxSenders;
  private final BooleanSupplier stopping;

  /** Released once per message that came back, so the drain wakes up to lease more. */
  private final Semaphore returned = new Semaphore(0);

  DeliveryPump(
      Queue queue,
      Sender sender,
      DeliveryLanes lanes,
      Executor senders,
      int maxSenders,
      BooleanSupplier stopping) {
    if (maxSenders < 1 || maxSenders > 100) {
      throw new IllegalArgumentException("maxSenders must be 1 to 100");
    }
    this.queue = queue;
    this.sender = sender;
    this.lanes = lanes;
    this.senders = senders;
    this.maxSenders = maxSenders;
    this.stopping = stopping;
  }

  /**
   * Delivers every message that is due, or becomes due while earlier ones are settled (the next
   * message of a payment), and returns once none is due and none in flight, or when stopping.
   * Messages that wait for a retry or for a backing-off endpoint are left to a later drain.
   */
  void drain() {
    while (!stopping.getAsBoolean()) {
      // Returns from here on wake the wait below; the claim sees what they settled.
      returned.drainPermits();
      int free = maxSenders - lanes.inFlight();
      List<LeasedMessage> leased =
          free > 0 ? queue.claim(lanes.limits(Math.min(free, 100))) : List.of();
      for (LeasedMessage message : leased) {
        send(message);
      }
      if (leased.size() == free && free > 0) {
        continue;
      }
      if (lanes.inFlight() == 0) {
        if (leased.isEmpty()) {
          return;
        }
        continue;
      }
      // Senders are all busy, or what is due waits for messages in flight (the payment's earlier
      // message, a full lane): look again when one comes back.
      try {
        returned.tryAcquire(IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void send(LeasedMessage message) {
    lanes.start(message.clientId());
    try {
      senders.execute(() -> deliverAndSettle(message));
    } catch (RejectedExecutionException e) {
      // Shutting down: the message stays leased and is sent again once its lease runs out.
      LOG.fine(() -> "callback " + message.id() + " left to its lease: " + e);
      lanes.finish(message.clientId(), DeliveryLanes.Verdict.NEUTRAL);
      returned.release();
    }
  }

  private void deliverAndSettle(LeasedMessage message) {
    DeliveryLanes.Verdict verdict = DeliveryLanes.Verdict.NEUTRAL;
    try {
      DeliveryOutcome outcome;
      try {
        outcome = sender.deliver(message);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "callback " + message.id() + ": delivery failed unexpectedly", e);
        outcome =
            new DeliveryOutcome.Retry(
                null, "callback delivery failed: " + e.getClass().getSimpleName());
      }
      verdict = DeliveryLanes.verdict(outcome);
      queue.settle(message, outcome);
    } catch (RuntimeException e) {
      // The lease runs out and the message is sent again.
      LOG.log(
          Level.WARNING,
          "callback " + message.id() + " could not be settled; it is retried after its lease",
          e);
    } finally {
      lanes.finish(message.clientId(), verdict);
      returned.release();
    }
  }
}
