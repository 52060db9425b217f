package org.cmsbroker.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What goes into an OpenID Connect ID token (Core 2): subject, client, time of login, the request's
 * nonce, the login session's opaque id, the access token issued with it (for {@code at_hash}), the
 * profile claims the client may see and the roles under the claim name chosen for the client.
 * Immutable; made with {@link #builder}, which validates in {@link Builder#build()}. Profile values
 * are as given: the caller decides which claims the granted scopes release.
 */
public final class IdTokenRequest {

  /** The claim that carries roles unless a client chose another name. */
  public static final String DEFAULT_ROLES_CLAIM = "roles";

  private final String subject;
  private final String clientId;
  private final Instant authTime;
  private final String nonce;
  private final String sessionId;
  private final String accessToken;
  private final SigningAlgorithm algorithm;
  private final String email;
  private final Boolean emailVerified;
  private final String preferredUsername;
  private final String name;
  private final String givenName;
  private final String familyName;
  private final String rolesClaim;
  private final List<String> roles;

  private IdTokenRequest(Builder b) {
    this.subject = b.subject;
    this.clientId = b.clientId;
    this.authTime = b.authTime;
    this.nonce = b.nonce;
    this.sessionId = b.sessionId;
    this.accessToken = b.accessToken;
    this.algorithm = b.algorithm;
    this.email = b.email;
    this.emailVerified = b.emailVerified;
    this.preferredUsername = b.preferredUsername;
    this.name = b.name;
    this.givenName = b.givenName;
    this.familyName = b.familyName;
    this.rolesClaim = b.rolesClaim;
    this.roles = b.roles == null ? null : List.copyOf(b.roles);
  }

  /**
   * An ID token about {@code subject} (the account id) for {@code clientId} (its {@code aud} and
   * {@code azp}), who logged in at {@code authTime}.
   *
   * @throws NullPointerException if any is null
   */
  public static Builder builder(String subject, String clientId, Instant authTime) {
    return new Builder(subject, clientId, authTime);
  }

  public String subject() {
    return subject;
  }

  public String clientId() {
    return clientId;
  }

  public Instant authTime() {
    return authTime;
  }

  public Optional<String> nonce() {
    return Optional.ofNullable(nonce);
  }

  public Optional<String> sessionId() {
    return Optional.ofNullable(sessionId);
  }

  /** The access token issued in the same response, whose hash becomes {@code at_hash}. */
  public Optional<String> accessToken() {
    return Optional.ofNullable(accessToken);
  }

  public SigningAlgorithm algorithm() {
    return algorithm;
  }

  public Optional<String> email() {
    return Optional.ofNullable(email);
  }

  public Optional<Boolean> emailVerified() {
    return Optional.ofNullable(emailVerified);
  }

  public Optional<String> preferredUsername() {
    return Optional.ofNullable(preferredUsername);
  }

  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  public Optional<String> givenName() {
    return Optional.ofNullable(givenName);
  }

  public Optional<String> familyName() {
    return Optional.ofNullable(familyName);
  }

  /** The claim name for {@link #roles()}. */
  public String rolesClaim() {
    return rolesClaim;
  }

  /** The roles, when the client is to see them. */
  public Optional<List<String>> roles() {
    return Optional.ofNullable(roles);
  }

  @Override
  public String toString() {
    return "IdTokenRequest[sub=" + subject + ", aud=" + clientId + ", alg=" + algorithm + "]";
  }

  /** Builds an {@link IdTokenRequest}. Not thread-safe. */
  public static final class Builder {
    private final String subject;
    private final String clientId;
    private final Instant authTime;
    private String nonce;
    private String sessionId;
    private String accessToken;
    private SigningAlgorithm algorithm = SigningAlgorithm.ES256;
    private String email;
    private Boolean emailVerified;
    private String preferredUsername;
    private String name;
    private String givenName;
    private String familyName;
    private String rolesClaim = DEFAULT_ROLES_CLAIM;
    private List<String> roles;

    private Builder(String subject, String clientId, Instant authTime) {
      this.subject = Objects.requireNonNull(subject, "subject");
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      this.authTime = Objects.requireNonNull(authTime, "authTime");
    }

    /** The authentication request's {@code nonce}, echoed unchanged; none by default. */
    public Builder nonce(String nonce) {
      this.nonce = nonce;
      return this;
    }

    /** The login session's opaque id ({@code sid}); none by default. */
    public Builder sessionId(String sessionId) {
      this.sessionId = sessionId;
      return this;
    }

    /** The access token returned with this ID token, for {@code at_hash}; none by default. */
    public Builder accessToken(String accessToken) {
      this.accessToken = accessToken;
      return this;
    }

    /** The client's signing algorithm; ES256 by default. */
    public Builder algorithm(SigningAlgorithm algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /** {@code email} and {@code email_verified}. */
    public Builder email(String email, boolean verified) {
      this.email = Objects.requireNonNull(email, "email");
      this.emailVerified = verified;
      return this;
    }

    public Builder preferredUsername(String preferredUsername) {
      this.preferredUsername = preferredUsername;
      return this;
    }

    /** The full name ({@code name}). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder givenName(String givenName) {
      this.givenName = givenName;
      return this;
    }

    public Builder familyName(String familyName) {
      this.familyName = familyName;
      return this;
    }

    /** The roles, as a JSON array under {@link #rolesClaim(String)}; none by default. */
    public Builder roles(List<String> roles) {
      this.roles = Objects.requireNonNull(roles, "roles");
      return this;
    }

    /** The claim name the client expects roles under; {@code roles} by default. */
    public Builder rolesClaim(String rolesClaim) {
      this.rolesClaim = Objects.requireNonNull(rolesClaim, "rolesClaim");
      return this;
    }

    /**
     * @throws IllegalArgumentException if the subject, client id or session id is blank, longer
     *     than 255 characters or not printable ASCII, the nonce is empty, the roles claim name is
     *     blank or one the broker sets itself (such as {@code sub} or {@code aud}), or a role is
     *     null
     */
    public IdTokenRequest build() {
      Claims.requireIdentifier(subject, "subject");
      Claims.requireIdentifier(clientId, "client id");
      if (sessionId != null) {
        Claims.requireIdentifier(sessionId, "session id");
      }
      if (nonce != null && nonce.isEmpty()) {
        throw new IllegalArgumentException("The nonce must not be empty");
      }
      if (accessToken != null && accessToken.isEmpty()) {
        throw new IllegalArgumentException("The access token must not be empty");
      }
      if (rolesClaim.isBlank() || Claims.RESERVED.contains(rolesClaim)) {
        throw new IllegalArgumentException(
            "The roles claim name must not be blank or a claim the broker sets itself");
      }
      if (roles != null && roles.stream().anyMatch(Objects::isNull)) {
        throw new IllegalArgumentException("A role must not be null");
      }
      return new IdTokenRequest(this);
    }
  }
}
