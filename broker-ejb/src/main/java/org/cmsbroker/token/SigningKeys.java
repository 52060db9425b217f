package org.cmsbroker.token;

import com.nimbusds.jose.jwk.JWKSet;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.grid.DataGrid;
import org.cmsbroker.grid.Grid;
import org.cmsbroker.lifecycle.SchemaReady;
import org.cmsbroker.lifecycle.StartupState;
import org.cmsbroker.lifecycle.StartupState.Part;

/**
 * The token machinery of this instance: the signing key ring (keys in the database, made at first
 * start, rotated on schedule), the token issuer and the access token verifier. Made once at
 * start-up after the schema is migrated; maintenance runs every ten minutes. Every new key is
 * recorded as a {@code signing_key.rotated} security event. Bean-managed concurrency: the parts are
 * thread-safe themselves.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigrator")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class SigningKeys {
  private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());

  /** The security event type of every new signing key. */
  public static final String ROTATED_EVENT = "signing_key.rotated";

  @Inject BrokerConfig config;
  @Inject JpaSigningKeyStore keyStore;
  @Inject SecurityEvents events;
  @Inject StartupState state;
  @Inject Clock clock;
  @Inject DataGrid dataGrid;

  /** How long signing keys are kept in memory before they are read again. */
  static final Duration KEY_CACHE_AGE = Duration.ofSeconds(30);

  /**
   * How long relying parties and caches between them may keep {@code /oauth2/jwks} ({@code
   * Cache-Control: max-age}): no longer than this instance keeps its own keys, so that one who
   * fetched the set just before a rotation has fetched it again before the new key signs.
   */
  public static final Duration JWKS_MAX_AGE = KEY_CACHE_AGE;

  /**
   * How long a new key is published before it signs: every other instance has re-read the keys by
   * then even if it missed the grid's announcement (which is best-effort), and every relying party
   * that honours the JWKS {@link #JWKS_MAX_AGE} has fetched the set again, with a margin for the
   * read itself and the clocks.
   */
  static final Duration PUBLICATION_LEAD = KEY_CACHE_AGE.plusSeconds(15);

  /** The grid signal sent when this instance changed the signing keys. */
  private static final String KEYS_CHANGED = "signing-keys-changed";

  private TokenSettings settings;
  private SigningKeyRing ring;
  private TokenIssuer issuer;
  private AccessTokenVerifier verifier;
  private volatile boolean ready;

  @PostConstruct
  void start() {
    settings =
        new TokenSettings(
            config.publicUrl().toString(),
            config.accessTokenAudience(),
            config.accessTokenLifetime(),
            config.idTokenLifetime());
    Optional<Grid> shared = dataGrid.grid();
    CachingSigningKeyStore keys =
        shared
            .map(
                g ->
                    new CachingSigningKeyStore(
                        keyStore, KEY_CACHE_AGE, clock, () -> g.publish(KEYS_CHANGED)))
            .orElseGet(() -> new CachingSigningKeyStore(keyStore, KEY_CACHE_AGE, clock));
    // Another instance made or deleted a key: publish and use it here too at once.
    shared.ifPresent(g -> g.subscribe(KEYS_CHANGED, keys::invalidate));
    ring =
        new SigningKeyRing(
            keys,
            new SigningKeyGenerator(),
            config.signingKeyRotation(),
            SigningKeyRing.retirementGraceFor(settings.longestLifetime()),
            PUBLICATION_LEAD,
            clock);
    issuer = new TokenIssuer(ring, settings, clock);
    verifier =
        new AccessTokenVerifier(ring, settings, clock, AccessTokenVerifier.DEFAULT_CACHE_CAPACITY);
    load();
  }

  /** Retries a load that failed because the schema was not there yet. */
  public void onSchemaReady(@Observes SchemaReady schema) {
    if (!ready) {
      load();
    }
  }

  private void load() {
    try {
      record(ring.rotateIfDue(), "scheduled");
      ready = true;
      state.ready(Part.SIGNING_KEYS, ring.current(SigningAlgorithm.ES256).keyId());
      LOG.info(
          () ->
              "Signing keys "
                  + ring.current(SigningAlgorithm.ES256).keyId()
                  + " (ES256) and "
                  + ring.current(SigningAlgorithm.RS256).keyId()
                  + " (RS256) are current");
    } catch (RuntimeException e) {
      state.failed(Part.SIGNING_KEYS, e.getClass().getSimpleName());
      LOG.severe("Signing keys could not be loaded or made: " + e.getMessage());
    }
  }

  @Schedule(hour = "*", minute = "*/10", persistent = false)
  void maintain() {
    record(ring.rotateIfDue(), "scheduled");
    if (!ready) {
      ready = true;
      state.ready(Part.SIGNING_KEYS, ring.current(SigningAlgorithm.ES256).keyId());
    }
  }

  /**
   * Makes a successor for the current key of {@code algorithm} now (for example when it may have
   * leaked): published at once, it signs after the publication lead ({@link
   * SigningKeyRing#signsFrom} says when); the old one signs until then and stays published until
   * the tokens it signed have expired.
   */
  public SigningKey rotateNow(SigningAlgorithm algorithm) {
    SigningKey key = ring.rotateNow(algorithm);
    record(List.of(key), "on_demand");
    return key;
  }

  private void record(List<SigningKey> made, String trigger) {
    for (SigningKey key : made) {
      String signsFrom = ring.signsFrom(key.keyId()).map(Object::toString).orElse("-");
      LOG.info(
          () ->
              "New "
                  + key.algorithm()
                  + " signing key "
                  + key.keyId()
                  + " ("
                  + trigger
                  + "), published now, signs from "
                  + signsFrom);
      events.record(
          ROTATED_EVENT,
          Outcome.SUCCESS,
          null,
          null,
          "alg="
              + key.algorithm()
              + " kid="
              + key.keyId()
              + " trigger="
              + trigger
              + " signs_from="
              + signsFrom);
    }
  }

  /** The public keys for {@code /oauth2/jwks}: current and still published retired ones. */
  public JWKSet publicJwks() {
    return ring.publicJwks();
  }

  public SigningKeyRing ring() {
    return ring;
  }

  public TokenSettings settings() {
    return settings;
  }

  public TokenIssuer issuer() {
    return issuer;
  }

  public AccessTokenVerifier accessTokenVerifier() {
    return verifier;
  }
}
