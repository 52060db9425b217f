package org.cmsbroker.client;

import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A registered client as the rest of the broker sees it. Immutable (collections are unmodifiable
 * copies, sets keep their registered order). Carries no secret and no secret hash.
 *
 * @param clientId the OAuth {@code client_id}
 * @param displayName the site's name shown to people
 * @param type confidential or public
 * @param redirectUris the registered redirect URIs, exactly as given
 * @param postLogoutRedirectUris the registered post-logout redirect URIs, exactly as given
 * @param webOrigins allowed origins, {@code scheme://host[:port]} in lower case
 * @param grantTypes grant type names ({@code authorization_code}, {@code refresh_token}, {@code
 *     client_credentials})
 * @param idTokenSignedResponseAlg {@code ES256} or {@code RS256}
 * @param backchannelLogoutUri where logout tokens go, or null
 * @param rolesClaim the claim name that carries the person's roles
 * @param enabled whether the client may be used at all
 * @param createdAt when it was registered
 * @param updatedAt when it was last changed
 * @param secretRotatedAt when its secret was last replaced, or null (never, or a public client)
 * @param callback where its callbacks go and whether their credentials are set (never the
 *     credentials)
 */
public record RegisteredClient(
    String clientId,
    String displayName,
    ClientType type,
    List<URI> redirectUris,
    List<URI> postLogoutRedirectUris,
    Set<String> webOrigins,
    Set<String> grantTypes,
    String idTokenSignedResponseAlg,
    URI backchannelLogoutUri,
    String rolesClaim,
    boolean enabled,
    Instant createdAt,
    Instant updatedAt,
    Instant secretRotatedAt,
    ClientCallback callback) {

  public RegisteredClient {
    callback = callback == null ? ClientCallback.NONE : callback;
    redirectUris = List.copyOf(redirectUris);
    postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
    webOrigins = Collections.unmodifiableSet(new LinkedHashSet<>(webOrigins));
    grantTypes = Collections.unmodifiableSet(new LinkedHashSet<>(grantTypes));
  }

  /** Whether the client is public (has no secret and must use PKCE). */
  public boolean isPublic() {
    return type == ClientType.PUBLIC;
  }

  /** Whether {@code uri} is one of the registered redirect URIs, by exact string equality. */
  public boolean hasRedirectUri(String uri) {
    return uri != null && redirectUris.stream().anyMatch(u -> u.toString().equals(uri));
  }

  /** Whether {@code uri} is a registered post-logout redirect URI, by exact string equality. */
  public boolean hasPostLogoutRedirectUri(String uri) {
    return uri != null && postLogoutRedirectUris.stream().anyMatch(u -> u.toString().equals(uri));
  }

  /** Whether the client may use this grant type. */
  public boolean allowsGrantType(String grantType) {
    return grantTypes.contains(grantType);
  }
}
