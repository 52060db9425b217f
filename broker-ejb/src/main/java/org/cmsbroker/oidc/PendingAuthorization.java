package org.cmsbroker.oidc;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.cmsbroker.session.ActiveSession;

/**
 * An authorization request waiting for a login, kept on the server and bound to one browser. The
 * browser only ever carries its random id; what was asked and which login satisfies it are read
 * from here, never from a parameter.
 *
 * @param id random id (256 bits), the key of the store and the {@code resume} parameter
 * @param browserBindingHash hash of the browser's binding cookie; only that browser may resume
 * @param clientId the client that asked (for the login page's site line)
 * @param request the authentication request as it was parsed, as a query string
 * @param askedAt when the authorization was asked: a login satisfies it only if made after this
 * @param staleSessionIdHash the browser's session when it was asked, which may not satisfy it
 *     ({@code prompt=login}, an exceeded {@code max_age}); null when there was none
 * @param expiresAt when the pending authorization is forgotten
 */
public record PendingAuthorization(
    String id,
    String browserBindingHash,
    String clientId,
    String request,
    Instant askedAt,
    String staleSessionIdHash,
    Instant expiresAt) {

  public PendingAuthorization {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(browserBindingHash, "browserBindingHash");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(askedAt, "askedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /**
   * Whether {@code session} is a login made for this authorization: another session than the one
   * the browser had when it was asked, begun at or after that moment. Stored session times have
   * microsecond precision, so the comparison is at that precision.
   */
  public boolean satisfiedBy(ActiveSession session) {
    return session != null
        && !session.idHash().equals(staleSessionIdHash)
        && !session
            .createdAt()
            .truncatedTo(ChronoUnit.MICROS)
            .isBefore(askedAt.truncatedTo(ChronoUnit.MICROS));
  }

  /** Whether {@code bindingHash} is the browser this was bound to. */
  public boolean boundTo(String bindingHash) {
    return bindingHash != null
        && java.security.MessageDigest.isEqual(
            browserBindingHash.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            bindingHash.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
