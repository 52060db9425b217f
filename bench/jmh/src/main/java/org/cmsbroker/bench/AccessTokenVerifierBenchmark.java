package org.cmsbroker.bench;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cmsbroker.token.AccessTokenRequest;
import org.cmsbroker.token.AccessTokenVerifier;
import org.cmsbroker.token.InMemorySigningKeyStore;
import org.cmsbroker.token.SigningAlgorithm;
import org.cmsbroker.token.SigningKeyGenerator;
import org.cmsbroker.token.SigningKeyRing;
import org.cmsbroker.token.TokenIssuer;
import org.cmsbroker.token.TokenSettings;
import org.cmsbroker.token.VerifiedAccessToken;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The verification behind every userinfo and introspection request: the broker's {@link
 * AccessTokenVerifier} on one of its own ES256 (and RS256) access tokens, without the cache (every
 * step, signature included, each time) and with it (the token was verified before: a SHA-256 and a
 * look-up, plus the check that its key is still published).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AccessTokenVerifierBenchmark {

  private AccessTokenVerifier uncached;
  private AccessTokenVerifier cached;
  private String es256;
  private String rs256;

  @Setup
  public void issue() throws Exception {
    Clock clock = Clock.systemUTC();
    TokenSettings settings = TokenSettings.defaultsFor("https://127.0.0.1:8443");
    SigningKeyRing ring =
        new SigningKeyRing(
            new InMemorySigningKeyStore(),
            new SigningKeyGenerator(),
            SigningKeyRing.DEFAULT_ROTATION_PERIOD,
            SigningKeyRing.retirementGraceFor(TokenSettings.MAX_LIFETIME),
            clock);
    ring.rotateIfDue();
    TokenIssuer issuer =
        new TokenIssuer(
            ring,
            new TokenSettings(
                settings.issuer(),
                settings.accessTokenAudience(),
                TokenSettings.MAX_LIFETIME,
                TokenSettings.MAX_LIFETIME),
            clock);
    uncached = new AccessTokenVerifier(ring, settings, clock);
    cached =
        new AccessTokenVerifier(ring, settings, clock, AccessTokenVerifier.DEFAULT_CACHE_CAPACITY);
    es256 = issue(issuer, SigningAlgorithm.ES256);
    rs256 = issue(issuer, SigningAlgorithm.RS256);
    cached.verify(es256);
    cached.verify(rs256);
  }

  private static String issue(TokenIssuer issuer, SigningAlgorithm algorithm) {
    return issuer
        .issueAccessToken(
            AccessTokenRequest.builder("2aa3948c-56b2-47ba-9a16-6df23c42580a", "site")
                .scope(List.of("openid", "profile", "email"))
                .sessionId("f3b0c442-98fc-4c14-9afb-f4c8996fb924")
                .algorithm(algorithm)
                .build())
        .value();
  }

  @Benchmark
  public VerifiedAccessToken es256Uncached() throws Exception {
    return uncached.verify(es256);
  }

  @Benchmark
  public VerifiedAccessToken es256Cached() throws Exception {
    return cached.verify(es256);
  }

  @Benchmark
  public VerifiedAccessToken rs256Uncached() throws Exception {
    return uncached.verify(rs256);
  }

  @Benchmark
  public VerifiedAccessToken rs256Cached() throws Exception {
    return cached.verify(rs256);
  }
}
