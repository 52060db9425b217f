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
import java.util.List;
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
    return new BoundedHttpClient(
        Duration.ofSeconds(5),
        maxRequest,
        maxBody,
        org.cmsbroker.outbound.OutboundPolicy.allowing("127.0.0.0/8, ::1/128"));
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

  @Test
  void aCallbackToLoopbackIsRefusedWithoutTheSettingAndNothingIsSent() throws Exception {
    java.util.concurrent.atomic.AtomicInteger reached =
        new java.util.concurrent.atomic.AtomicInteger();
    server.createContext(
        "/count",
        exchange -> {
          reached.incrementAndGet();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    BoundedHttpClient publicOnly =
        new BoundedHttpClient(
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            1024,
            org.cmsbroker.outbound.OutboundPolicy.PUBLIC_ONLY);

    for (URI target :
        List.of(
            base.resolve("/count"),
            URI.create("http://localhost:" + server.getAddress().getPort() + "/count"))) {
      org.cmsbroker.outbound.RefusedTargetException e =
          assertThrows(
              org.cmsbroker.outbound.RefusedTargetException.class,
              () -> publicOnly.post(target, Map.of(), "{}", Duration.ofSeconds(5)));
      assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    }
    assertEquals(0, reached.get());
  }

  @Test
  void headersAndBodyArriveAsSentWithTheOriginalHost() throws Exception {
    java.util.concurrent.atomic.AtomicReference<String> seen =
        new java.util.concurrent.atomic.AtomicReference<>();
    server.createContext(
        "/echo",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          seen.set(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Host")
                  + " "
                  + exchange.getRequestHeaders().getFirst("webhook-id")
                  + " "
                  + body);
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });

    BoundedHttpClient.Answer answer =
        client(Duration.ofSeconds(5), 1024)
            .post(
                base.resolve("/echo?x=1"),
                Map.of("webhook-id", "msg_1"),
                "{\"é\":1}",
                Duration.ofSeconds(5));

    assertEquals(204, answer.status());
    assertEquals(
        "POST /echo?x=1 127.0.0.1:" + server.getAddress().getPort() + " msg_1 {\"é\":1}",
        seen.get());
  }

  @Test
  void aHeaderWithALineBreakIsRefused() {
    assertThrows(
        IOException.class,
        () ->
            client(Duration.ofSeconds(5), 1024)
                .post(
                    base.resolve("/ok"),
                    Map.of("webhook-id", "a\r\nX-Injected: 1"),
                    "{}",
                    Duration.ofSeconds(5)));
  }

  @Test
  void aCallbackToLoopbackIsMarkedFailedForGoodWithTheReason() {
    StandardWebhooksDelivery delivery =
        new StandardWebhooksDelivery(
            new JdkHttpSender(
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                org.cmsbroker.outbound.OutboundPolicy.PUBLIC_ONLY),
            java.time.Clock.systemUTC());
    LeasedMessage message =
        new LeasedMessage(
            "msg_1",
            "site",
            "payment.succeeded",
            "{}",
            0,
            java.time.Instant.now(),
            "broker-a",
            java.time.Instant.now().plusSeconds(180));

    DeliveryOutcome outcome =
        delivery.deliver(
            new CallbackTarget(
                base.resolve("/ok"), WebhookSecrets.generate(new java.security.SecureRandom())),
            message);

    DeliveryOutcome.GiveUp giveUp =
        org.junit.jupiter.api.Assertions.assertInstanceOf(DeliveryOutcome.GiveUp.class, outcome);
    assertTrue(giveUp.error().startsWith("target refused: target 127.0.0.1"), giveUp.error());
    assertTrue(giveUp.error().contains("BROKER_OUTBOUND_ALLOWED_CIDRS"), giveUp.error());
  }
}
