package org.cmsbroker.launcher.sitecheck;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * TLS 1.0 and 1.1 refused. The JDK will not offer them without weakening {@code
 * jdk.tls.disabledAlgorithms} for the whole JVM, so Bouncy Castle's TLS client offers each one
 * alone; the server accepting it is what is reported, so the certificate is not judged here (the
 * {@code certificate} check does that) and nothing is sent after the handshake.
 */
final class LegacyTlsCheck implements Check {
  /** Suites servers that still speak TLS 1.0 commonly pick, so a refusal is about the version. */
  private static final int[] LEGACY_SUITES = {
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    CipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA,
    CipherSuite.TLS_DHE_RSA_WITH_AES_256_CBC_SHA,
    CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
    CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
    CipherSuite.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
  };

  @Override
  public String name() {
    return "legacy-tls";
  }

  @Override
  public List<Finding> run(SiteProbe probe) {
    List<Finding> findings = new ArrayList<>();
    for (ProtocolVersion version : List.of(ProtocolVersion.TLSv10, ProtocolVersion.TLSv11)) {
      findings.add(probe(probe, version));
    }
    return findings;
  }

  private Finding probe(SiteProbe probe, ProtocolVersion version) {
    SiteTarget t = probe.target();
    String target = t.host() + ":" + t.httpsPort();
    String label = version.getName();
    try (Socket socket = probe.connect(t.httpsPort())) {
      Offer offer = new Offer(version, t.host());
      TlsClientProtocol protocol =
          new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
      try {
        protocol.connect(offer);
      } catch (IOException e) {
        // A refusal (an alert, or the connection closed); unless the server had already chosen
        // the offered version, in which case a later step failed and the version is accepted.
      } finally {
        try {
          protocol.close();
        } catch (IOException e) {
          // Closing an abandoned handshake; nothing to report.
        }
      }
      if (version.equals(offer.chosen)) {
        return Finding.fail(
            name(),
            target,
            label + " accepted",
            "allow only TLS 1.2 and 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3; Apache: SSLProtocol"
                + " -all +TLSv1.2 +TLSv1.3)");
      }
      return Finding.pass(name(), target, label + " refused");
    } catch (SiteProbe.ProbeException e) {
      return Finding.warn(
          name(),
          target,
          label + " not checked: " + e.getMessage(),
          "make the HTTPS port reachable from where the check runs, then check again");
    } catch (IOException e) {
      return Finding.pass(name(), target, label + " refused");
    }
  }

  /** Offers exactly one protocol version and records the one the server chose. */
  private static final class Offer extends DefaultTlsClient {
    private final ProtocolVersion version;
    private final String host;
    private volatile ProtocolVersion chosen;

    Offer(ProtocolVersion version, String host) {
      super(new BcTlsCrypto(new SecureRandom()));
      this.version = version;
      this.host = host;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return version.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
      return org.bouncycastle.tls.TlsUtils.getSupportedCipherSuites(getCrypto(), LEGACY_SUITES);
    }

    @Override
    protected Vector<ServerName> getSNIServerNames() {
      Vector<ServerName> names = new Vector<>();
      if (!host.contains(":") && !host.matches("[0-9.]+")) {
        names.add(new ServerName(NameType.host_name, host.getBytes(StandardCharsets.US_ASCII)));
      }
      return names;
    }

    @Override
    public void notifyServerVersion(ProtocolVersion serverVersion) throws IOException {
      chosen = serverVersion;
      super.notifyServerVersion(serverVersion);
    }

    @Override
    public TlsAuthentication getAuthentication() {
      return new TlsAuthentication() {
        @Override
        public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
          // Not judged here: the question is only whether the server speaks this version.
        }

        @Override
        public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
          return null;
        }
      };
    }
  }
}
