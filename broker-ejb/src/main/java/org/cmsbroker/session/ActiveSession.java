package org.cmsbroker.session;

import java.time.Instant;

/**
 * A live session. Immutable; holds no cookie value.
 *
 * @param idHash SHA-256 of the cookie value (hex), the stored id
 * @param accountId whose session
 * @param csrfToken the token state-changing forms of this session must carry
 * @param createdAt login time (for OIDC {@code auth_time} and {@code max_age})
 * @param expiresAt absolute end
 */
public record ActiveSession(
    String idHash, String accountId, String csrfToken, Instant createdAt, Instant expiresAt) {}
