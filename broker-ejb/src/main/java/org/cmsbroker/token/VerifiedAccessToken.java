package org.cmsbroker.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The claims of an access token that passed every step of {@link AccessTokenVerifier}.
 *
 * @param subject {@code sub}: the account id, or the client id for client credentials
 * @param clientId {@code client_id}
 * @param scope the {@code scope} values, in order; empty when it had none
 * @param tokenId {@code jti}
 * @param issuedAt {@code iat}
 * @param expiresAt {@code exp}
 * @param authTime {@code auth_time}, when the token came from a login session
 * @param sessionId {@code sid}, when the token came from a login session
 */
public record VerifiedAccessToken(
    String subject,
    String clientId,
    List<String> scope,
    String tokenId,
    Instant issuedAt,
    Instant expiresAt,
    Optional<Instant> authTime,
    Optional<String> sessionId) {

  public VerifiedAccessToken {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(clientId, "clientId");
    scope = List.copyOf(scope);
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(authTime, "authTime");
    Objects.requireNonNull(sessionId, "sessionId");
  }
}
