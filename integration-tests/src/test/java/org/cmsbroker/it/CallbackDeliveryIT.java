package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.auth.Secret;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.FakeCrm;
import org.cmsbroker.it.support.FakeStripe;
import org.cmsbroker.it.support.PaymentJson;
import org.cmsbroker.it.support.PaymentsBroker;
import org.cmsbroker.it.support.PostgresSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CRM callbacks end to end: broker.jar (on H2 and on PostgreSQL, one broker per database for the
 * whole class, started lazily; a fake Stripe) turns Stripe webhooks into callbacks that a fake CRM
 * in this JVM receives and verifies with the Standard Webhooks library and the secret {@code admin
 * client rotate-callback-secret} printed. The outbox is swept every second and retries start from
 * one second, so faults resolve quickly; every wait is a polling loop with a generous deadline.
 * Each test has its own client and receiver path.
 */
class CallbackDeliveryIT {
  static final String WEBHOOK_SECRET = "whsec_" + "itCallbackWebhookSecretForTests01";
  static final String ORIGIN = "https://cms.example.org";
  static final Duration DEADLINE = Duration.ofSeconds(240);

  private static WireMockServer stripe;
  private static FakeCrm crm;
  private static final Map<String, Db> BROKERS = new ConcurrentHashMap<>();

  /** One broker on one database, and its PostgreSQL schema (null on H2). */
  record Db(String name, PaymentsBroker broker, PostgresSchema schema) {}

  /** One CMS site: its broker, client, access token, receiver path and callback secret. */
  record Site(Db db, String clientId, String token, String path, String callbackSecret) {
    PaymentsBroker broker() {
      return db.broker();
    }
  }

  static Stream<String> databases() {
    return Stream.of("H2", "PostgreSQL");
  }

  @BeforeAll
  static void start() throws Exception {
    stripe = FakeStripe.start();
    crm = FakeCrm.start();
  }

  private static synchronized Db on(String database) throws Exception {
    Db running = BROKERS.get(database);
    if (running != null) {
      return running;
    }
    PostgresSchema schema = database.equals("PostgreSQL") ? new PostgresSchema() : null;
    PaymentsBroker.Builder builder =
        PaymentsBroker.builder("callbacks-" + database.toLowerCase(Locale.ROOT))
            .stripe(stripe)
            .webhookSecret(WEBHOOK_SECRET)
            .callbacksEverySecond()
            // The fake CRM listens on loopback, which outbound calls refuse unless allowed.
            .setting("BROKER_OUTBOUND_ALLOWED_CIDRS", "127.0.0.0/8");
    if (schema != null) {
      builder.database(schema);
    }
    Db started = new Db(database, builder.start().awaitReady(), schema);
    BROKERS.put(database, started);
    return started;
  }

  @AfterAll
  static void stop() throws Exception {
    List<Object> all = new ArrayList<>();
    for (Db b : BROKERS.values()) {
      all.add(b.broker());
      all.add(b.schema());
    }
    all.add(crm);
    all.add(stripe);
    PaymentsBroker.stopAll(all.toArray());
  }

  // ---- the operator's side: broker.jar admin ----

  private static String adminOk(Db db, String... args) throws Exception {
    return db.broker().adminOk(args);
  }

  /**
   * Registers a client, points its callbacks at {@code url} and gives it a callback secret; the CRM
   * receives at {@code path} with that secret, answering the n-th request with {@code answer}.
   */
  private static Site site(Db db, String clientId, String path, String url, IntUnaryOperator answer)
      throws Exception {
    Secret secret = db.broker().addClient(clientId, ORIGIN);
    adminOk(db, "client", "update", "--client-id", clientId, "--callback-url", url);
    String rotated = adminOk(db, "client", "rotate-callback-secret", "--client-id", clientId);
    Matcher whsec = Pattern.compile("callback secret: (whsec_\\S+)").matcher(rotated);
    assertTrue(whsec.find(), rotated);
    String listed = adminOk(db, "client", "list");
    assertTrue(listed.contains(url), listed);
    assertTrue(!listed.contains(whsec.group(1)), "client list never shows the secret");
    crm.receive(path, whsec.group(1), answer);
    return new Site(db, clientId, db.broker().token(clientId, secret), path, whsec.group(1));
  }

