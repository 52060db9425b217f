package org.cmsbroker.launcher.sitecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedDecryptor;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedDecryptor;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;

/**
 * A server that still speaks TLS 1.0 (Bouncy Castle's TLS server, so the test JVM's own TLS
 * settings stay as they are) is reported; a JDK server, which refuses 1.0 and 1.1, passes (see
 * {@link SiteCheckCommandTest#cleanSitePassesEveryCheckAndExitsZero}).
 */
class LegacyTlsCheckTest {

  @Test
  void serverAcceptingTls10FailsAndTls11IsReportedSeparately() throws Exception {
    TestSite.Ca ca = TestSite.Ca.create();
    TestSite.Leaf leaf = ca.leaf(Instant.now().plus(Duration.ofDays(100)));
    BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    Certificate chain =
        new Certificate(
            new TlsCertificate[] {crypto.createCertificate(leaf.certificate().getEncoded())});
    AsymmetricKeyParameter key = PrivateKeyFactory.createKey(leaf.keys().getPrivate().getEncoded());
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      Thread thread =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept()) {
                    s.setSoTimeout(5000);
                    TlsServerProtocol protocol =
                        new TlsServerProtocol(s.getInputStream(), s.getOutputStream());
                    protocol.accept(
                        new DefaultTlsServer(crypto) {
                          @Override
                          protected ProtocolVersion[] getSupportedVersions() {
                            return ProtocolVersion.TLSv10.only();
                          }

                          @Override
                          protected int[] getSupportedCipherSuites() {
                            return new int[] {CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA};
                          }

                          @Override
                          protected TlsCredentialedDecryptor getRSAEncryptionCredentials() {
                            return new BcDefaultTlsCredentialedDecryptor(crypto, chain, key);
                          }
                        });
                    protocol.close();
                  } catch (IOException e) {
                    // The probe closes right after the handshake, or refuses; next connection.
                  }
                }
              },
              "legacy-tls-server");
      thread.setDaemon(true);
      thread.start();
      SiteTarget target =
          SiteTarget.parse("https://localhost:" + server.getLocalPort() + "/", 80, 21);
      SiteProbe probe =
          new SiteProbe(target, Duration.ofSeconds(5), SiteProbe.trust(null), Clock.systemUTC());

      List<Finding> findings = new LegacyTlsCheck().run(probe);

      assertEquals(2, findings.size(), findings.toString());
      assertEquals(Status.FAIL, findings.get(0).status(), findings.toString());
      assertEquals("TLS 1.0 accepted", findings.get(0).seen());
      assertTrue(findings.get(0).change().contains("TLSv1.2 TLSv1.3"));
      assertEquals(Status.PASS, findings.get(1).status(), findings.toString());
      assertEquals("TLS 1.1 refused", findings.get(1).seen());
    }
  }

  @Test
  void nothingListeningIsAWarningNotAPass() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    SiteProbe probe =
        new SiteProbe(
            SiteTarget.parse("https://localhost:" + port + "/", 80, 21),
            Duration.ofSeconds(2),
            SiteProbe.trust(null),
            Clock.systemUTC());
    List<Finding> findings = new LegacyTlsCheck().run(probe);
    assertEquals(Status.WARN, findings.get(0).status(), findings.toString());
  }
}
