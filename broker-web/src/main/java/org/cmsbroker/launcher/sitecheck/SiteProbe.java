package org.cmsbroker.launcher.sitecheck;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The connections a check may make to one site: HTTPS and plain HTTP GETs that never follow a
 * redirect and never carry credentials or cookies, TLS handshakes, and plain TCP connections, each
 * bounded by the same timeout. Thread-safe.
 */
final class SiteProbe {
  /** How much of a body is read: enough for a listing's first lines or a log file's head. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final SiteTarget target;
  private final Duration timeout;
  private final TrustManagerFactory trust;
  private final Clock clock;
  private final HttpClient client;

  SiteProbe(SiteTarget target, Duration timeout, TrustManagerFactory trust, Clock clock)
      throws GeneralSecurityException {
    this.target = target;
    this.timeout = timeout;
    this.trust = trust;
    this.clock = clock;
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    this.client =
        HttpClient.newBuilder()
            .sslContext(context)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** Trusts the given anchors, or the JDK's default trust store when {@code anchors} is null. */
  static TrustManagerFactory trust(KeyStore anchors) throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(anchors);
    return factory;
  }

  SiteTarget target() {
    return target;
  }

  Clock clock() {
    return clock;
  }

  Duration timeout() {
    return timeout;
  }

  /** An answer to a GET: status, headers and the first {@link #MAX_BODY_BYTES} of the body. */
  record Answer(int status, java.net.http.HttpHeaders headers, String body) {
    Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    boolean redirect() {
      return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    String contentType() {
      return header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    }
  }

  /** Nothing answered, or the exchange failed; the message is short and safe to print. */
  static final class ProbeException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean refused;

    ProbeException(String message, boolean refused) {
      super(message, null, false, false);
      this.refused = refused;
    }

    /** Whether the connection was refused (nothing listens), as opposed to failing later. */
    boolean refused() {
      return refused;
    }
  }

  /** A GET that follows no redirect and sends no credentials or cookies. */
  Answer get(URI uri) throws ProbeException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("User-Agent", "cms-broker-sitecheck")
            .GET()
            .build();
    try {
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        byte[] head = body.readNBytes(MAX_BODY_BYTES);
        return new Answer(
            response.statusCode(),
            response.headers(),
            new String(head, StandardCharsets.ISO_8859_1));
      }
    } catch (HttpConnectTimeoutException e) {
      throw new ProbeException("no answer within " + timeout.toSeconds() + " s", false);
    } catch (HttpTimeoutException e) {
      throw new ProbeException("no answer within " + timeout.toSeconds() + " s", false);
    } catch (ConnectException e) {
      throw new ProbeException("connection refused", true);
    } catch (SSLException e) {
      throw new ProbeException("TLS handshake failed (" + describe(e) + ")", false);
    } catch (IOException e) {
      throw new ProbeException(describe(e), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProbeException("interrupted", false);
    }
  }

  /**
   * The outcome of a TLS handshake with the site's HTTPS port using the configured trust anchors
   * and host-name verification.
   *
   * @param chain what the server presented (null if it presented nothing)
   * @param protocol the negotiated protocol, null when the handshake failed
   * @param failure why the handshake failed, null when it succeeded
   */
  record Handshake(X509Certificate[] chain, String protocol, String failure) {}

  /** Shakes hands with the HTTPS port and closes at once: nothing is sent over the connection. */
  Handshake handshake() throws ProbeException {
    AtomicReference<X509Certificate[]> presented = new AtomicReference<>();
    X509ExtendedTrustManager delegate = extendedTrustManager();
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new Recording(delegate, presented)}, null);
      try (Socket plain = connect(target.httpsPort());
          SSLSocket socket =
              (SSLSocket)
                  context
                      .getSocketFactory()
                      .createSocket(plain, target.host(), target.httpsPort(), true)) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        try {
          socket.startHandshake();
          return new Handshake(presented.get(), socket.getSession().getProtocol(), null);
        } catch (SSLHandshakeException e) {
          return new Handshake(presented.get(), null, describe(e));
        }
      }
    } catch (ProbeException e) {
      throw e;
    } catch (IOException e) {
      throw new ProbeException(describe(e), false);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no TLS context", e);
    }
  }

  /** A TCP connection to the site's host, bounded by the timeout for connecting and reading. */
  Socket connect(int port) throws ProbeException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(target.host(), port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      return socket;
    } catch (ConnectException e) {
      close(socket);
      throw new ProbeException("connection refused", true);
    } catch (java.net.SocketTimeoutException e) {
      close(socket);
      throw new ProbeException("no answer within " + timeout.toSeconds() + " s", false);
    } catch (IOException e) {
      close(socket);
      throw new ProbeException(describe(e), false);
    }
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing was sent; the connection is abandoned either way.
    }
  }

  private X509ExtendedTrustManager extendedTrustManager() {
    for (TrustManager manager : trust.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager extended) {
        return extended;
      }
    }
    throw new IllegalStateException("the JDK's trust manager factory made no X.509 manager");
  }

  /** The exception's class and message on one line, without a stack. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    String text =
        root.getClass().getSimpleName()
            + (message == null || message.isBlank() ? "" : ": " + message);
    return text.replaceAll("\\s+", " ");
  }

  /** Records the chain the server presented, then lets the real trust manager decide. */
  private static final class Recording extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final AtomicReference<X509Certificate[]> presented;

    Recording(X509ExtendedTrustManager delegate, AtomicReference<X509Certificate[]> presented) {
      this.delegate = delegate;
      this.presented = presented;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      presented.set(chain.clone());
      delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      presented.set(chain.clone());
      delegate.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      presented.set(chain.clone());
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("a client certificate is never trusted here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a client certificate is never trusted here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a client certificate is never trusted here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /** Whether a redirect's Location (absolute or relative) stays on this site's host. */
  boolean sameHost(URI location) {
    return location.getHost() == null || location.getHost().equalsIgnoreCase(target.host());
  }
}
