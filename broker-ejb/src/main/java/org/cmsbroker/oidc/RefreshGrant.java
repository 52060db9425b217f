package org.cmsbroker.oidc;

import java.time.OffsetDateTime;

/**
 * What a refresh token stands for. Immutable.
 *
 * @param clientId the client it was issued to
 * @param accountId whose login
 * @param sessionIdHash the login session it lives and dies with
 * @param scope granted scope, space-separated
 * @param authTime when the login happened
 */
public record RefreshGrant(
    String clientId,
    String accountId,
    String sessionIdHash,
    String scope,
    OffsetDateTime authTime) {}
