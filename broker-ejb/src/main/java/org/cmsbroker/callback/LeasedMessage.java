package org.cmsbroker.callback;

import java.time.Instant;

/**
 * A callback message a dispatcher holds the lease on, payload decrypted. {@code id} is the Standard
 * Webhooks {@code webhook-id}: the same on every attempt and after a replay, so the CRM can drop
 * repeats. {@code attempts} counts this attempt.
 */
public record LeasedMessage(
    String id,
    String clientId,
    String eventType,
    String payload,
    int attempts,
    Instant createdAt,
    String leaseOwner,
    Instant leaseUntil) {}
