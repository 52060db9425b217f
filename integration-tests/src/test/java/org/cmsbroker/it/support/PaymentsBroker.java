package org.cmsbroker.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * broker.jar as the payment tests run it (its own data directory, HTTPS on a free port, HTTP off,
 * Stripe pointed at a {@link FakeStripe}, optionally PostgreSQL and further settings), and what
 * those tests do with it: admin runs, a CMS client with a client_credentials token, payments API
 * calls and signed Stripe webhooks.
 */
public final class PaymentsBroker implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(300);
  private static final Duration ADMIN = Duration.ofSeconds(60);
  private static final Pattern CLIENT_SECRET = Pattern.compile("client secret: (\\S+)");

  private final Path work;
  private final Path data;
  private final String base;
  private final Map<String, String> env;
  private BrokerProcess process;
  private HttpClient http;

  private PaymentsBroker(Path work, int httpsPort, Map<String, String> env) throws IOException {
    this.work = work;
    this.data = work.resolve("data");
    this.base = "https://localhost:" + httpsPort;
    this.env = env;
    this.process = BrokerProcess.start(work, env);
  }

  /** Settings for a broker whose working directory is named after {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The settings of one broker, given as environment variables. */
  public static final class Builder {
    private final String name;
    private final Map<String, String> settings = new HashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    /** Stripe with {@link FakeStripe#SECRET_KEY}, its API at {@code stripe}. */
    public Builder stripe(WireMockServer stripe) {
      settings.put("BROKER_STRIPE_SECRET_KEY", FakeStripe.SECRET_KEY);
      settings.put("BROKER_STRIPE_API_BASE", "http://127.0.0.1:" + stripe.port());
      return this;
    }

    /** {@code BROKER_STRIPE_WEBHOOK_SECRET}: one secret, or several comma-separated. */
    public Builder webhookSecret(String secrets) {
      return setting("BROKER_STRIPE_WEBHOOK_SECRET", secrets);
    }

    public Builder publishableKey(String key) {
      return setting("BROKER_STRIPE_PUBLISHABLE_KEY", key);
    }

    /** PostgreSQL in {@code schema} instead of the embedded H2. */
    public Builder database(PostgresSchema schema) {
      settings.put("BROKER_DB_URL", schema.url());
      settings.put("BROKER_DB_USER", PostgresSchema.USER);
      return this;
    }

    /** Callbacks swept from the outbox every second, retries starting from one second. */
    public Builder callbacksEverySecond() {
      settings.put("BROKER_CALLBACK_POLL_INTERVAL", "1");
      settings.put("BROKER_CALLBACK_RETRY_BASE", "1");
      return this;
    }

    /** Any other setting, as its environment variable. */
    public Builder setting(String variable, String value) {
      settings.put(variable, value);
      return this;
    }

    /** Starts the broker; {@link #awaitReady()} waits for it. */
    public PaymentsBroker start() throws IOException {
      Path work = BrokerHome.freshDirectory(name);
      int https = BrokerHome.freePort();
      Map<String, String> env = new HashMap<>(settings);
      env.put("BROKER_DATA_DIR", work.resolve("data").toString());
      env.put("BROKER_HTTPS_PORT", Integer.toString(https));
      env.put("BROKER_HTTP_PORT", "off");
      return new PaymentsBroker(work, https, Map.copyOf(env));
    }
  }

  /** Waits for the launcher's "ready" line. */
  public PaymentsBroker awaitReady() throws IOException, InterruptedException {
    process.awaitReady(READY);
    return this;
  }

  /** Stops the broker and starts it again with the same settings and data; waits for it. */
  public void restart() throws IOException, InterruptedException {
    process.close();
    process = BrokerProcess.start(work, env).awaitReady(READY);
  }

  public BrokerProcess process() {
    return process;
  }

  /** The working directory: the data directory and every output file are below it. */
  public Path work() {
    return work;
  }

  public Path data() {
    return data;
  }

  /** {@code https://localhost:<port>}. */
  public String base() {
    return base;
  }

  /** The environment the broker (and every admin run) gets. */
  public Map<String, String> env() {
    return env;
  }

  /** An HTTP client that trusts only this broker's certificate; follows no redirects. */
  public HttpClient http() throws Exception {
    if (http == null) {
      http = Https.client(data);
    }
    return http;
  }

  // ---- the operator's side: broker.jar admin ----

  /** Runs {@code broker.jar admin args}, feeding {@code input} (null for none) to its stdin. */
  public BrokerProcess.Completed admin(String input, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("admin"));
    all.addAll(List.of(args));
    return BrokerProcess.run(work, env, input, ADMIN, all.toArray(String[]::new));
  }

  /** As {@link #admin}, asserting that it succeeds; returns its output. */
  public String adminWithInput(String input, String... args) throws Exception {
    BrokerProcess.Completed run = admin(input, args);
    assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.stderr());
    return run.stdout();
  }

  /**
   * {@code broker.jar admin args} without input, asserting that it succeeds; returns its output.
   */
  public String adminOk(String... args) throws Exception {
    return adminWithInput(null, args);
  }

  private static final Pattern STRIPE_EVENTS =
      Pattern.compile("(?m)^([0-9]+) events? in the last 1 hour");

  /**
   * How many Stripe events the broker recorded in the last hour, as {@code admin stripe-events
   * --since 1} counts them (on every database).
   */
  public long stripeEventsInTheLastHour() throws Exception {
    Matcher total = STRIPE_EVENTS.matcher(adminOk("stripe-events", "--since", "1"));
    return total.find() ? Long.parseLong(total.group(1)) : 0;
  }

  /**
   * How many callback messages the broker's outbox holds for {@code clientId} (whatever their
   * state), as {@code admin callbacks list} shows them (on every database).
   */
  public long callbackMessages(String clientId) throws Exception {
    String out = adminOk("callbacks", "list", "--client", clientId, "--limit", "1000");
    return out.lines().filter(l -> l.startsWith("msg_")).count();
  }

  /** Registers a client_credentials client for {@code origin}; returns its secret. */
  public Secret addClient(String name, String clientId, String origin) throws Exception {
    String added =
        adminOk(
            "client",
            "add",
            "--name",
            name,
            "--client-id",
            clientId,
            "--web-origin",
            origin,
            "--grant-type",
            "client_credentials");
    Matcher secret = CLIENT_SECRET.matcher(added);
    assertTrue(secret.find(), added);
    return new Secret(secret.group(1));
  }

  /** As {@link #addClient(String, String, String)}, named {@code "CMS " + clientId}. */
  public Secret addClient(String clientId, String origin) throws Exception {
    return addClient("CMS " + clientId, clientId, origin);
  }

  // ---- the CMS's side ----

  /** A client_credentials access token with scope {@code payments}. */
  public String token(String clientId, Secret secret) throws Exception {
    return token(clientId, secret, "payments");
  }

  /** A client_credentials access token with {@code scope} (none asked for when null). */
  public String token(String clientId, Secret secret, String scope) throws Exception {
    TokenRequest request =
        new TokenRequest(
            URI.create(base + "/oauth2/token"),
            new ClientSecretBasic(new ClientID(clientId), secret),
            new ClientCredentialsGrant(),
            scope == null ? null : new Scope(scope));
    TokenResponse answer =
        OIDCTokenResponseParser.parse(NimbusHttp.send(http(), request.toHTTPRequest()));
    assertTrue(answer.indicatesSuccess(), String.valueOf(answer.toHTTPResponse().getBody()));
    return answer.toSuccessResponse().getTokens().getAccessToken().getValue();
  }

  /** Registers a CMS client for {@code origin} and returns a payments token of it. */
  public String paymentsToken(String clientId, String origin) throws Exception {
    return token(clientId, addClient(clientId, origin));
  }

  /** POSTs JSON to {@code path}; the bearer token and the Idempotency-Key only when not null. */
  public HttpResponse<String> post(String path, String bearer, String idempotencyKey, String json)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return http().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GETs {@code path}, with the bearer token when not null. */
  public HttpResponse<String> get(String path, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code POST /api/v1/payments}. */
  public HttpResponse<String> createPayment(String bearer, String idempotencyKey, String json)
      throws Exception {
    return post("/api/v1/payments", bearer, idempotencyKey, json);
  }

  /** Creates a payment with a fresh Idempotency-Key, asserting 201; returns its JSON. */
  public Map<String, Object> createdPayment(String bearer, PaymentJson payment) throws Exception {
    HttpResponse<String> answer =
        createPayment(bearer, "it-" + UUID.randomUUID(), payment.toJson());
    assertEquals(201, answer.statusCode(), answer.body());
    return JSONObjectUtils.parse(answer.body());
  }

  /** {@code GET /api/v1/payments/{id}}, asserting 200; returns its JSON. */
  public Map<String, Object> payment(String bearer, String id) throws Exception {
    HttpResponse<String> answer = get("/api/v1/payments/" + id, bearer);
    assertEquals(200, answer.statusCode(), answer.body());
    return JSONObjectUtils.parse(answer.body());
  }

  // ---- Stripe's side ----

  /** POSTs {@code body} to {@code /webhooks/stripe} with this Stripe-Signature (none if null). */
  public HttpResponse<String> webhook(byte[] body, String signature) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/webhooks/stripe"))
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      request.header("Stripe-Signature", signature);
    }
    return http().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Delivers {@code event} as Stripe does, signed now with {@code webhookSecret}. */
  public HttpResponse<String> webhook(String event, String webhookSecret) throws Exception {
    byte[] body = event.getBytes(StandardCharsets.UTF_8);
    return webhook(body, FakeStripe.sign(webhookSecret, Instant.now().getEpochSecond(), body));
  }

  /**
   * Stops, in order, what a test class started: brokers and other {@link AutoCloseable}s, fake
   * Stripe servers; skips what is null (never started). Stops all even when one fails, then throws
   * the first failure.
   */
  public static void stopAll(Object... started) throws Exception {
    Exception failure = null;
    for (Object resource : started) {
      try {
        if (resource instanceof WireMockServer server) {
          server.stop();
        } else if (resource instanceof AutoCloseable closeable) {
          closeable.close();
        } else if (resource != null) {
          throw new IllegalArgumentException("cannot stop " + resource.getClass());
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Stops the broker (SIGTERM). */
  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
