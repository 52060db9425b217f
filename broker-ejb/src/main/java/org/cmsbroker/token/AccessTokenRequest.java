package org.cmsbroker.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What goes into an access token (RFC 9068): subject, client, scope and, when the token comes from
 * a login session, the time of that login and the session's opaque id. Immutable; made with {@link
 * #builder}, which validates in {@link Builder#build()}.
 */
public final class AccessTokenRequest {

  private final String subject;
  private final String clientId;
  private final List<String> scope;
  private final Instant authTime;
  private final String sessionId;
  private final SigningAlgorithm algorithm;

  private AccessTokenRequest(Builder b) {
    this.subject = b.subject;
    this.clientId = b.clientId;
    this.scope = List.copyOf(b.scope);
    this.authTime = b.authTime;
    this.sessionId = b.sessionId;
    this.algorithm = b.algorithm;
  }

  /**
   * A token for {@code subject} (the account id) requested by {@code clientId}.
   *
   * @throws NullPointerException if either is null
   */
  public static Builder builder(String subject, String clientId) {
    return new Builder(subject, clientId);
  }

  /**
   * A token for a client acting on its own behalf (client credentials): the subject is the client.
   */
  public static Builder forClient(String clientId) {
    return new Builder(clientId, clientId);
  }

  public String subject() {
    return subject;
  }

  public String clientId() {
    return clientId;
  }

  /** Granted scope values, in order; empty when the token carries no {@code scope} claim. */
  public List<String> scope() {
    return scope;
  }

  public Optional<Instant> authTime() {
    return Optional.ofNullable(authTime);
  }

  public Optional<String> sessionId() {
    return Optional.ofNullable(sessionId);
  }

  public SigningAlgorithm algorithm() {
    return algorithm;
  }

  @Override
  public String toString() {
    return "AccessTokenRequest[sub="
        + subject
        + ", client_id="
        + clientId
        + ", scope="
        + scope
        + "]";
  }

  /** Builds an {@link AccessTokenRequest}. Not thread-safe. */
  public static final class Builder {
    private final String subject;
    private final String clientId;
    private List<String> scope = List.of();
    private Instant authTime;
    private String sessionId;
    private SigningAlgorithm algorithm = SigningAlgorithm.ES256;

    private Builder(String subject, String clientId) {
      this.subject = Objects.requireNonNull(subject, "subject");
      this.clientId = Objects.requireNonNull(clientId, "clientId");
    }

    /** Granted scope values (each without spaces); none by default. */
    public Builder scope(List<String> scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /** When the user logged in ({@code auth_time}); absent for client credentials. */
    public Builder authTime(Instant authTime) {
      this.authTime = authTime;
      return this;
    }

    /** The login session's opaque id ({@code sid}); absent for client credentials. */
    public Builder sessionId(String sessionId) {
      this.sessionId = sessionId;
      return this;
    }

    /** The signing algorithm; ES256 by default. */
    public Builder algorithm(SigningAlgorithm algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /**
     * @throws IllegalArgumentException if the subject or client id is blank or longer than 255
     *     characters, a scope value is blank or has a space, or the session id is blank
     */
    public AccessTokenRequest build() {
      Claims.requireIdentifier(subject, "subject");
      Claims.requireIdentifier(clientId, "client id");
      for (String value : scope) {
        Claims.requireScopeValue(value);
      }
      if (sessionId != null) {
        Claims.requireIdentifier(sessionId, "session id");
      }
      return new AccessTokenRequest(this);
    }
  }
}
