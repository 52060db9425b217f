package org.cmsbroker.callback;

import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Delivers one leased callback message to its client's CRM and judges the answer:
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
 *   <li>No target configured for the client, or an unusable secret: retry (the registry may be
 *       completed); the 3-day window still applies.
 * </ul>
 *
 * <p>Every attempt carries the message id as {@code webhook-id}, a fresh {@code webhook-timestamp},
 * and its signature. Stateless apart from its collaborators; thread-safe when they are.
 */
public final class Dispatcher {
  /** Attempts after which a non-retryable 4xx (other than 410) sends a message to dead. */
  public static final int CLIENT_ERROR_ATTEMPTS = 5;

  private final CallbackTargets targets;
  private final HttpSender sender;
  private final Clock clock;

  public Dispatcher(CallbackTargets targets, HttpSender sender, Clock clock) {
    this.targets = targets;
    this.sender = sender;
    this.clock = clock;
  }

  /** Sends {@code message} once and says what came of it; never throws for a failed delivery. */
  public DeliveryOutcome deliver(LeasedMessage message) {
    Optional<CallbackTarget> target = targets.find(message.clientId());
    if (target.isEmpty()) {
      return new DeliveryOutcome.Retry(null, "no callback target configured for the client");
    }
    StandardWebhookSigner signer;
    try {
      signer = new StandardWebhookSigner(target.get().secret());
    } catch (IllegalArgumentException e) {
      return new DeliveryOutcome.Retry(null, "callback secret unusable: " + e.getMessage());
    }
    Map<String, String> headers =
        new HashMap<>(signer.headers(message.id(), clock.instant(), message.payload()));
    headers.put("Content-Type", "application/json");
    int status;
    try {
      status = sender.send(target.get().url(), headers, message.payload());
    } catch (IOException e) {
      // The exception's class says enough; its message may carry addresses or TLS details.
      return new DeliveryOutcome.Retry(null, "no answer: " + e.getClass().getSimpleName());
    }
    return judge(status, message.attempts());
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
