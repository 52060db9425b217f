package org.cmsbroker.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DispatcherTest {
  private static final String SECRET = WebhookSecrets.generate(new SecureRandom());
  private static final URI CRM = URI.create("https://crm.example.org/civicrm/broker-callback");
  private static final String PAYLOAD = "{\"type\":\"payment.succeeded\",\"payment\":\"pay_1\"}";

  private final MutableClock clock = MutableClock.atStart();
  private final List<Map<String, String>> sentHeaders = new ArrayList<>();
  private final CallbackTargets targets =
      clientId ->
          "civicrm-site".equals(clientId)
              ? Optional.of(new CallbackTarget(CRM, SECRET))
              : Optional.empty();

  private OutboxDatabase db;

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private LeasedMessage message(int attempts) {
    return new LeasedMessage(
        "msg_abc",
        "civicrm-site",
        "payment.succeeded",
        PAYLOAD,
        attempts,
        clock.instant(),
        "broker-a",
        clock.instant().plusSeconds(180));
  }

  private Dispatcher dispatcher(HttpSender sender) {
    return new Dispatcher(targets, List.of(new StandardWebhooksDelivery(sender, clock)));
  }

  private DeliveryOutcome answer(int status, int attempts) {
    return dispatcher((url, headers, body) -> status).deliver(message(attempts));
  }

  @Test
  void a2xxAnswerIsDelivered() {
    assertEquals(new DeliveryOutcome.Delivered(204), answer(204, 1));
  }

  @Test
  void serverErrorsTimeoutsAndThrottlingAreRetried() {
    for (int status : new int[] {500, 502, 503, 408, 429}) {
      assertEquals(new DeliveryOutcome.Retry(status, "HTTP " + status), answer(status, 9));
    }
  }

  @Test
  void noAnswerIsRetriedWithoutTheExceptionMessage() {
    DeliveryOutcome outcome =
        dispatcher(
                (url, headers, body) -> {
                  throw new ConnectException("Connection refused: crm.example.org/10.0.0.7:443");
                })
            .deliver(message(1));

    assertEquals(new DeliveryOutcome.Retry(null, "no answer: ConnectException"), outcome);
  }

  @Test
  void goneIsDeadAtOnce() {
    assertEquals(new DeliveryOutcome.GiveUp(410, "HTTP 410: the receiver is gone"), answer(410, 1));
  }

  @Test
  void otherClientErrorsAreRetriedAFewTimesThenGivenUp() {
    assertEquals(new DeliveryOutcome.Retry(401, "HTTP 401"), answer(401, 4));
    assertEquals(
        new DeliveryOutcome.GiveUp(401, "HTTP 401 after 5 attempts"),
        answer(401, Dispatcher.CLIENT_ERROR_ATTEMPTS));
    assertInstanceOf(DeliveryOutcome.GiveUp.class, answer(302, 5));
  }

  @Test
  void aClientWithoutTargetIsRetried() {
    LeasedMessage unknown =
        new LeasedMessage(
            "msg_x", "other", "payment.succeeded", "{}", 1, clock.instant(), "a", clock.instant());

    assertEquals(
        new DeliveryOutcome.Retry(
            null, "no callback target (URL and credentials) configured for the client"),
        dispatcher((u, h, b) -> 200).deliver(unknown));
  }

  @Test
  void theRequestIsSignedSoTheReferenceLibraryVerifiesIt() throws Exception {
    List<String> bodies = new ArrayList<>();
    dispatcher(
            (url, headers, body) -> {
              assertEquals(CRM, url);
              sentHeaders.add(headers);
              bodies.add(body);
              return 200;
            })
        .deliver(message(1));

    Map<String, String> h = sentHeaders.get(0);
    assertEquals("application/json", h.get("Content-Type"));
    assertEquals("msg_abc", h.get("webhook-id"));
    assertEquals(Long.toString(clock.instant().getEpochSecond()), h.get("webhook-timestamp"));
    assertEquals(PAYLOAD, bodies.get(0));
    // The reference verifier checks the timestamp against the real clock.
    Map<String, String> fresh =
        new StandardWebhookSigner(SECRET)
            .headers(h.get("webhook-id"), java.time.Instant.now(), bodies.get(0));
    new Webhook(SECRET)
        .verify(
            bodies.get(0),
            Map.of(
                "webhook-id", List.of(fresh.get("webhook-id")),
                "webhook-timestamp", List.of(fresh.get("webhook-timestamp")),
                "webhook-signature", List.of(fresh.get("webhook-signature"))));
    assertEquals(
        new StandardWebhookSigner(SECRET)
            .signature("msg_abc", clock.instant().getEpochSecond(), PAYLOAD),
        h.get("webhook-signature"));
  }

  @Test
  void crmDownForSeveralAttemptsThenUpGetsExactlyOneDeliveryWithOneWebhookId() {
    db = new OutboxDatabase();
    OutboxDatabase.Outbox outbox = db.outbox(clock, new SplittableRandom(3));
    String id =
        outbox.call(
            o ->
                o.enqueue(
                    "civicrm-site", "payment.succeeded", PAYLOAD, java.time.Instant.EPOCH, 1));
    int[] calls = {0};
    List<String> accepted = new ArrayList<>();
    HttpSender crm =
        (url, headers, body) -> {
          sentHeaders.add(headers);
          if (++calls[0] <= 6) {
            throw new IOException("CRM down");
          }
          accepted.add(headers.get("webhook-id"));
          return 200;
        };
    Dispatcher dispatcher = dispatcher(crm);

    for (int tick = 0; tick < 10_000 && accepted.isEmpty(); tick++) {
      for (LeasedMessage m : outbox.call(o -> o.claimDue("broker-a", 10, Duration.ofMinutes(3)))) {
        DeliveryOutcome outcome = dispatcher.deliver(m);
        if (outcome instanceof DeliveryOutcome.Delivered d) {
          assertTrue(
              outbox.check(
                  o -> o.markDelivered(m.id(), m.clientId(), m.leaseOwner(), d.statusCode())));
        } else {
          outbox.call(o -> o.markFailed(m.id(), m.leaseOwner(), (DeliveryOutcome.Failure) outcome));
        }
      }
      clock.advance(Duration.ofSeconds(20));
    }
    // Later ticks send nothing more.
    for (int tick = 0; tick < 100; tick++) {
      assertTrue(outbox.call(o -> o.claimDue("broker-a", 10, Duration.ofMinutes(3))).isEmpty());
      clock.advance(Duration.ofMinutes(10));
    }

    assertEquals(List.of(id), accepted);
    assertEquals(7, sentHeaders.size());
    assertTrue(sentHeaders.stream().allMatch(h -> id.equals(h.get("webhook-id"))));
    OutboxEntry entry = outbox.call(o -> o.find(id)).orElseThrow();
    assertEquals(CallbackStatus.DELIVERED, entry.status());
    assertEquals(7, entry.attempts());
    assertEquals(200, entry.lastStatusCode());
  }

  /** A delivery of {@code format} that answers {@code outcome} and counts its calls. */
  private static CallbackDelivery fixed(
      CallbackFormat format, DeliveryOutcome outcome, int[] calls) {
    return new CallbackDelivery() {
      @Override
      public CallbackFormat format() {
        return format;
      }

      @Override
      public DeliveryOutcome deliver(CallbackTarget target, LeasedMessage message) {
        calls[0]++;
        return outcome;
      }
    };
  }

  @Test
  void eachMessageGoesToTheDeliveryOfItsClientsFormat() {
    CallbackTargets civicrm =
        clientId ->
            Optional.of(
                new CallbackTarget(
                    URI.create("https://crm.example.org/"),
                    CallbackFormat.CIVICRM,
                    "key",
                    null,
                    null));
    int[] standard = {0};
    int[] civi = {0};
    Dispatcher dispatcher =
        new Dispatcher(
            civicrm,
            List.of(
                fixed(
                    CallbackFormat.STANDARD_WEBHOOKS, new DeliveryOutcome.Delivered(200), standard),
                fixed(CallbackFormat.CIVICRM, new DeliveryOutcome.Delivered(201), civi)));

    assertEquals(new DeliveryOutcome.Delivered(201), dispatcher.deliver(message(1)));
    assertEquals(0, standard[0]);
    assertEquals(1, civi[0]);
  }

  @Test
  void aFormatWithoutDeliveryIsRetriedNamingTheFormat() {
    CallbackTargets civicrm =
        clientId ->
            Optional.of(
                new CallbackTarget(
                    URI.create("https://crm.example.org/"),
                    CallbackFormat.CIVICRM,
                    "key",
                    null,
                    null));

    assertEquals(
        new DeliveryOutcome.Retry(null, "no delivery for callback format civicrm"),
        new Dispatcher(civicrm, List.of(new StandardWebhooksDelivery((u, h, b) -> 200, clock)))
            .deliver(message(1)));
  }

  @Test
  void aTargetThatCannotBeReadIsRetriedWithoutItsMessage() {
    CallbackTargets broken =
        clientId -> {
          throw new IllegalStateException("stored value of oauth_client.callback_secret/x ...");
        };

    assertEquals(
        new DeliveryOutcome.Retry(null, "callback target could not be read: IllegalStateException"),
        new Dispatcher(broken, List.of()).deliver(message(1)));
  }

  @Test
  void aDeliveryThatThrowsIsRetried() {
    CallbackDelivery throwing =
        new CallbackDelivery() {
          @Override
          public CallbackFormat format() {
            return CallbackFormat.STANDARD_WEBHOOKS;
          }

          @Override
          public DeliveryOutcome deliver(CallbackTarget target, LeasedMessage message) {
            throw new IllegalArgumentException("bug");
          }
        };

    assertEquals(
        new DeliveryOutcome.Retry(null, "callback delivery failed: IllegalArgumentException"),
        new Dispatcher(targets, List.of(throwing)).deliver(message(1)));
  }

  @Test
  void twoDeliveriesOfOneFormatAreADeploymentError() {
    int[] calls = {0};
    CallbackDelivery one = fixed(CallbackFormat.CIVICRM, new DeliveryOutcome.Delivered(200), calls);
    CallbackDelivery two = fixed(CallbackFormat.CIVICRM, new DeliveryOutcome.Delivered(200), calls);

    assertEquals(
        "two callback deliveries for format civicrm",
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> new Dispatcher(targets, List.of(one, two)))
            .getMessage());
  }

  @Test
  void anUnusableSecretIsRetriedWithoutTheSecret() {
    CallbackTargets weak = clientId -> Optional.of(new CallbackTarget(CRM, "whsec_" + "c2hvcnQ="));

    DeliveryOutcome outcome =
        new Dispatcher(weak, List.of(new StandardWebhooksDelivery((u, h, b) -> 200, clock)))
            .deliver(message(1));

    assertEquals(
        new DeliveryOutcome.Retry(
            null, "callback secret unusable: webhook secret must hold 24 to 64 bytes"),
        outcome);
  }
}
