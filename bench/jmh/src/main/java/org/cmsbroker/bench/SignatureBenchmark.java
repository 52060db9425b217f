package org.cmsbroker.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * In-process cost of the token signatures behind the userinfo, introspection and grant figures:
 * signing and verifying an access-token-sized JWT with ES256 (P-256, the broker's default) and
 * RS256 (RSA 2048), through Nimbus JOSE+JWT with the JDK's providers, as the broker does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SignatureBenchmark {

  private ECKey ec;
  private RSAKey rsa;
  private SignedJWT es256;
  private SignedJWT rs256;
  private JWTClaimsSet claims;
  private ECDSASigner bcSigner;
  private ECDSAVerifier bcVerifier;

  @Setup
  public void keys() throws Exception {
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
    rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
    claims =
        new JWTClaimsSet.Builder()
            .issuer("https://127.0.0.1:8443")
            .subject("2aa3948c-56b2-47ba-9a16-6df23c42580a")
            .audience("https://127.0.0.1:8443/api")
            .claim("client_id", "site")
            .claim("scope", "openid profile email")
            .jwtID("f3b0c442-98fc-4c14-9afb-f4c8996fb924")
            .issueTime(new Date())
            .expirationTime(new Date(System.currentTimeMillis() + 300_000))
            .build();
    es256 = es256Sign();
    java.security.PrivateKey bcKey =
        java.security.KeyFactory.getInstance("EC", BouncyCastleProviderSingleton.getInstance())
            .generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(ec.toECPrivateKey().getEncoded()));
    bcSigner = new ECDSASigner((java.security.interfaces.ECPrivateKey) bcKey);
    bcSigner.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
    java.security.PublicKey bcPublic =
        java.security.KeyFactory.getInstance("EC", BouncyCastleProviderSingleton.getInstance())
            .generatePublic(
                new java.security.spec.X509EncodedKeySpec(ec.toECPublicKey().getEncoded()));
    bcVerifier = new ECDSAVerifier((java.security.interfaces.ECPublicKey) bcPublic);
    bcVerifier.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
    rs256 = rs256Sign();
  }

  private SignedJWT es256Sign() throws Exception {
    SignedJWT jwt = new SignedJWT(header(JWSAlgorithm.ES256, "ec"), claims);
    jwt.sign(new ECDSASigner(ec));
    return jwt;
  }

  private SignedJWT rs256Sign() throws Exception {
    SignedJWT jwt = new SignedJWT(header(JWSAlgorithm.RS256, "rsa"), claims);
    jwt.sign(new RSASSASigner(rsa));
    return jwt;
  }

  private static JWSHeader header(JWSAlgorithm alg, String kid) {
    return new JWSHeader.Builder(alg).keyID(kid).type(new JOSEObjectType("at+jwt")).build();
  }

  @Benchmark
  public SignedJWT es256SignJwt() throws Exception {
    return es256Sign();
  }

  /** The same signature with Bouncy Castle's ECDSA instead of the JDK's SunEC. */
  @Benchmark
  public SignedJWT es256SignJwtBouncyCastle() throws Exception {
    SignedJWT jwt = new SignedJWT(header(JWSAlgorithm.ES256, "ec"), claims);
    ECDSASigner signer = new ECDSASigner(ec);
    signer.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
    jwt.sign(signer);
    return jwt;
  }

  /**
   * Bouncy Castle with the key converted to its own key class once and one signer reused, as the
   * broker signs: the base point's precomputed table is then kept between signatures.
   */
  @Benchmark
  public SignedJWT es256SignJwtBouncyCastleKey() throws Exception {
    SignedJWT jwt = new SignedJWT(header(JWSAlgorithm.ES256, "ec"), claims);
    jwt.sign(bcSigner);
    return jwt;
  }

  @Benchmark
  public boolean es256VerifyJwt() throws Exception {
    return SignedJWT.parse(es256.serialize()).verify(new ECDSAVerifier(ec.toPublicJWK()));
  }

  /** The same verification with Bouncy Castle's ECDSA instead of the JDK's SunEC. */
  @Benchmark
  public boolean es256VerifyJwtBouncyCastle() throws Exception {
    ECDSAVerifier verifier = new ECDSAVerifier(ec.toPublicJWK());
    verifier.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
    return SignedJWT.parse(es256.serialize()).verify(verifier);
  }

  /** Bouncy Castle with the public key converted to its own key class once, as the broker does. */
  @Benchmark
  public boolean es256VerifyJwtBouncyCastleKey() throws Exception {
    return SignedJWT.parse(es256.serialize()).verify(bcVerifier);
  }

  @Benchmark
  public SignedJWT rs256SignJwt() throws Exception {
    return rs256Sign();
  }

  @Benchmark
  public boolean rs256VerifyJwt() throws Exception {
    return SignedJWT.parse(rs256.serialize()).verify(new RSASSAVerifier(rsa.toPublicJWK()));
  }

  /** The same verification with Bouncy Castle's RSA instead of the JDK's SunRsaSign. */
  @Benchmark
  public boolean rs256VerifyJwtBouncyCastle() throws Exception {
    RSASSAVerifier verifier = new RSASSAVerifier(rsa.toPublicJWK());
    verifier.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
    return SignedJWT.parse(rs256.serialize()).verify(verifier);
  }
}
