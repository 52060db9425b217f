package org.cmsbroker.callback;

/** What one delivery attempt came to, as the {@link Dispatcher} judges it. */
public sealed interface DeliveryOutcome {
  /** The CRM took the message (2xx). */
  record Delivered(int statusCode) implements DeliveryOutcome {}

  /** The attempt failed; {@code statusCode} is null when no HTTP answer came. */
  sealed interface Failure extends DeliveryOutcome {
    Integer statusCode();

    /** A short reason with no secrets and no payload in it. */
    String error();
  }

  /** Try again later, on the backoff schedule. */
  record Retry(Integer statusCode, String error) implements Failure {}

  /** Do not try again: the message goes to the dead letter at once. */
  record GiveUp(Integer statusCode, String error) implements Failure {}
}
