package org.cmsbroker.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BoundedHttpClientTest {
  private HttpServer server;
  private URI base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/ok",
        exchange -> {
          byte[] body = "accepted".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(202, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.createContext(
        "/big",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(new byte[64 * 1024]);
          }
        });
    server.createContext(
        "/trickle",
        exchange -> {
          // Headers at once, then a body that never ends in time.
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 100; i++) {
              out.write('x');
              out.flush();
              Thread.sleep(200);
            }
          } catch (InterruptedException | IOException e) {
            // the client gave up
          }
        });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static BoundedHttpClient client(Duration maxRequest, int maxBody) {
    return new BoundedHttpClient(Duration.ofSeconds(5), maxRequest, maxBody);
  }

  @Test
  void answerIsReturnedWithItsBody() throws Exception {
    BoundedHttpClient.Answer answer =
        client(Duration.ofSeconds(10), 1024)
            .post(
                base.resolve("/ok"),
                Map.of("Content-Type", "application/json"),
                "{}",
                Duration.ofSeconds(10));
    assertEquals(202, answer.status());
    assertEquals("accepted", answer.body());
    assertFalse(answer.truncated());
  }

  @Test
  void bodyBeyondTheLimitIsCutAndSaidSo() throws Exception {
    BoundedHttpClient.Answer answer =
        client(Duration.ofSeconds(10), 1024)
            .post(base.resolve("/big"), Map.of(), "{}", Duration.ofSeconds(10));
    assertEquals(200, answer.status());
    assertEquals(1024, answer.body().length());
    assertTrue(answer.truncated());
  }

  @Test
  void aBodyThatTricklesPastTheTimeoutEndsTheExchange() {
    // The JDK's own request timeout stops at the headers; this one covers the body too.
    assertThrows(
        HttpTimeoutException.class,
        () ->
            client(Duration.ofMillis(500), 1024 * 1024)
                .post(base.resolve("/trickle"), Map.of(), "{}", Duration.ofSeconds(10)));
  }
}
