package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.oauth2.sdk.auth.Secret;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.cmsbroker.callback.Dispatcher;
import org.cmsbroker.callback.civicrm.FakeCiviCrm;
import org.cmsbroker.it.support.DatabaseBrokers;
import org.cmsbroker.it.support.DatabaseBrokers.Db;
import org.cmsbroker.it.support.FakeStripe;
import org.cmsbroker.it.support.PaymentJson;
import org.cmsbroker.it.support.PaymentsBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CiviCRM callbacks end to end: broker.jar (on H2 and on PostgreSQL, one broker per database for
 * the whole class, started lazily; a fake Stripe) records the outcome of a client's payments in a
 * fake CiviCRM (broker-ejb's, over HTTP in this JVM: APIv4 AJAX route, authx's header checks,
 * CiviCRM's Payment API rules) for a client set up with {@code admin client update
 * --callback-format civicrm} and {@code admin client set-civicrm-credentials}. The outbox is swept
 * every second and retries start from one second; every wait is a polling loop with a generous
 * deadline. Each test has its own client (its id carries the database's name), contribution and
 * CiviCRM.
 */
class CiviCrmCallbackIT {
  static final String WEBHOOK_SECRET = "whsec_" + "itCiviCrmWebhookSecretForTests01";
  static final String ORIGIN = "https://crm.example.org";
  static final Duration DEADLINE = Duration.ofSeconds(240);

  private static WireMockServer stripe;
  private static final DatabaseBrokers<Db> BROKERS =
      DatabaseBrokers.of(
          "civicrm",
          builder ->
              builder
                  .stripe(stripe)
                  .webhookSecret(WEBHOOK_SECRET)
                  .callbacksEverySecond()
                  // The fake CRM listens on loopback, which outbound calls refuse unless allowed.
                  .setting("BROKER_OUTBOUND_ALLOWED_CIDRS", "127.0.0.0/8"));

  /** One CiviCRM site: its broker, client and access token. */
  record Site(Db db, String clientId, String token) {
    PaymentsBroker broker() {
      return db.broker();
    }
  }

  static Stream<String> databases() {
    return DatabaseBrokers.databases();
  }

  @BeforeAll
  static void start() {
    stripe = FakeStripe.start();
  }

  @AfterAll
  static void stop() throws Exception {
    PaymentsBroker.stopAll(BROKERS, stripe);
  }

  // ---- the operator's side: broker.jar admin ----

  private static String adminOk(Site site, String... args) throws Exception {
    return site.broker().adminOk(args);
  }

  /**
   * Registers a client on the broker of {@code database} whose callbacks go to {@code civicrm} with
   * {@code apiKey}; its id is {@code clientId} suffixed with the database's name.
   */
  private static Site site(String database, String clientId, FakeCiviCrm civicrm, String apiKey)
      throws Exception {
    Db db = BROKERS.on(database);
    PaymentsBroker broker = db.broker();
    clientId = clientId + db.suffix();
    Secret secret = broker.addClient("CiviCRM " + clientId, clientId, ORIGIN);
    broker.adminOk(
        "client",
        "update",
        "--client-id",
        clientId,
        "--callback-url",
        civicrm.url().toString(),
        "--callback-format",
        "civicrm");
    Site site = new Site(db, clientId, broker.token(clientId, secret));
    setApiKey(site, apiKey);
    String listed = broker.adminOk("client", "list");
    assertTrue(listed.contains(civicrm.url().toString()), listed);
    assertFalse(listed.contains(apiKey), "client list never shows the API key");
    return site;
  }

  private static void setApiKey(Site site, String apiKey) throws Exception {
    String clientId = site.clientId();
    String stored =
        site.broker()
            .adminWithInput(
                apiKey + "\n", "client", "set-civicrm-credentials", "--client-id", clientId);
    assertTrue(stored.contains("CiviCRM credentials stored for client " + clientId), stored);
    assertFalse(stored.contains(apiKey), stored);
  }

  /** One row of {@code admin callbacks list}: id, status and attempts. */
  record Row(String id, String status, int attempts, String line) {}

  private static List<Row> callbacks(Site site) throws Exception {
    String out = adminOk(site, "callbacks", "list", "--client", site.clientId());
    List<Row> rows = new ArrayList<>();
    for (String line : out.lines().toList()) {
      if (line.startsWith("msg_")) {
        String[] cells = line.split("\\s{2,}");
        rows.add(new Row(cells[0], cells[3], Integer.parseInt(cells[4]), line));
      }
    }
    return rows;
  }

  /** Waits until the client's only callback is delivered after {@code attempts} attempts. */
  private static Row deliveredOnce(Site site, int attempts) throws Exception {
    return await(
        "the callback of " + site.clientId() + " delivered after " + attempts + " attempt(s)",
        () -> {
          List<Row> rows = callbacks(site);
          return rows.size() == 1
                  && rows.get(0).status().equals("delivered")
                  && rows.get(0).attempts() == attempts
              ? rows.get(0)
              : null;
        });
  }

  private static <T> T await(String what, Callable<T> probe) throws Exception {
    Instant deadline = Instant.now().plus(DEADLINE);
    while (Instant.now().isBefore(deadline)) {
      T value = probe.call();
      if (value != null) {
        return value;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("gave up waiting for: " + what);
  }

  // ---- the CMS's side: payments API, and Stripe's webhooks ----

  /** A 12.50 EUR payment for CiviCRM contribution {@code contributionId}. */
  private static Map<String, Object> createPayment(Site site, long contributionId)
      throws Exception {
    return site.broker()
        .createdPayment(
            site.token(),
            PaymentJson.donation(1250, Long.toString(contributionId), ORIGIN)
                .returnUrl(ORIGIN + "/civicrm/contribute/transact?_qf_ThankYou_display=1")
                .cancelUrl(ORIGIN + "/civicrm/contribute/transact?cancel=1")
                .mode("redirect"));
  }

  private static void stripeSends(Site site, String event) throws Exception {
    HttpResponse<String> answer = site.broker().webhook(event, WEBHOOK_SECRET);
    assertEquals(200, answer.statusCode(), answer.body());
  }

  /** A paid checkout.session.completed for {@code payment}, paid by PaymentIntent {@code pi}. */
  private static String completed(Map<String, Object> payment, String pi) {
    return FakeStripe.sessionEvent(
        "evt_" + UUID.randomUUID().toString().replace("-", ""),
        "checkout.session.completed",
        Instant.now().getEpochSecond(),
        payment,
        "paid",
        pi);
  }

  private static String paymentIntentId() {
    return "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
  }

  private static String apiKey() {
    return "civiApiKey" + UUID.randomUUID().toString().replace("-", "");
  }

  private static List<FakeCiviCrm.Payment> paymentsOf(FakeCiviCrm civicrm, long contributionId) {
    return civicrm.payments().stream().filter(p -> p.contributionId() == contributionId).toList();
  }

  /** Whether any file the broker and its admin runs wrote (their output, logs) contains it. */
  private static boolean writtenByTheBroker(Site site, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(site.broker().work())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (Files.size(file) < 64L * 1024 * 1024 && contains(Files.readAllBytes(file), needle)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  // ---- the cases ----

  /** Stripe answers the PaymentIntent with its latest charge and balance transaction expanded. */
  private static void stripeTookFee(String pi, long fee) {
    stripe.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                    "/v1/payment_intents/" + pi))
            .willReturn(
                FakeStripe.answer(
                    """
                    {"id": "%s", "object": "payment_intent", "status": "succeeded",
                     "amount": 1250, "currency": "eur",
                     "latest_charge": {"id": "ch_%s", "object": "charge", "amount": 1250,
                       "currency": "eur", "paid": true, "status": "succeeded",
                       "balance_transaction": {"id": "txn_%s", "object": "balance_transaction",
                         "amount": 1250, "currency": "eur", "fee": %d, "net": %d}}}
                    """
                        .formatted(pi, pi, pi, fee, 1250 - fee))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aPaidSessionIsRecordedAsOnePaymentThatCompletesTheContribution(String database)
      throws Exception {
    String key = apiKey();
    try (FakeCiviCrm civicrm = new FakeCiviCrm(key)) {
      civicrm.contribution(42, "EUR", "12.50", "Pending");
      Site site = site(database, "civi-a", civicrm, key);
      assertTrue(
          adminOk(
                  site,
                  "client",
                  "update",
                  "--client-id",
                  site.clientId(),
                  "--civicrm-timezone",
                  "Europe/Berlin")
              .contains("updated client " + site.clientId()));
      Map<String, Object> payment = createPayment(site, 42);
      String pi = paymentIntentId();
      stripeTookFee(pi, 66);
      // Stripe's event time, a while before the broker hears of it.
      Instant created = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);

      stripeSends(
          site,
          FakeStripe.sessionEvent(
              "evt_" + UUID.randomUUID().toString().replace("-", ""),
              "checkout.session.completed",
              created.getEpochSecond(),
              payment,
              "paid",
              pi));

      Row row = deliveredOnce(site, 1);
      List<FakeCiviCrm.Payment> recorded = paymentsOf(civicrm, 42);
      assertEquals(1, recorded.size(), recorded.toString());
      assertEquals(
          0, new BigDecimal("12.50").compareTo(recorded.get(0).total()), recorded.toString());
      assertEquals(pi, recorded.get(0).trxnId());
      // Stripe's fee is booked, so CiviCRM's net amount is what reaches the bank.
      assertEquals(0, new BigDecimal("0.66").compareTo(recorded.get(0).fee()), recorded.toString());
      assertEquals(
          0, new BigDecimal("11.84").compareTo(recorded.get(0).net()), recorded.toString());
      // The date is Stripe's, in the site's time zone, as CiviCRM reads it.
      assertEquals(
          DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
              .format(created.atZone(ZoneId.of("Europe/Berlin"))),
          recorded.get(0).trxnDate());
      assertEquals("Completed", civicrm.status(42));
      assertEquals(
          List.of("Contribution/get", "FinancialTrxn/get", "Payment/create"), civicrm.calls());
      assertTrue(row.line().contains("payment.succeeded"), row.line());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aRepeatedWebhookAndAReplayRecordNothingTwice(String database) throws Exception {
    String key = apiKey();
    try (FakeCiviCrm civicrm = new FakeCiviCrm(key)) {
      civicrm.contribution(43, "EUR", "12.50", "Pending");
      Site site = site(database, "civi-b", civicrm, key);
      Map<String, Object> payment = createPayment(site, 43);
      String pi = paymentIntentId();
      String event = completed(payment, pi);
      stripeSends(site, event);
      Row first = deliveredOnce(site, 1);

      stripeSends(site, event);
      String replayed = adminOk(site, "callbacks", "replay", first.id());
      assertTrue(replayed.contains("replaying callback " + first.id()), replayed);

      Row again = deliveredOnce(site, 2);
      assertEquals(first.id(), again.id());
      List<FakeCiviCrm.Payment> recorded = paymentsOf(civicrm, 43);
      assertEquals(1, recorded.size(), recorded.toString());
      assertEquals(pi, recorded.get(0).trxnId());
      assertEquals("Completed", civicrm.status(43));
      assertEquals(
          List.of(
              "Contribution/get",
              "FinancialTrxn/get",
              "Payment/create",
              "Contribution/get",
              "FinancialTrxn/get"),
          civicrm.calls(),
          "the replay found the payment and created none");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aWrongApiKeyGoesDeadUnloggedAndAReplayAfterTheFixRecordsOnce(String database)
      throws Exception {
    String key = apiKey();
    String wrongKey = apiKey();
    try (FakeCiviCrm civicrm = new FakeCiviCrm(key)) {
      civicrm.contribution(44, "EUR", "12.50", "Pending");
      Site site = site(database, "civi-c", civicrm, wrongKey);
      Map<String, Object> payment = createPayment(site, 44);
      String pi = paymentIntentId();
      stripeSends(site, completed(payment, pi));

      Row dead =
          await(
              "the callback dead after the client-error attempts",
              () -> {
                List<Row> rows = callbacks(site);
                return rows.size() == 1 && rows.get(0).status().equals("dead") ? rows.get(0) : null;
              });
      assertEquals(Dispatcher.CLIENT_ERROR_ATTEMPTS, dead.attempts(), dead.line());
      assertTrue(dead.line().contains("401"), dead.line());
      assertTrue(dead.line().contains("authx does not know this API key"), dead.line());
      assertEquals(
          Collections.nCopies(Dispatcher.CLIENT_ERROR_ATTEMPTS, 401),
          civicrm.answered(),
          "every attempt refused by authx");
      assertTrue(civicrm.payments().isEmpty());
      assertEquals("Pending", civicrm.status(44));
      String everything = adminOk(site, "callbacks", "list");
      assertTrue(everything.contains(dead.id()), everything);
      assertFalse(everything.contains(wrongKey), "callbacks list never shows the API key");
      assertFalse(writtenByTheBroker(site, wrongKey), "the API key is in no broker output or log");

      setApiKey(site, key);
      String replayed = adminOk(site, "callbacks", "replay", dead.id());
      assertTrue(replayed.contains("replaying callback " + dead.id()), replayed);

      Row delivered = deliveredOnce(site, Dispatcher.CLIENT_ERROR_ATTEMPTS + 1);
      assertEquals(dead.id(), delivered.id());
      List<FakeCiviCrm.Payment> recorded = paymentsOf(civicrm, 44);
      assertEquals(1, recorded.size(), recorded.toString());
      assertEquals(pi, recorded.get(0).trxnId());
      assertEquals("Completed", civicrm.status(44));
      assertFalse(writtenByTheBroker(site, wrongKey), "the API key is in no broker output or log");
      assertFalse(writtenByTheBroker(site, key), "the API key is in no broker output or log");
    }
  }
}
