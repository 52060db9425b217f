package org.cmsbroker.launcher.sitecheck;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real site for the checker, on the loopback interface: an HTTPS server (JDK {@code HttpsServer})
 * with a certificate from a test CA, a plain HTTP server, and optionally an FTP greeting on a plain
 * socket. Each piece is configured to be clean or deliberately wrong.
 */
final class TestSite implements AutoCloseable {
  static final String HOST = "localhost";
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  /** A test CA and its key; {@link #pem()} is what {@code --ca-file} reads. */
  record Ca(KeyPair keys, X509Certificate certificate) {
    static Ca create() throws Exception {
      KeyPair keys = rsa();
      Instant now = Instant.now();
      X509Certificate cert =
          sign(
              "Sitecheck Test CA",
              keys,
              "Sitecheck Test CA",
              keys.getPrivate(),
              true,
              now.minus(Duration.ofDays(1)),
              now.plus(Duration.ofDays(3650)));
      return new Ca(keys, cert);
    }

    Path pem(Path dir) throws Exception {
      String body =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(certificate.getEncoded());
      return Files.writeString(
          dir.resolve("ca.pem"),
          "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n");
    }

    /** A leaf for localhost and 127.0.0.1, valid until {@code notAfter}. */
    Leaf leaf(Instant notAfter) throws Exception {
      KeyPair keys = rsa();
      X509Certificate cert =
          sign(
              HOST,
              keys,
              "Sitecheck Test CA",
              this.keys.getPrivate(),
              false,
              Instant.now().minus(Duration.ofDays(400)),
              notAfter);
      return new Leaf(keys, cert, certificate);
    }
  }

  record Leaf(KeyPair keys, X509Certificate certificate, X509Certificate issuer) {}

  /** An answer the HTTPS or HTTP server gives for one path. */
  record Page(int status, String contentType, String body) {}

  private final HttpsServer https;
  private final HttpServer http;
  private final ServerSocket ftp;
  private final int closedPort;

  private TestSite(HttpsServer https, HttpServer http, ServerSocket ftp, int closedPort) {
    this.https = https;
    this.http = http;
    this.ftp = ftp;
    this.closedPort = closedPort;
  }

  /** What the site does; the defaults are the clean site. */
  static final class Builder {
    private Leaf leaf;
    private boolean hsts = true;
    private boolean redirect = true;
    private boolean anyPathIs200 = false;
    private String ftpAuthTlsReply = null;
    private final Map<String, Page> pages = new HashMap<>();

    Builder leaf(Leaf value) {
      leaf = value;
      return this;
    }

    Builder noHsts() {
      hsts = false;
      return this;
    }

    Builder noRedirect() {
      redirect = false;
      return this;
    }

    Builder anyPathIs200() {
      anyPathIs200 = true;
      return this;
    }

    /** An FTP greeting on a port, answering AUTH TLS with {@code reply}. */
    Builder ftp(String reply) {
      ftpAuthTlsReply = reply;
      return this;
    }

    Builder page(String path, Page page) {
      pages.put(path, page);
      return this;
    }

    TestSite start() throws Exception {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      HttpsServer https = HttpsServer.create(new InetSocketAddress(loopback, 0), 0);
      https.setHttpsConfigurator(new HttpsConfigurator(serverContext(leaf)));
      https.createContext(
          "/",
          exchange -> {
            if (hsts) {
              exchange.getResponseHeaders().add("Strict-Transport-Security", "max-age=31536000");
            }
            Page page = pages.get(exchange.getRequestURI().getRawPath());
            if (page == null) {
              page =
                  anyPathIs200
                      ? new Page(200, "text/html", "<!DOCTYPE html><html>Home</html>")
                      : new Page(404, "text/html", "<html>Not found</html>");
            }
            answer(exchange, page);
          });
      https.start();
      HttpServer http = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
      int httpsPort = https.getAddress().getPort();
      http.createContext(
          "/",
          exchange -> {
            if (redirect) {
              exchange
                  .getResponseHeaders()
                  .add(
                      "Location",
                      "https://" + HOST + ":" + httpsPort + exchange.getRequestURI().toString());
              answer(exchange, new Page(301, "text/html", ""));
            } else {
              answer(exchange, new Page(200, "text/html", "<html>Welcome</html>"));
            }
          });
      http.start();
      ServerSocket ftp = null;
      if (ftpAuthTlsReply != null) {
        ftp = new ServerSocket(0, 5, loopback);
        ServerSocket listening = ftp;
        String reply = ftpAuthTlsReply;
        Thread thread =
            new Thread(
                () -> {
                  while (!listening.isClosed()) {
                    try (Socket s = listening.accept()) {
                      OutputStream out = s.getOutputStream();
                      out.write(
                          "220-Welcome\r\n220 Test FTP ready\r\n"
                              .getBytes(StandardCharsets.US_ASCII));
                      out.flush();
                      String command = readLine(s.getInputStream());
                      if (command.startsWith("AUTH TLS")) {
                        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                      } else {
                        out.write("530 Not logged in\r\n".getBytes(StandardCharsets.US_ASCII));
                      }
                      out.flush();
                      readLine(s.getInputStream());
                    } catch (IOException e) {
                      // Closed by the test, or the client left.
                    }
                  }
                },
                "test-ftp");
        thread.setDaemon(true);
        thread.start();
      }
      int closed;
      try (ServerSocket probe = new ServerSocket(0, 1, loopback)) {
        closed = probe.getLocalPort();
      }
      return new TestSite(https, http, ftp, closed);
    }
  }

  static Builder builder() {
    return new Builder();
  }

  int httpsPort() {
    return https.getAddress().getPort();
  }

  int httpPort() {
    return http.getAddress().getPort();
  }

  /** The FTP port, or a port nothing listens on when the site has no FTP. */
  int ftpPort() {
    return ftp == null ? closedPort : ftp.getLocalPort();
  }

  int closedPort() {
    return closedPort;
  }

  String url() {
    return "https://" + HOST + ":" + httpsPort() + "/";
  }

  SiteTarget target() {
    return SiteTarget.parse(url(), httpPort(), ftpPort());
  }

  @Override
  public void close() throws IOException {
    https.stop(0);
    http.stop(0);
    if (ftp != null) {
      ftp.close();
    }
  }

  private static void answer(HttpExchange exchange, Page page) throws IOException {
    try (exchange) {
      byte[] body = page.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", page.contentType());
      exchange.sendResponseHeaders(page.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\n' && line.length() < 200) {
      line.append((char) b);
    }
    return line.toString().trim();
  }

  static SSLContext serverContext(Leaf leaf) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "test".toCharArray();
    store.setKeyEntry(
        "site",
        leaf.keys().getPrivate(),
        password,
        new Certificate[] {leaf.certificate(), leaf.issuer()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  static X509Certificate sign(
      String subject,
      KeyPair subjectKeys,
      String issuer,
      PrivateKey issuerKey,
      boolean ca,
      Instant notBefore,
      Instant notAfter)
      throws Exception {
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            new X500Name("CN=" + issuer),
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(notBefore),
            Date.from(notAfter),
            new X500Name("CN=" + subject),
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (!ca) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, HOST),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
  }
}
