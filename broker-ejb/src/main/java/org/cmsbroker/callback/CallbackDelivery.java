package org.cmsbroker.callback;

/**
 * Delivers one leased outbox message to one client's receiver in the receiver's own {@link
 * CallbackFormat} and judges the answer. Never throws for a failed delivery: every failure is a
 * {@link DeliveryOutcome.Failure} whose error holds no secret and no payload. Implementations must
 * be thread-safe and idempotent from the receiver's point of view (a message may be delivered more
 * than once: at least once, same {@link LeasedMessage#id()}).
 */
public interface CallbackDelivery {
  /** The format this delivery speaks. */
  CallbackFormat format();

  /**
   * Sends {@code message} to {@code target} once.
   *
   * @param target a target of {@link #format()}
   */
  DeliveryOutcome deliver(CallbackTarget target, LeasedMessage message);
}
