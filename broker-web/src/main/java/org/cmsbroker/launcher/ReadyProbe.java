package org.cmsbroker.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * After boot, asks the broker itself for {@code /health/ready} over HTTPS, trusting exactly the
 * certificate it was given and nothing else. Key and certificate errors appear only at the first
 * handshake while the boot looks fine, so this is what proves the server really serves.
 */
final class ReadyProbe {
  private ReadyProbe() {}

  /** Polls until ready or the timeout passes; returns null when ready, else the last problem. */
  static String awaitReady(InetAddress bind, int port, X509Certificate expected, Duration timeout) {
    String host =
        bind.isAnyLocalAddress() ? "127.0.0.1" : bind.getHostAddress().replace("%", "%25");
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    Instant deadline = Instant.now().plus(timeout);
    String problem = "no answer";
    while (Instant.now().isBefore(deadline)) {
      try {
        int status = get(new URL("https://" + host + ":" + port + "/health/ready"), expected);
        if (status == 200) {
          return null;
        }
        problem = "/health/ready answers " + status;
      } catch (IOException | GeneralSecurityException e) {
        problem = "HTTPS request to itself failed: " + SettingsLoader.describe(e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    return problem;
  }

  private static int get(URL url, X509Certificate expected)
      throws IOException, GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new PinnedTrustManager(expected)}, null);
    HttpsURLConnection connection = (HttpsURLConnection) url.openConnection();
    connection.setSSLSocketFactory(context.getSocketFactory());
    // The certificate itself is pinned, so the host name (127.0.0.1) need not be in it.
    connection.setHostnameVerifier((h, s) -> true);
    connection.setConnectTimeout(5000);
    connection.setReadTimeout(10000);
    try {
      int status = connection.getResponseCode();
      InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      if (body != null) {
        new String(body.readAllBytes(), StandardCharsets.UTF_8);
        body.close();
      }
      return status;
    } finally {
      connection.disconnect();
    }
  }

  /** Trusts one certificate, exactly. */
  private static final class PinnedTrustManager implements X509TrustManager {
    private final X509Certificate pinned;

    PinnedTrustManager(X509Certificate pinned) {
      this.pinned = pinned;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (chain == null || chain.length == 0 || !chain[0].equals(pinned)) {
        throw new CertificateException("the server presented a different certificate");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("not a server trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
