package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.Https;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar broker.jar} as an operator runs it, with a fresh data directory: ready within
 * the time budget, TLS 1.2/1.3 only with ECDHE AEAD suites, its own certificate (never Payara's), a
 * private data directory, and plain HTTP that only redirects.
 */
class LauncherIT {
  private static BrokerProcess broker;
  private static Path data;
  private static int httpsPort;
  private static int httpPort;
  private static X509Certificate certificate;

  @BeforeAll
  static void start() throws Exception {
    Path work = BrokerHome.freshDirectory("launcher");
    data = work.resolve("data");
    httpsPort = BrokerHome.freePort();
    httpPort = BrokerHome.freePort();
    broker =
        BrokerProcess.start(
                work,
                Map.of(
                    "BROKER_DATA_DIR", data.toString(),
                    "BROKER_HTTPS_PORT", Integer.toString(httpsPort),
                    "BROKER_HTTP_PORT", Integer.toString(httpPort)))
            .awaitReady(Duration.ofSeconds(120));
    certificate = Https.servedChain(data).get(0);
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static String handshake(String protocol, String... suites) throws Exception {
    var context = Https.trusting(certificate);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", httpsPort)) {
      socket.setSoTimeout(10_000);
      socket.setEnabledProtocols(new String[] {protocol});
      if (suites.length > 0) {
        socket.setEnabledCipherSuites(suites);
      }
      socket.startHandshake();
      return socket.getSession().getProtocol() + " " + socket.getSession().getCipherSuite();
    }
  }

  @Test
  void printsItsUrlWhenReady() throws Exception {
    assertTrue(
        broker.stdout().contains("broker: ready at https://localhost:" + httpsPort + "/"),
        broker.stdout());
  }

  @Test
  void tls13IsAccepted() throws Exception {
    assertTrue(handshake("TLSv1.3").startsWith("TLSv1.3 "));
  }

  @Test
  void tls12IsAcceptedWithEcdheAead() throws Exception {
    String session = handshake("TLSv1.2");
    assertTrue(session.startsWith("TLSv1.2 TLS_ECDHE_"), session);
    assertTrue(session.contains("_GCM_") || session.contains("CHACHA20"), session);
  }

  @Test
  void tls11IsRefused() {
    assertThrows(IOException.class, () -> handshake("TLSv1.1"));
  }

  @Test
  void tls10IsRefused() {
    assertThrows(IOException.class, () -> handshake("TLSv1"));
  }

  @Test
  void cbcSuitesAreRefused() {
    assertThrows(
        SSLHandshakeException.class,
        () ->
            handshake(
                "TLSv1.2",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"));
  }

  @Test
  void staticRsaAndDheSuitesAreRefused() {
    assertThrows(
        SSLHandshakeException.class,
        () ->
            handshake(
                "TLSv1.2",
                "TLS_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"));
  }

  @Test
  void certificateIsTheBrokersOwnNotPayaras() throws Exception {
    String subject = certificate.getSubjectX500Principal().getName();
    assertFalse(subject.contains("Payara"), subject);
    assertTrue(subject.contains("CMS Security Broker"), subject);
    List<String> names =
        certificate.getSubjectAlternativeNames().stream()
            .map(n -> String.valueOf(n.get(1)))
            .toList();
    assertTrue(names.contains("localhost") && names.contains("127.0.0.1"), names.toString());
    long days =
        Duration.between(
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant())
            .toDays();
    assertTrue(days <= 398, "validity " + days + " days");
    // And the certificate actually served is this one.
    var context = Https.trusting(certificate);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", httpsPort)) {
      socket.startHandshake();
      assertEquals(certificate, socket.getSession().getPeerCertificates()[0]);
    }
  }

  @Test
  void dataDirectoryIsPrivate() throws Exception {
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
    for (Path file :
        List.of(data.resolve("tls/self-signed-key.pem"), data.resolve("runtime/keystore.p12"))) {
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
          file.toString());
    }
  }

  @Test
  void readinessReportsDaysToCertificateExpiry() throws Exception {
    HttpClient client = Https.client(data);
    HttpResponse<String> ready =
        Https.get(client, "https://localhost:" + httpsPort + "/health/ready");
    assertEquals(200, ready.statusCode());
    assertTrue(ready.body().contains("\"daysToExpiry\""), ready.body());
    assertTrue(ready.body().contains("\"schemaVersion\""), ready.body());
  }

  @Test
  void plainHttpRedirectsWith301() throws Exception {
    HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpResponse<String> response =
        Https.get(plain, "http://127.0.0.1:" + httpPort + "/some/path?x=1");
    assertEquals(301, response.statusCode());
    assertEquals(
        "https://localhost:" + httpsPort + "/some/path?x=1",
        response.headers().firstValue("location").orElse(null));
    assertEquals("", response.body());
  }

  @Test
  void malformedPercentEncodingDoesNotFloodTheLog() throws Exception {
    HttpClient client = Https.client(data);
    for (int i = 0; i < 5; i++) {
      try {
        Https.send(
            client,
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("https://localhost:" + httpsPort + "/%25zz"))
                .build());
      } catch (IOException ignored) {
        // The answer does not matter here; the log does.
      }
    }
    // Raw "/%zz" cannot be built with java.net.URI; send it over a socket.
    var context = Https.trusting(certificate);
    for (int i = 0; i < 5; i++) {
      try (SSLSocket socket =
          (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", httpsPort)) {
        socket.setSoTimeout(5000);
        socket
            .getOutputStream()
            .write("GET /%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes());
        socket.getInputStream().readAllBytes();
      }
    }
    Thread.sleep(500);
    String log = broker.stdout() + broker.stderr();
    assertFalse(log.contains("NumberFormatException"), "stack traces in the log");
    assertTrue(log.contains("malformed percent-encoding"), "one summary line instead");
  }
}