  /**
   * A site on the broker of {@code database}; the client id carries the database's name so the two
   * brokers' callbacks reach different receiver paths of the one fake CRM.
   */
  private static Site site(String database, String clientId, IntUnaryOperator answer)
      throws Exception {
    Db db = on(database);
    String id = clientId + "-" + database.toLowerCase(Locale.ROOT);
    String path = "/crm/" + id;
    return site(db, id, path, crm.url(path), answer);
  }

  /** One row of {@code admin callbacks list}: id, status and attempts. */
  record Row(String id, String status, int attempts, String line) {}

  private static List<Row> callbacks(Site site) throws Exception {
    String out = adminOk(site.db(), "callbacks", "list", "--client", site.clientId());
    List<Row> rows = new ArrayList<>();
    for (String line : out.lines().toList()) {
      if (line.startsWith("msg_")) {
        String[] cells = line.split("\\s{2,}");
        rows.add(new Row(cells[0], cells[3], Integer.parseInt(cells[4]), line));
      }
    }
    assertTrue(!out.contains("\"payment_id\""), "the list never shows payloads");
    return rows;
  }

  /** Waits until every callback of the client is delivered; returns them. */
  private static List<Row> allDelivered(Site site) throws Exception {
    return await(
        "every callback of " + site.clientId() + " delivered",
        () -> {
          List<Row> rows = callbacks(site);
          return !rows.isEmpty() && rows.stream().allMatch(r -> r.status().equals("delivered"))
              ? rows
              : null;
        });
  }

