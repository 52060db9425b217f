package org.cmsbroker.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** HTTPS clients that trust exactly the broker's served certificate. */
public final class Https {
  private Https() {}

  /** The served chain the launcher wrote for health: {@code <data>/runtime/served-chain.pem}. */
  public static List<X509Certificate> servedChain(Path dataDir)
      throws IOException, GeneralSecurityException {
    try (InputStream in =
        Files.newInputStream(dataDir.resolve("runtime").resolve("served-chain.pem"))) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      List<X509Certificate> chain = new ArrayList<>();
      certs.forEach(c -> chain.add((X509Certificate) c));
      return chain;
    }
  }

  /** A TLS context whose only trust anchor is {@code cert}. */
  public static SSLContext trusting(X509Certificate cert)
      throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("broker", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** An HTTP client (HTTP/2 where offered) trusting only the broker's certificate; no redirects. */
  public static HttpClient client(Path dataDir) throws IOException, GeneralSecurityException {
    return HttpClient.newBuilder()
        .sslContext(trusting(servedChain(dataDir).get(0)))
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  public static HttpResponse<String> get(HttpClient client, String url)
      throws IOException, InterruptedException {
    return send(client, HttpRequest.newBuilder(URI.create(url)).GET().build());
  }

  public static HttpResponse<String> send(HttpClient client, HttpRequest request)
      throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
