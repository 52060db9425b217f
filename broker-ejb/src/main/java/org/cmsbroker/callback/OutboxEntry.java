package org.cmsbroker.callback;

import java.time.Instant;

/**
 * A callback message as operators see it: state and history, no payload. {@code lastError} is a
 * short reason (no secrets); {@code lastStatusCode}, {@code lastError}, {@code deliveredAt} may be
 * null.
 */
public record OutboxEntry(
    String id,
    String clientId,
    String eventType,
    CallbackStatus status,
    int attempts,
    Instant nextAttemptAt,
    Integer lastStatusCode,
    String lastError,
    Instant createdAt,
    Instant deliveredAt) {}