  private static <T> T await(String what, Callable<T> probe) throws Exception {
    Instant deadline = Instant.now().plus(DEADLINE);
    while (Instant.now().isBefore(deadline)) {
      T value = probe.call();
      if (value != null && !Boolean.FALSE.equals(value)) {
        return value;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("gave up waiting for: " + what);
  }

  // ---- the CMS's side: payments API, and Stripe's webhooks ----

  private static Map<String, Object> createPayment(Site site, String reference) throws Exception {
    return site.broker()
        .createdPayment(
            site.token(), PaymentJson.donation(1250, reference, ORIGIN).mode("redirect"));
  }

  private static Map<String, Object> payment(Site site, String id) throws Exception {
    return site.broker().payment(site.token(), id);
  }

  private static void stripeSends(Site site, String event) throws Exception {
    HttpResponse<String> answer = site.broker().webhook(event, WEBHOOK_SECRET);
    assertEquals(200, answer.statusCode(), answer.body());
  }

  private static String completed(Map<String, Object> payment, long created) {
    return FakeStripe.sessionEvent(
        eventId(), "checkout.session.completed", created, payment, "paid");
  }

  private static String eventId() {
    return "evt_" + UUID.randomUUID().toString().replace("-", "");
  }

  /**
   * On PostgreSQL, the security events of {@code type} for the site's client; -1 on H2, whose file
   * database the running broker holds open (the events are not listed by an admin command).
   */
  private static long securityEvents(String type, Site site) throws Exception {
    if (site.db().schema() == null) {
      return -1;
    }
    String clientId = site.clientId();
    try (Connection c = site.db().schema().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM security_event WHERE event_type = ? AND client_id = ?")) {
      s.setString(1, type);
      s.setString(2, clientId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  // ---- the cases ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aPaidSessionIsCalledBackOnceSignedWithThePaymentsOutcome(String database) throws Exception {
    Site site = site(database, "cms-a", n -> 204);
    Map<String, Object> payment = createPayment(site, "contrib-a-1");
    String id = (String) payment.get("id");

    stripeSends(site, completed(payment, Instant.now().getEpochSecond()));

    List<Row> rows = allDelivered(site);
    assertEquals(1, rows.size(), rows.toString());
    List<FakeCrm.Received> received = crm.received(site.path());
    assertEquals(1, received.size(), received.toString());
    FakeCrm.Received callback = received.get(0);
    assertTrue(callback.verified(), "signature verifies with the client's whsec_ secret");
    assertEquals(rows.get(0).id(), callback.webhookId());
    Map<String, Object> body = JSONObjectUtils.parse(callback.body());
    assertEquals("payment.succeeded", body.get("type"));
    assertEquals(id, body.get("payment_id"));
    assertEquals("contrib-a-1", body.get("reference"));
    assertEquals("succeeded", body.get("status"));
    assertEquals("succeeded", payment(site, id).get("status"));

    // The delivery is in the audit log, written with the outbox's own update.
    List<Object> delivered =
        JSONObjectUtils.getJSONArray(
            JSONObjectUtils.parse(
                adminOk(
                        site.db(),
                        "audit",
                        "list",
                        "--json",
                        "--client",
                        site.clientId(),
                        "--type",
                        "callback.delivered")
                    .strip()),
            "events");
    assertEquals(1, delivered.size(), delivered.toString());
    assertEquals(
        "message=" + rows.get(0).id() + " status=204",
        ((Map<?, ?>) delivered.get(0)).get("detail"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void callbacksCarryStripesEventTimeAndAPerPaymentSequenceSoALateSuccessCanBeDropped(
      String database) throws Exception {
    Site site = site(database, "cms-order", n -> 204);
    Map<String, Object> payment = createPayment(site, "contrib-order-1");
    String pi = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    long paidAt = Instant.now().minusSeconds(600).getEpochSecond();
    long refundedAt = paidAt + 300;

    stripeSends(
        site,
        FakeStripe.sessionEvent(
            eventId(), "checkout.session.completed", paidAt, payment, "paid", pi));
    stripeSends(
        site,
        """
        {"id": "%s", "object": "event", "api_version": "2024-06-20", "created": %d,
         "data": {"object": {"id": "ch_%s", "object": "charge", "amount": 1250,
           "amount_refunded": 1250, "metadata": {}, "paid": true, "payment_intent": "%s",
           "refunded": true, "status": "succeeded"}},
         "livemode": false, "pending_webhooks": 1, "type": "charge.refunded"}
        """
            .formatted(eventId(), refundedAt, pi.substring(3), pi));

    List<Row> rows = allDelivered(site);
    assertEquals(2, rows.size(), rows.toString());
    Map<Long, Map<String, Object>> bySequence = new java.util.TreeMap<>();
    for (FakeCrm.Received callback : crm.received(site.path())) {
      Map<String, Object> body = JSONObjectUtils.parse(callback.body());
      bySequence.put(((Number) body.get("sequence")).longValue(), body);
    }
    assertEquals(List.of(1L, 2L), List.copyOf(bySequence.keySet()));
    Map<String, Object> first = bySequence.get(1L);
    Map<String, Object> second = bySequence.get(2L);
    assertEquals("payment.succeeded", first.get("type"));
    assertEquals(Instant.ofEpochSecond(paidAt).toString(), first.get("occurred_at"));
    assertEquals("payment.refunded", second.get("type"));
    assertEquals(Instant.ofEpochSecond(refundedAt).toString(), second.get("occurred_at"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aCrmDownForThreeAttemptsGetsExactlyOneDeliveryWithOneWebhookId(String database)
      throws Exception {
    Site site = site(database, "cms-b", n -> n <= 3 ? 503 : 200);
    Map<String, Object> payment = createPayment(site, "contrib-b-1");

    stripeSends(site, completed(payment, Instant.now().getEpochSecond()));

    List<Row> rows = allDelivered(site);
    assertEquals(1, rows.size(), rows.toString());
    assertEquals(4, rows.get(0).attempts(), rows.get(0).line());
    List<FakeCrm.Received> received = crm.received(site.path());
    assertEquals(
        List.of(503, 503, 503, 200), received.stream().map(FakeCrm.Received::answered).toList());
    assertTrue(received.stream().allMatch(FakeCrm.Received::verified), received.toString());
    assertTrue(
        received.stream().allMatch(r -> r.webhookId().equals(rows.get(0).id())),
        "every attempt carries the same webhook-id: " + received);
    assertEquals(1, crm.accepted(site.path()).size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void callbacksQueuedWhileTheBrokerRestartsAreDeliveredAfterwards(String database)
      throws Exception {
    int crmPort = BrokerHome.freePort();
    Db db = on(database);
    String clientId = "cms-c-" + database.toLowerCase(Locale.ROOT);
    String path = "/crm/" + clientId;
    // Nothing listens on crmPort yet: the CRM is down.
    Site site = site(db, clientId, path, "http://127.0.0.1:" + crmPort + path, n -> 200);
    Map<String, Object> first = createPayment(site, "contrib-c-1");
    Map<String, Object> second = createPayment(site, "contrib-c-2");
    stripeSends(site, completed(first, Instant.now().getEpochSecond()));
    stripeSends(site, completed(second, Instant.now().getEpochSecond()));
    List<Row> queued =
        await(
            "two callbacks tried and still pending",
            () -> {
              List<Row> rows = callbacks(site);
              return rows.size() == 2
                      && rows.stream()
                          .allMatch(r -> r.attempts() >= 1 && r.status().equals("pending"))
                  ? rows
                  : null;
            });
    assertTrue(queued.get(0).line().contains("no answer: ConnectException"), queued.toString());

    site.broker().restart();
    try (FakeCrm upAgain = FakeCrm.start(crmPort)) {
      upAgain.receive(path, site.callbackSecret(), n -> 200);

      List<Row> rows = allDelivered(site);

      assertEquals(
          queued.stream().map(Row::id).sorted().toList(),
          rows.stream().map(Row::id).sorted().toList());
      List<FakeCrm.Received> received = upAgain.received(path);
      assertEquals(2, received.size(), received.toString());
      assertTrue(received.stream().allMatch(FakeCrm.Received::verified));
      assertEquals(
          rows.stream().map(Row::id).sorted().toList(),
          received.stream().map(FakeCrm.Received::webhookId).sorted().toList());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void duplicateAndOlderWebhooksLeaveTheRightStateAndOneCallback(String database) throws Exception {
    Site site = site(database, "cms-d", n -> 200);
    Map<String, Object> payment = createPayment(site, "contrib-d-1");
    String id = (String) payment.get("id");
    long now = Instant.now().getEpochSecond();
    String completed = completed(payment, now);

    stripeSends(site, completed);
    stripeSends(site, completed);
    stripeSends(
        site,
        FakeStripe.sessionEvent(
            eventId(), "checkout.session.expired", now - 600, payment, "unpaid"));
    stripeSends(site, completed);

    assertEquals("succeeded", payment(site, id).get("status"));
    List<Row> rows = allDelivered(site);
    assertEquals(1, rows.size(), "one state change, one callback: " + rows);
    List<FakeCrm.Received> received = crm.received(site.path());
    assertEquals(1, received.size(), received.toString());
    assertEquals("succeeded", JSONObjectUtils.parse(received.get(0).body()).get("status"));
    assertEquals("succeeded", payment(site, id).get("status"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aGoneReceiverMakesADeadCallbackThatAReplayResendsWithTheSameId(String database)
      throws Exception {
    Site site = site(database, "cms-e", n -> 410);
    Map<String, Object> payment = createPayment(site, "contrib-e-1");
    stripeSends(site, completed(payment, Instant.now().getEpochSecond()));

    Row dead =
        await(
            "the callback dead after a 410",
            () -> {
              String out =
                  adminOk(
                      site.db(),
                      "callbacks",
                      "list",
                      "--client",
                      site.clientId(),
                      "--status",
                      "dead");
              return callbacks(site).stream()
                  .filter(r -> r.status().equals("dead") && out.contains(r.id()))
                  .findFirst()
                  .orElse(null);
            });
    assertTrue(dead.line().contains("410"), dead.line());
    assertEquals(1, crm.received(site.path()).size());
    assertTrue(
        Set.of(-1L, 1L).contains(securityEvents("callback.dead", site)), "one callback.dead event");

    crm.answer(site.path(), n -> 200);
    String replayed = adminOk(site.db(), "callbacks", "replay", dead.id());
    assertTrue(replayed.contains("replaying callback " + dead.id()), replayed);

    List<Row> rows = allDelivered(site);
    assertEquals(List.of(dead.id()), rows.stream().map(Row::id).toList());
    List<FakeCrm.Received> received = crm.received(site.path());
    assertEquals(List.of(410, 200), received.stream().map(FakeCrm.Received::answered).toList());
    assertTrue(
        received.stream().allMatch(r -> r.webhookId().equals(dead.id())), received.toString());
    assertTrue(received.get(1).verified());
    assertTrue(
        Set.of(-1L, 1L).contains(securityEvents("callback.replayed", site)),
        "one callback.replayed event");
  }
}
