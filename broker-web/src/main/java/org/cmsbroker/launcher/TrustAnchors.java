package org.cmsbroker.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The trust store the server uses for its own outbound HTTPS (Stripe's API, CRM callbacks,
 * back-channel logout): the JVM's trust anchors (its {@code cacerts}, kept current by the operating
 * system's CA package on Debian, or the store an operator names with {@code
 * -Djavax.net.ssl.trustStore}) without those whose validity has ended.
 *
 * <p>Payara Micro otherwise uses the {@code cacerts.p12} bundled in its release, which ages with
 * the release: since Entrust's 2006 root expired (27 November 2026), every start printed five
 * certificates in full as warnings. An expired anchor vouches for nothing a client should accept,
 * so leaving it out loses nothing. The file holds public certificates only; its password is the one
 * Payara opens trust stores with, not a secret.
 */
final class TrustAnchors {
  /** The password Payara Micro opens its trust store with (its default master password). */
  static final char[] PASSWORD = "changeit".toCharArray();

  /** What was written: how many anchors, and the subjects left out because they had expired. */
  record Written(int kept, List<String> expired) {}

  private TrustAnchors() {}

  /** The JVM's default trust anchors, as its default trust manager sees them. */
  static List<X509Certificate> jvmDefaults() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    List<X509Certificate> anchors = new ArrayList<>();
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        anchors.addAll(List.of(x509.getAcceptedIssuers()));
      }
    }
    return anchors;
  }

  /** Writes the anchors still valid at {@code now} to {@code file} as PKCS#12. */
  static Written write(Path file, List<X509Certificate> anchors, Instant now)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, PASSWORD);
    List<String> expired = new ArrayList<>();
    int kept = 0;
    List<X509Certificate> sorted = new ArrayList<>(anchors);
    sorted.sort(Comparator.comparing(c -> c.getSubjectX500Principal().getName()));
    for (X509Certificate anchor : sorted) {
      if (!anchor.getNotAfter().toInstant().isAfter(now)) {
        expired.add(anchor.getSubjectX500Principal().getName());
        continue;
      }
      store.setCertificateEntry(alias(anchor), anchor);
      kept++;
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD);
    }
    return new Written(kept, List.copyOf(expired));
  }

  /** A stable alias: the start of the certificate's SHA-256 fingerprint. */
  private static String alias(X509Certificate certificate) throws GeneralSecurityException {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    return "anchor-" + HexFormat.of().formatHex(digest, 0, 8).toLowerCase(Locale.ROOT);
  }
}
