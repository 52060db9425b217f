package org.cmsbroker.callback.civicrm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CiviCRM for tests, over HTTP: the APIv4 AJAX route with authx's header checks, and in memory
 * the few entities the adapter uses, with CiviCRM's Payment API status rules (a payment completing
 * the contribution makes it Completed, payments adding up to zero make a Completed one Refunded).
 * Public for integration-tests, which get it through this module's test-jar. Thread-safe.
 */
public final class FakeCiviCrm implements AutoCloseable {
  static final class Contribution {
    final long id;
    final String currency;
    final BigDecimal total;
    String status;

    Contribution(long id, String currency, BigDecimal total, String status) {
      this.id = id;
      this.currency = currency;
      this.total = total;
      this.status = status;
    }
  }

  public record Payment(
      long id, long contributionId, String trxnId, BigDecimal total, JsonObject sent) {
    /** The fee recorded ({@code fee_amount}), or null when none was sent. */
    public BigDecimal fee() {
      return sent.has("fee_amount") ? sent.get("fee_amount").getAsBigDecimal() : null;
    }

    /** The net amount CiviCRM books: total less the fee. */
    public BigDecimal net() {
      return fee() == null ? total : total.subtract(fee());
    }

    /** The {@code trxn_date} sent, as CiviCRM reads it (the site's local time). */
    public String trxnDate() {
      return sent.get("trxn_date").getAsString();
    }
  }

  public record Note(long entityId, String subject) {}

  private final HttpServer server;
  private final String apiKey;
  private volatile String requiredSiteKey;
  final Map<Long, Contribution> contributions = new LinkedHashMap<>();
  final List<Payment> payments = new ArrayList<>();
  final List<Note> notes = new ArrayList<>();
  final List<String> calls = new ArrayList<>();
  private final List<Integer> answered = new ArrayList<>();
  private final Deque<Integer> failures = new ArrayDeque<>();
  private volatile long delayMillis;
  private volatile String overrideBody;

  /** A CiviCRM on a free port of 127.0.0.1 that accepts only {@code apiKey}. */
  public FakeCiviCrm(String apiKey) throws IOException {
    this.apiKey = apiKey;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The base URL (a client's callback URL). */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Adds (or replaces) a contribution; {@code total} in major units, for example 12.50. */
  public synchronized void contribution(long id, String currency, String total, String status) {
    contributions.put(id, new Contribution(id, currency, new BigDecimal(total), status));
  }

  /** The contribution's status name, for example Pending or Completed. */
  public synchronized String status(long id) {
    return contributions.get(id).status;
  }

  /** Every payment recorded, in order. */
  public synchronized List<Payment> payments() {
    return List.copyOf(payments);
  }

  /** The API calls that passed authentication, as {@code Entity/action}, in order. */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** The HTTP status of every answer given, in order (authentication refusals included). */
  public synchronized List<Integer> answered() {
    return List.copyOf(answered);
  }

  /** authx's site_key guard, with the perm guard not met by the API user. */
  public void requireSiteKey(String siteKey) {
    requiredSiteKey = siteKey;
  }

  /** The next answers have these statuses (with CiviCRM-like bodies). */
  public synchronized void failNext(int... statuses) {
    for (int s : statuses) {
      failures.add(s);
    }
  }

  public void delay(long millis) {
    delayMillis = millis;
  }

  /** Every answer is 200 with this body (a CMS page at a wrong URL, say). */
  public void answerWith(String body) {
    overrideBody = body;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (overrideBody != null) {
        send(ex, 200, "text/html", overrideBody);
        return;
      }
      if (!"POST".equals(ex.getRequestMethod())) {
        send(ex, 405, "application/json", "{\"error_code\":405}");
        return;
      }
      if (!"XMLHttpRequest".equals(ex.getRequestHeaders().getFirst("X-Requested-With"))) {
        send(
            ex,
            400,
            "application/json",
            "{\"error_code\":400,\"error_message\":\"SECURITY ALERT: Ajax requests can only be"
                + " issued by javascript clients\"}");
        return;
      }
      if (!("Bearer " + apiKey).equals(ex.getRequestHeaders().getFirst("X-Civi-Auth"))) {
        send(ex, 401, "text/plain", "HTTP 401 Invalid credential");
        return;
      }
      String siteKey = requiredSiteKey;
      if (siteKey != null && !siteKey.equals(ex.getRequestHeaders().getFirst("X-Civi-Key"))) {
        send(ex, 401, "text/plain", "HTTP 401 Login not permitted. Must satisfy guard (site_key).");
        return;
      }
      Integer failure;
      synchronized (this) {
        failure = failures.poll();
      }
      if (failure != null) {
        send(
            ex,
            failure,
            "application/json",
            "{\"error_code\":\"1\",\"error_message\":\"Sorry an error occurred and your request"
                + " was not completed. (Error ID: AB12-CD34-EF56) for "
                + apiKey
                + "\",\"status\":"
                + failure
                + "}");
        return;
      }
      String[] path = ex.getRequestURI().getPath().split("/");
      // "", civicrm, ajax, api4, Entity, action
      if (path.length != 6 || !"api4".equals(path[3])) {
        send(ex, 404, "text/html", "<html>Not found</html>");
        return;
      }
      String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      JsonObject params = new JsonObject();
      for (String pair : form.split("&")) {
        if (pair.startsWith("params=")) {
          params =
              JsonParser.parseString(URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8))
                  .getAsJsonObject();
        }
      }
      JsonArray values;
      synchronized (this) {
        calls.add(path[4] + "/" + path[5]);
        values = api(path[4] + "/" + path[5], params);
      }
      if (values == null) {
        send(ex, 500, "application/json", "{\"error_code\":\"1\",\"status\":500}");
        return;
      }
      JsonObject result = new JsonObject();
      result.add("values", values);
      result.addProperty("entity", path[4]);
      result.addProperty("action", path[5]);
      result.addProperty("version", 4);
      result.addProperty("count", values.size());
      send(ex, 200, "application/json", result.toString());
    }
  }

