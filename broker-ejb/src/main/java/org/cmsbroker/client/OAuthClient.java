package org.cmsbroker.client;

import static org.cmsbroker.persistence.DataClass.AtRest.ENCRYPTED;
import static org.cmsbroker.persistence.DataClass.AtRest.HASHED;
import static org.cmsbroker.persistence.DataClass.Level.CONFIDENTIAL;
import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/**
 * A registered client (table {@code oauth_client}). Lists are stored newline-separated, grant types
 * space-separated; {@link ClientService} converts them. Holds a secret's hash, never the secret.
 * The callback credentials are {@link org.cmsbroker.crypto.FieldCipher} ciphertext.
 */
@Entity
@Table(name = "oauth_client")
public class OAuthClient {
  @DataClass(RESTRICTED)
  @Id
  @Column(name = "client_id", length = 64)
  private String clientId;

  @DataClass(RESTRICTED)
  @Column(name = "display_name", nullable = false, length = 400)
  private String displayName;

  @DataClass(RESTRICTED)
  @Column(name = "client_type", nullable = false, length = 16)
  private String clientType;

  /** SHA-256 of a 256-bit random secret: full entropy, so a fast hash suffices. */
  @DataClass(value = CONFIDENTIAL, atRest = HASHED)
  @Column(name = "secret_hash", length = 64)
  private String secretHash;

  @DataClass(RESTRICTED)
  @Column(name = "redirect_uris", nullable = false, length = 65536)
  private String redirectUris;

  @DataClass(RESTRICTED)
  @Column(name = "post_logout_redirect_uris", nullable = false, length = 65536)
  private String postLogoutRedirectUris;

  @DataClass(RESTRICTED)
  @Column(name = "web_origins", nullable = false, length = 65536)
  private String webOrigins;

  @DataClass(RESTRICTED)
  @Column(name = "grant_types", nullable = false, length = 128)
  private String grantTypes;

  @DataClass(RESTRICTED)
  @Column(name = "id_token_signed_response_alg", nullable = false, length = 16)
  private String idTokenSignedResponseAlg;

  @DataClass(RESTRICTED)
  @Column(name = "backchannel_logout_uri", length = 2048)
  private String backchannelLogoutUri;

  @DataClass(RESTRICTED)
  @Column(name = "roles_claim", nullable = false, length = 64)
  private String rolesClaim;

  @DataClass(RESTRICTED)
  @Column(nullable = false)
  private boolean enabled;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @DataClass(RESTRICTED)
  @Column(name = "updated_at", nullable = false)
  private OffsetDateTime updatedAt;

  @DataClass(RESTRICTED)
  @Column(name = "secret_rotated_at")
  private OffsetDateTime secretRotatedAt;

  @DataClass(RESTRICTED)
  @Column(name = "callback_url", length = 2048)
  private String callbackUrl;

  @DataClass(RESTRICTED)
  @Column(name = "callback_format", nullable = false, length = 32)
  private String callbackFormat = "standard-webhooks";

  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "callback_secret", length = 1024)
  private String callbackSecret;

  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "civicrm_api_key", length = 2048)
  private String civicrmApiKey;

  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "civicrm_site_key", length = 2048)
  private String civicrmSiteKey;

  @DataClass(RESTRICTED)
  @Column(name = "civicrm_timezone", length = 64)
  private String civicrmTimeZone;

  @DataClass(RESTRICTED)
  @Column(name = "callback_secret_rotated_at")
  private OffsetDateTime callbackSecretRotatedAt;

  @DataClass(RESTRICTED)
  @Version
  private long version;

  protected OAuthClient() {}

  OAuthClient(String clientId, ClientType type, OffsetDateTime now) {
    this.clientId = clientId;
    this.clientType = type.name();
    this.enabled = true;
    this.createdAt = now;
    this.updatedAt = now;
  }

  public String clientId() {
    return clientId;
  }

  String displayName() {
    return displayName;
  }

  void setDisplayName(String displayName) {
    this.displayName = displayName;
  }

  ClientType type() {
    return ClientType.valueOf(clientType);
  }

  String secretHash() {
    return secretHash;
  }

  void setSecretHash(String secretHash, OffsetDateTime when) {
    this.secretHash = secretHash;
    this.secretRotatedAt = when;
  }

  String redirectUris() {
    return redirectUris;
  }

  void setRedirectUris(String redirectUris) {
    this.redirectUris = redirectUris;
  }

  String postLogoutRedirectUris() {
    return postLogoutRedirectUris;
  }

  void setPostLogoutRedirectUris(String postLogoutRedirectUris) {
    this.postLogoutRedirectUris = postLogoutRedirectUris;
  }

  String webOrigins() {
    return webOrigins;
  }

  void setWebOrigins(String webOrigins) {
    this.webOrigins = webOrigins;
  }

  String grantTypes() {
    return grantTypes;
  }

  void setGrantTypes(String grantTypes) {
    this.grantTypes = grantTypes;
  }

  String idTokenSignedResponseAlg() {
    return idTokenSignedResponseAlg;
  }

  void setIdTokenSignedResponseAlg(String alg) {
    this.idTokenSignedResponseAlg = alg;
  }

  String backchannelLogoutUri() {
    return backchannelLogoutUri;
  }

  void setBackchannelLogoutUri(String uri) {
    this.backchannelLogoutUri = uri;
  }

  String rolesClaim() {
    return rolesClaim;
  }

  void setRolesClaim(String rolesClaim) {
    this.rolesClaim = rolesClaim;
  }

  boolean enabled() {
    return enabled;
  }

  void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  OffsetDateTime createdAt() {
    return createdAt;
  }

  OffsetDateTime updatedAt() {
    return updatedAt;
  }

  OffsetDateTime secretRotatedAt() {
    return secretRotatedAt;
  }

  void touch(OffsetDateTime now) {
    this.updatedAt = now;
  }

  String callbackUrl() {
    return callbackUrl;
  }

  void setCallbackUrl(String callbackUrl) {
    this.callbackUrl = callbackUrl;
  }

  String callbackFormat() {
    return callbackFormat;
  }

  void setCallbackFormat(String callbackFormat) {
    this.callbackFormat = callbackFormat;
  }

  String callbackSecret() {
    return callbackSecret;
  }

  String civicrmApiKey() {
    return civicrmApiKey;
  }

  String civicrmSiteKey() {
    return civicrmSiteKey;
  }

  OffsetDateTime callbackSecretRotatedAt() {
    return callbackSecretRotatedAt;
  }

  /** Replaces the Standard Webhooks secret (ciphertext). */
  void setCallbackSecret(String ciphertext, OffsetDateTime when) {
    this.callbackSecret = ciphertext;
    this.callbackSecretRotatedAt = when;
  }

  /** The IANA time zone of the client's CiviCRM site, or null for UTC. */
  String civicrmTimeZone() {
    return civicrmTimeZone;
  }

  void setCiviCrmTimeZone(String zone) {
    this.civicrmTimeZone = zone;
  }

  /** Replaces the CiviCRM API key and site key (ciphertexts; the site key may be null). */
  void setCiviCrmCredentials(String apiKey, String siteKey, OffsetDateTime when) {
    this.civicrmApiKey = apiKey;
    this.civicrmSiteKey = siteKey;
    this.callbackSecretRotatedAt = when;
  }
}
