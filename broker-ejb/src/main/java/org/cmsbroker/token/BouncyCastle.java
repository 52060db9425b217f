package org.cmsbroker.token;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The Bouncy Castle provider the token code signs and verifies ES256 with, given to Nimbus per
 * signer and verifier (never installed as a JVM-wide provider).
 *
 * <p>Why Bouncy Castle for ES256 rather than the JDK's SunEC: JDK 17's P-256 arithmetic is pure
 * Java and slow. Measured with JMH on the 2-core machine (bench/jmh {@code SignatureBenchmark}, an
 * access-token-sized JWT through Nimbus): signing 1,802/s with SunEC against 3,061/s with Bouncy
 * Castle, verifying 1,183/s against 5,596/s; with the keys converted to Bouncy Castle's own classes
 * once ({@link #privateKey}, {@link #publicKey}) 13,020 signatures/s and 10,157 verifications/s.
 * Every grant signs one or two tokens and every userinfo or introspection request not answered from
 * the verified-token cache verifies one. Bouncy Castle's ECDSA draws a fresh random nonce per
 * signature from the JDK's {@code SecureRandom} and multiplies the base point with its fixed-point
 * comb, whose table lookups are constant-time.
 *
 * <p>Made here rather than taken from Nimbus's {@code BouncyCastleProviderSingleton}: in the WAR on
 * Payara, Nimbus may come from the server's class loader, which cannot see the WAR's Bouncy Castle.
 */
final class BouncyCastle {
  static final Provider PROVIDER = new BouncyCastleProvider();

  private BouncyCastle() {}

  /**
   * {@code key} as Bouncy Castle's own key class, converted once by its encoding. Given a JDK key,
   * Bouncy Castle rebuilds the curve's base point on every signature and so recomputes its
   * fixed-point table each time: 3,666 signatures/s against 13,020/s with the converted key (JMH,
   * {@code es256SignJwtBouncyCastle} and {@code ...Key}).
   */
  static ECPrivateKey privateKey(ECPrivateKey key) {
    try {
      return (ECPrivateKey)
          KeyFactory.getInstance("EC", PROVIDER)
              .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a usable EC private key", e);
    }
  }

  /**
   * {@code key} as Bouncy Castle's own key class, converted once: verification 10,157/s against
   * 4,210/s with the JDK key given to Bouncy Castle, and 1,151/s with SunEC (JMH).
   */
  static ECPublicKey publicKey(ECPublicKey key) {
    try {
      return (ECPublicKey)
          KeyFactory.getInstance("EC", PROVIDER)
              .generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a usable EC public key", e);
    }
  }
}