  private JsonArray api(String call, JsonObject params) {
    Map<String, JsonElement> where = new LinkedHashMap<>();
    if (params.has("where")) {
      for (JsonElement c : params.getAsJsonArray("where")) {
        JsonArray cond = c.getAsJsonArray();
        where.put(cond.get(0).getAsString() + " " + cond.get(1).getAsString(), cond.get(2));
      }
    }
    JsonArray out = new JsonArray();
    switch (call) {
      case "Contribution/get" -> {
        Contribution c = contributions.get(where.get("id =").getAsLong());
        if (c != null) {
          JsonObject o = new JsonObject();
          o.addProperty("id", c.id);
          o.addProperty("currency", c.currency);
          o.addProperty("contribution_status_id:name", c.status);
          out.add(o);
        }
      }
      case "Contribution/update" -> {
        Contribution c = contributions.get(where.get("id =").getAsLong());
        JsonElement onlyIf = where.get("contribution_status_id:name =");
        if (c != null && (onlyIf == null || onlyIf.getAsString().equals(c.status))) {
          c.status =
              params.getAsJsonObject("values").get("contribution_status_id:name").getAsString();
          JsonObject o = new JsonObject();
          o.addProperty("id", c.id);
          out.add(o);
        }
      }
      case "FinancialTrxn/get" -> {
        String like = where.get("trxn_id LIKE").getAsString();
        String prefix = like.substring(0, like.length() - 1);
        for (Payment p : payments) {
          if (p.trxnId().startsWith(prefix)) {
            JsonObject o = new JsonObject();
            o.addProperty("id", p.id());
            o.addProperty("trxn_id", p.trxnId());
            o.addProperty("total_amount", p.total());
            out.add(o);
          }
        }
      }
      case "Payment/create" -> {
        JsonObject v = params.getAsJsonObject("values");
        Contribution c = contributions.get(v.get("contribution_id").getAsLong());
        if (c == null) {
          return null;
        }
        // CiviCRM reads trxn_date as the site's local time; this fake insists on the plain form.
        if (v.has("trxn_date")
            && !v.get("trxn_date")
                .getAsString()
                .matches("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")) {
          return null;
        }
        // fee_amount: a non-negative amount, at most the payment (CiviCRM books net = total - fee).
        if (v.has("fee_amount")
            && (v.get("fee_amount").getAsBigDecimal().signum() < 0
                || v.get("fee_amount")
                        .getAsBigDecimal()
                        .compareTo(v.get("total_amount").getAsBigDecimal())
                    > 0)) {
          return null;
        }
        Payment p =
            new Payment(
                payments.size() + 1L,
                c.id,
                v.get("trxn_id").getAsString(),
                v.get("total_amount").getAsBigDecimal(),
                v);
        payments.add(p);
        BigDecimal paid =
            payments.stream()
                .filter(x -> x.contributionId() == c.id)
                .map(Payment::total)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        if (paid.compareTo(c.total) >= 0) {
          c.status = "Completed";
        } else if (paid.signum() == 0 && "Completed".equals(c.status)) {
          c.status = "Refunded";
        } else if (paid.signum() > 0 && "Pending".equals(c.status)) {
          c.status = "Partially paid";
        }
        JsonObject o = new JsonObject();
        o.addProperty("id", p.id());
        out.add(o);
      }
      case "Note/get" -> {
        for (Note n : notes) {
          if (n.entityId() == where.get("entity_id =").getAsLong()
              && n.subject().equals(where.get("subject =").getAsString())) {
            out.add(new JsonObject());
          }
        }
      }
      case "Note/create" -> {
        JsonObject v = params.getAsJsonObject("values");
        notes.add(new Note(v.get("entity_id").getAsLong(), v.get("subject").getAsString()));
        out.add(new JsonObject());
      }
      default -> {
        return null;
      }
    }
    return out;
  }

  private void send(HttpExchange ex, int status, String type, String body) throws IOException {
    synchronized (this) {
      answered.add(status);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
