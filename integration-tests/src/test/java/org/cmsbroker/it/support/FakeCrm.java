package org.cmsbroker.it.support;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;

/**
 * A fake CRM receiving the broker's callbacks: an HTTP server (JDK) on 127.0.0.1 with one receiver
 * per path, each with its client's {@code whsec_} secret and an answer per attempt. Records every
 * request and verifies its Standard Webhooks signature with the specification's own library at the
 * moment it arrives. Thread-safe.
 */
public final class FakeCrm implements AutoCloseable {

  /**
   * One request as the CRM saw it.
   *
   * @param webhookId its {@code webhook-id}
   * @param body the raw JSON body
   * @param verified whether the signature verified with the receiver's secret
   * @param answered the status the CRM answered
   */
  public record Received(String webhookId, String body, boolean verified, int answered) {}

  private record Receiver(String secret, IntUnaryOperator answer, List<Received> received) {}

  private final HttpServer server;
  private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();

  private FakeCrm(HttpServer server) {
    this.server = server;
  }

  /** A CRM on a free port of 127.0.0.1. */
  public static FakeCrm start() throws IOException {
    return start(0);
  }

  /** A CRM on {@code port} of 127.0.0.1 (0 for any free port). */
  public static FakeCrm start(int port) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    FakeCrm crm = new FakeCrm(server);
    server.createContext("/", crm::handle);
    server.setExecutor(
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "fake-crm");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    return crm;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The URL of the receiver at {@code path} (for example {@code /hooks/a}). */
  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  /**
   * Receives at {@code path}, verifying with {@code secret}; {@code answer} gives the status for
   * the n-th request to this path (1 for the first).
   */
  public void receive(String path, String secret, IntUnaryOperator answer) {
    receivers.put(path, new Receiver(secret, answer, new ArrayList<>()));
  }

  /** Changes the answers of the receiver at {@code path}, keeping what it received. */
  public void answer(String path, IntUnaryOperator answer) {
    receivers.computeIfPresent(path, (p, r) -> new Receiver(r.secret(), answer, r.received()));
  }

  /** What {@code path} received so far, in order. */
  public List<Received> received(String path) {
    Receiver receiver = receivers.get(path);
    if (receiver == null) {
      return List.of();
    }
    synchronized (receiver.received()) {
      return List.copyOf(receiver.received());
    }
  }

  /** The requests to {@code path} that the CRM answered with 2xx. */
  public List<Received> accepted(String path) {
    return received(path).stream().filter(r -> r.answered() / 100 == 2).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] bytes;
      try (InputStream in = exchange.getRequestBody()) {
        bytes = in.readAllBytes();
      }
      Receiver receiver = receivers.get(exchange.getRequestURI().getPath());
      if (receiver == null || !"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String body = new String(bytes, StandardCharsets.UTF_8);
      Map<String, List<String>> headers = new HashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
      boolean verified;
      try {
        new Webhook(receiver.secret()).verify(body, headers);
        verified = true;
      } catch (WebhookVerificationException | RuntimeException e) {
        verified = false;
      }
      String id = headers.getOrDefault("webhook-id", List.of("")).get(0);
      int status;
      synchronized (receiver.received()) {
        status = receiver.answer().applyAsInt(receiver.received().size() + 1);
        receiver.received().add(new Received(id, body, verified, status));
      }
      exchange.sendResponseHeaders(status, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
