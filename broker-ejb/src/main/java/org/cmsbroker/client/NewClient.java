package org.cmsbroker.client;

import java.util.List;

/**
 * What an administrator gives to register a client. Immutable; validated by {@link
 * ClientService#register}. Null lists are empty; null settings take their defaults.
 *
 * @param clientId the id to use, or null for a random one
 * @param displayName the site's name shown to people, 1 to 100 characters
 * @param type confidential (gets a secret) or public (none; PKCE); null means confidential
 * @param redirectUris the exact redirect URIs
 * @param postLogoutRedirectUris the exact URIs end-session may redirect to
 * @param webOrigins origins ({@code scheme://host[:port]}) allowed to call the broker from a page
 * @param grantTypes grant types; empty means the default for the type
 * @param idTokenSignedResponseAlg {@code ES256} (the default) or {@code RS256}
 * @param backchannelLogoutUri where the broker posts logout tokens, or null
 * @param rolesClaim the claim that carries roles; null means {@code roles}
 */
public record NewClient(
    String clientId,
    String displayName,
    ClientType type,
    List<String> redirectUris,
    List<String> postLogoutRedirectUris,
    List<String> webOrigins,
    List<String> grantTypes,
    String idTokenSignedResponseAlg,
    String backchannelLogoutUri,
    String rolesClaim) {

  public NewClient {
    type = type == null ? ClientType.CONFIDENTIAL : type;
    redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
    postLogoutRedirectUris =
        postLogoutRedirectUris == null ? List.of() : List.copyOf(postLogoutRedirectUris);
    webOrigins = webOrigins == null ? List.of() : List.copyOf(webOrigins);
    grantTypes = grantTypes == null ? List.of() : List.copyOf(grantTypes);
  }
}
