package org.cmsbroker.token;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The Bouncy Castle provider the token code signs and verifies ES256 with, given to Nimbus per
 * signer and verifier (never installed as a JVM-wide provider).
 *
 * <p>Why Bouncy Castle for ES256 rather than the JDK's SunEC: JDK 17's P-256 arithmetic is pure
 * Java and slow. Measured with JMH on the 2-core machine (bench/jmh {@code SignatureBenchmark}, an
 * access-token-sized JWT through Nimbus): signing 1,802/s with SunEC against 3,061/s with Bouncy
 * Castle, verifying 1,183/s against 5,596/s. Every grant signs one or two tokens and every userinfo
 * or introspection request not answered from the verified-token cache verifies one. Bouncy Castle's
 * ECDSA draws a fresh random nonce per signature from the JDK's {@code SecureRandom} and multiplies
 * the base point with its fixed-point comb, whose table lookups are constant-time.
 *
 * <p>Made here rather than taken from Nimbus's {@code BouncyCastleProviderSingleton}: in the WAR on
 * Payara, Nimbus may come from the server's class loader, which cannot see the WAR's Bouncy Castle.
 */
final class BouncyCastle {
  static final Provider PROVIDER = new BouncyCastleProvider();

  private BouncyCastle() {}
}
