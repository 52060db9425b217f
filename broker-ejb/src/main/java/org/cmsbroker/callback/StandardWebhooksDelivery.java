package org.cmsbroker.callback;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The generic callback: the message's JSON payload POSTed to the client's URL, signed per the
 * Standard Webhooks specification with the client's {@code whsec_} secret. Every attempt carries
 * the message id as {@code webhook-id}, a fresh {@code webhook-timestamp} and its signature; the
 * answer is judged by {@link Dispatcher#judge}. Thread-safe.
 */
@ApplicationScoped
public class StandardWebhooksDelivery implements CallbackDelivery {
  /** How long to wait for the receiver's connection. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** How long to wait for the receiver's answer. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final HttpSender sender;
  private final Clock clock;

  /** For CDI proxies. */
  protected StandardWebhooksDelivery() {
    this.sender = null;
    this.clock = null;
  }

  /**
   * The broker's delivery: the bounded client with the configured outbound policy, no redirects,
   * the broker's clock.
   */
  @jakarta.inject.Inject
  public StandardWebhooksDelivery(org.cmsbroker.config.BrokerConfig config, Clock clock) {
    this(new JdkHttpSender(CONNECT_TIMEOUT, REQUEST_TIMEOUT, config.outboundPolicy()), clock);
  }

  StandardWebhooksDelivery(HttpSender sender, Clock clock) {
    this.sender = sender;
    this.clock = clock;
  }

  @Override
  public CallbackFormat format() {
    return CallbackFormat.STANDARD_WEBHOOKS;
  }

  @Override
  public DeliveryOutcome deliver(CallbackTarget target, LeasedMessage message) {
    StandardWebhookSigner signer;
    try {
      signer = new StandardWebhookSigner(target.secret());
    } catch (IllegalArgumentException e) {
      return new DeliveryOutcome.Retry(null, "callback secret unusable: " + e.getMessage());
    }
    Map<String, String> headers =
        new HashMap<>(signer.headers(message.id(), clock.instant(), message.payload()));
    headers.put("Content-Type", "application/json");
    int status;
    try {
      status = sender.send(target.url(), headers, message.payload());
    } catch (org.cmsbroker.outbound.RefusedTargetException e) {
      // The operator's own setting decides: no retry will change it. The message is for them.
      return new DeliveryOutcome.GiveUp(null, "target refused: " + e.getMessage());
    } catch (IOException e) {
      // The exception's class says enough; its message may carry addresses or TLS details.
      return new DeliveryOutcome.Retry(null, "no answer: " + e.getClass().getSimpleName());
    }
    return Dispatcher.judge(status, message.attempts());
  }
}
