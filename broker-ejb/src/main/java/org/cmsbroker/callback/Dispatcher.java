package org.cmsbroker.callback;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers one leased callback message to its client's receiver through the {@link
 * CallbackDelivery} of the client's {@link CallbackFormat}, and judges HTTP answers the same way
 * for every format:
 *
 * <ul>
 *   <li>2xx: delivered.
 *   <li>5xx, 408, 429, or no answer at all (refused, timeout, TLS): retry on the backoff schedule;
 *       the CRM or the way to it is down or busy, which passes.
 *   <li>410 Gone: dead at once; the receiver says this endpoint is gone for good.
 *   <li>Any other answer (other 4xx, and 1xx/3xx, as redirects are not followed): retry, but give
 *       up after {@link #CLIENT_ERROR_ATTEMPTS} attempts. Such answers usually mean a misconfigured
 *       receiver (wrong secret, URL, route not deployed yet), which an operator may fix within
 *       minutes; retrying for three days would only hide it, so the message goes to the dead letter
 *       early and can be replayed once the receiver is fixed.
 *   <li>No target configured for the client, no delivery for its format, unusable credentials, or a
 *       delivery that failed unexpectedly: retry (the registry may be completed, the broker
 *       upgraded); the 3-day window still applies.
 * </ul>
 *
 * <p>Immutable; thread-safe when its collaborators are.
 */
public final class Dispatcher {
  /** Attempts after which a non-retryable 4xx (other than 410) sends a message to dead. */
  public static final int CLIENT_ERROR_ATTEMPTS = 5;

  private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

  private final CallbackTargets targets;
  private final Map<CallbackFormat, CallbackDelivery> deliveries;

  /**
   * @param deliveries the deliveries available, at most one per format (a second of the same format
   *     is a deployment bug)
   * @throws IllegalStateException when two deliveries speak the same format
   */
  public Dispatcher(CallbackTargets targets, Iterable<? extends CallbackDelivery> deliveries) {
    this.targets = targets;
    Map<CallbackFormat, CallbackDelivery> byFormat = new EnumMap<>(CallbackFormat.class);
    for (CallbackDelivery delivery : deliveries) {
      CallbackDelivery earlier = byFormat.putIfAbsent(delivery.format(), delivery);
      if (earlier != null) {
        throw new IllegalStateException(
            "two callback deliveries for format " + delivery.format().code());
      }
    }
    this.deliveries = Map.copyOf(byFormat);
  }

  /** Sends {@code message} once and says what came of it; never throws for a failed delivery. */
  public DeliveryOutcome deliver(LeasedMessage message) {
    Optional<CallbackTarget> target;
    try {
      target = targets.find(message.clientId());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "callback " + message.id() + ": its target could not be read", e);
      return new DeliveryOutcome.Retry(
          null, "callback target could not be read: " + e.getClass().getSimpleName());
    }
    if (target.isEmpty()) {
      return new DeliveryOutcome.Retry(
          null, "no callback target (URL and credentials) configured for the client");
    }
    CallbackDelivery delivery = deliveries.get(target.get().format());
    if (delivery == null) {
      return new DeliveryOutcome.Retry(
          null, "no delivery for callback format " + target.get().format().code());
    }
    try {
      return delivery.deliver(target.get(), message);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "callback " + message.id() + ": delivery failed unexpectedly", e);
      return new DeliveryOutcome.Retry(
          null, "callback delivery failed: " + e.getClass().getSimpleName());
    }
  }

  /** The outcome of an HTTP answer {@code status} to the {@code attempts}-th attempt. */
  public static DeliveryOutcome judge(int status, int attempts) {
    if (status >= 200 && status < 300) {
      return new DeliveryOutcome.Delivered(status);
    }
    if (status >= 500 || status == 408 || status == 429) {
      return new DeliveryOutcome.Retry(status, "HTTP " + status);
    }
    if (status == 410) {
      return new DeliveryOutcome.GiveUp(status, "HTTP 410: the receiver is gone");
    }
    if (attempts >= CLIENT_ERROR_ATTEMPTS) {
      return new DeliveryOutcome.GiveUp(
          status, "HTTP " + status + " after " + attempts + " attempts");
    }
    return new DeliveryOutcome.Retry(status, "HTTP " + status);
  }
}
