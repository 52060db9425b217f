package org.cmsbroker.client;

import java.util.List;

/**
 * A change to a registered client: every non-null field replaces the stored one (a given list
 * replaces the whole list; an empty list clears it); null fields stay as they are. The type and the
 * secret are not changed here. Immutable; validated by {@link ClientService#update}.
 *
 * @param displayName new name, or null
 * @param redirectUris new redirect URIs, or null
 * @param postLogoutRedirectUris new post-logout redirect URIs, or null
 * @param webOrigins new web origins, or null
 * @param grantTypes new grant types, or null
 * @param idTokenSignedResponseAlg {@code ES256} or {@code RS256}, or null
 * @param backchannelLogoutUri new back-channel logout URI, the empty string to remove it, or null
 * @param rolesClaim new roles claim name, or null
 * @param enabled whether the client may be used, or null
 * @param callbackUrl new callback URL, the empty string to remove it, or null
 * @param callbackFormat {@code standard-webhooks} or {@code civicrm}, or null
 */
public record ClientUpdate(
    String displayName,
    List<String> redirectUris,
    List<String> postLogoutRedirectUris,
    List<String> webOrigins,
    List<String> grantTypes,
    String idTokenSignedResponseAlg,
    String backchannelLogoutUri,
    String rolesClaim,
    Boolean enabled,
    String callbackUrl,
    String callbackFormat) {

  public ClientUpdate {
    redirectUris = redirectUris == null ? null : List.copyOf(redirectUris);
    postLogoutRedirectUris =
        postLogoutRedirectUris == null ? null : List.copyOf(postLogoutRedirectUris);
    webOrigins = webOrigins == null ? null : List.copyOf(webOrigins);
    grantTypes = grantTypes == null ? null : List.copyOf(grantTypes);
  }

  /** Whether this update changes nothing. */
  public boolean isEmpty() {
    return displayName == null
        && redirectUris == null
        && postLogoutRedirectUris == null
        && webOrigins == null
        && grantTypes == null
        && idTokenSignedResponseAlg == null
        && backchannelLogoutUri == null
        && rolesClaim == null
        && enabled == null
        && callbackUrl == null
        && callbackFormat == null;
  }
}
