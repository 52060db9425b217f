package org.cmsbroker.web.api;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.json.Jsonp;
import org.cmsbroker.payment.IdempotencyConflictException;
import org.cmsbroker.payment.PaymentConflictException;
import org.cmsbroker.payment.PaymentGatewayException;
import org.cmsbroker.payment.PaymentMode;
import org.cmsbroker.payment.PaymentRejectedException;
import org.cmsbroker.payment.PaymentRequest;
import org.cmsbroker.payment.PaymentService;
import org.cmsbroker.payment.PaymentView;
import org.cmsbroker.payment.PaymentsNotConfiguredException;
import org.cmsbroker.payment.RefundRequest;
import org.cmsbroker.payment.RefundService;
import org.cmsbroker.payment.RefundView;
import org.cmsbroker.payment.UnknownPaymentException;
import org.cmsbroker.ratelimit.RateLimiter;
import org.cmsbroker.ratelimit.RateLimits;
import org.cmsbroker.token.VerifiedAccessToken;
import org.cmsbroker.web.error.OAuthErrorBody;
import org.cmsbroker.web.http.ClientAddress;
import org.cmsbroker.web.oidc.AccessTokenChecks;

/**
 * The payments API for CMS servers: {@code POST /api/v1/payments} (with an {@code Idempotency-Key},
 * rate-limited per client and per remote address), {@code GET /api/v1/payments/{id}}, {@code GET
 * /api/v1/payments?reference=...}, {@code POST /api/v1/payments/{id}/cancel}, and {@code POST|GET
 * /api/v1/payments/{id}/refunds}. Every call needs a bearer access token from the {@code
 * client_credentials} grant with scope {@code payments} (RFC 6750 errors otherwise); a client sees
 * only its own payments (another client's id answers 404 like an unknown one). Without Stripe
 * configured, every call answers 503 saying what to set.
 */
@Path("/v1/payments")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class PaymentsResource {
  /** The scope a client_credentials token needs for this API. */
  public static final String SCOPE = "payments";

  private static final Set<String> FIELDS =
      Set.of(
          "amount",
          "currency",
          "description",
          "reference",
          "donor_email",
          "return_url",
          "cancel_url",
          "mode");

  @Inject AccessTokenChecks tokens;
  @Inject ClientService clients;
  private static final Set<String> REFUND_FIELDS = Set.of("amount", "reason");

  @Inject PaymentService payments;
  @Inject RefundService refunds;
  @Inject RateLimits limits;
  @Inject BrokerConfig config;
  @Context HttpServletRequest request;

  @POST
  public Response create(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      String body) {
    if (payments.configured()) {
      // Before the token is checked: floods from one address stop here, whoever they claim to be.
      Response limited =
          limit(
              limits.paymentCreationPerAddress(),
              ClientAddress.of(request, config.trustedProxies()));
      if (limited != null) {
        return limited;
      }
    }
    Caller caller = authorize(authorization);
    if (caller.refusal() != null) {
      return caller.refusal();
    }
    String clientId = caller.clientId();
    Response limited = limit(limits.paymentCreationPerClient(), clientId);
    if (limited != null) {
      return limited;
    }
    Optional<RegisteredClient> client = clients.find(clientId);
    if (client.isEmpty()) {
      return bearerError(401, "invalid_token", "The access token is not active.");
    }
    try {
      PaymentService.checkIdempotencyKey(idempotencyKey);
      PaymentRequest request = parse(body);
      PaymentView payment =
          payments.create(
              clientId,
              request,
              idempotencyKey,
              client.get().webOrigins(),
              ClientAddress.of(this.request, config.trustedProxies()));
      return json(201, view(payment))
          .location(URI.create(config.publicUrl() + "/api/v1/payments/" + payment.id()))
          .build();
    } catch (PaymentRejectedException e) {
      return rejected(e);
    } catch (MalformedBodyException e) {
      return error(400, "invalid_request", e.getMessage());
    } catch (IdempotencyConflictException e) {
      return error(409, "idempotency_key_reused", e.getMessage());
    } catch (PaymentGatewayException e) {
      return error(502, "temporarily_unavailable", e.getMessage());
    } catch (PaymentsNotConfiguredException e) {
      // An embedded payment without Stripe's publishable key: the message says what to set.
      return error(503, "temporarily_unavailable", e.getMessage());
    }
  }

  /**
   * Cancels a pending payment (Stripe expires its Checkout Session): 200 with the payment, now
   * {@code expired}, also when it already was; 409 when it is no longer pending.
   */
  @POST
  @Path("{id}/cancel")
  public Response cancel(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
    Caller caller = authorize(authorization);
    if (caller.refusal() != null) {
      return caller.refusal();
    }
    try {
      return json(200, view(payments.cancel(caller.clientId(), id))).build();
    } catch (UnknownPaymentException e) {
      return error(404, "not_found", e.getMessage());
    } catch (PaymentConflictException e) {
      return conflict(e);
    } catch (PaymentGatewayException e) {
      return error(502, "temporarily_unavailable", e.getMessage());
    }
  }

  /**
   * Refunds a succeeded payment in full or in part, with an {@code Idempotency-Key}: 201 with the
   * refund (also for a repeat with the same key and body).
   */
  @POST
  @Path("{id}/refunds")
  public Response refund(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      @PathParam("id") String id,
      String body) {
    Caller caller = authorize(authorization);
    if (caller.refusal() != null) {
      return caller.refusal();
    }
    try {
      PaymentService.checkIdempotencyKey(idempotencyKey);
      RefundView refund =
          refunds.create(
              caller.clientId(),
              id,
              parseRefund(body),
              idempotencyKey,
              ClientAddress.of(request, config.trustedProxies()));
      return json(201, view(refund)).build();
    } catch (PaymentRejectedException e) {
      return rejected(e);
    } catch (MalformedBodyException e) {
      return error(400, "invalid_request", e.getMessage());
    } catch (UnknownPaymentException e) {
      return error(404, "not_found", e.getMessage());
    } catch (IdempotencyConflictException e) {
      return error(409, "idempotency_key_reused", e.getMessage());
    } catch (PaymentConflictException e) {
      return conflict(e);
    } catch (PaymentGatewayException e) {
      return error(502, "temporarily_unavailable", e.getMessage());
    }
  }

  /** The payment's refunds made through this API, oldest first. */
  @GET
  @Path("{id}/refunds")
  public Response refunds(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
    Caller caller = authorize(authorization);
    if (caller.refusal() != null) {
      return caller.refusal();
    }
    try {
      List<Map<String, Object>> found =
          refunds.list(caller.clientId(), id).stream().map(PaymentsResource::view).toList();
      return json(200, Map.of("refunds", found)).build();
    } catch (UnknownPaymentException e) {
      return error(404, "not_found", e.getMessage());
    }
  }

  /**
   * 429 with {@code Retry-After} when {@code key} has no token left in {@code limiter}, else null.
   */
  private static Response limit(RateLimiter limiter, String key) {
    RateLimiter.Decision decision = limiter.tryAcquire(key);
    if (decision.allowed()) {
      return null;
    }
    long seconds = decision.retryAfterSeconds();
    return json(
            429,
            error(
                "rate_limited", "Too many payment requests; retry after " + seconds + " seconds."))
        .header("Retry-After", Long.toString(seconds))
        .build();
  }

  private static Response rejected(PaymentRejectedException e) {
    Map<String, Object> error = OAuthErrorBody.fields("invalid_request", e.getMessage());
    error.put("reason", e.reason().code());
    if (e.refundable() != null) {
      error.put("refundable", e.refundable());
    }
    return json(400, error).build();
  }

  private static Response conflict(PaymentConflictException e) {
    Map<String, Object> error = error(e.reason().code(), e.getMessage());
    error.put("status", e.status().code());
    return json(409, error).build();
  }

  @GET
  @Path("{id}")
  public Response get(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
    Caller caller = authorize(authorization);
    if (caller.refusal() != null) {
      return caller.refusal();
    }
    return payments
        .find(caller.clientId(), id)
        .map(p -> json(200, view(p)).build())
        .orElseGet(() -> error(404, "not_found", "There is no such payment."));
  }

  @GET
  public Response byReference(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @QueryParam("reference") String reference) {
    Caller caller = authorize(authorization);
    if (caller.refusal() != null) {
      return caller.refusal();
    }
    if (reference == null || reference.isBlank()) {
      return error(400, "invalid_request", "The reference query parameter is required.");
    }
    List<Map<String, Object>> found =
        payments.findByReference(caller.clientId(), reference.strip()).stream()
            .map(this::view)
            .toList();
    return json(200, Map.of("payments", found)).build();
  }

  /** Who calls: the client, or the refusal to answer instead. */
  private record Caller(String clientId, Response refusal) {
    static Caller refused(Response refusal) {
      return new Caller(null, refusal);
    }
  }

  /**
   * The calling client, or the refusal: 503 without Stripe, else the RFC 6750 answer unless the
   * token is an active client_credentials token with scope {@value #SCOPE}.
   */
  private Caller authorize(String authorization) {
    if (!payments.configured()) {
      return Caller.refused(
          error(503, "temporarily_unavailable", PaymentsNotConfiguredException.MESSAGE));
    }
    String token = bearer(authorization);
    if (token == null) {
      // RFC 6750 3.1: no error code when the request carried no credentials.
      return Caller.refused(
          json(401, error("invalid_token", "A bearer access token is required."))
              .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"broker\"")
              .build());
    }
    Optional<VerifiedAccessToken> verified = tokens.active(token);
    if (verified.isEmpty()) {
      return Caller.refused(bearerError(401, "invalid_token", "The access token is not active."));
    }
    VerifiedAccessToken t = verified.get();
    // client_credentials tokens name the client as subject and belong to no login session.
    boolean clientToken = t.sessionId().isEmpty() && t.subject().equals(t.clientId());
    if (!clientToken || !t.scope().contains(SCOPE)) {
      return Caller.refused(
          bearerError(
              403,
              "insufficient_scope",
              "A client_credentials access token with scope payments is required."));
    }
    return new Caller(t.clientId(), null);
  }

  private static String bearer(String authorization) {
    if (authorization == null
        || authorization.length() < 8
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).strip();
    return token.isEmpty() ? null : token;
  }

  private static Response bearerError(int status, String code, String description) {
    String challenge =
        "Bearer realm=\"broker\", error=\""
            + code
            + "\""
            + (code.equals("insufficient_scope") ? ", scope=\"" + SCOPE + "\"" : "");
    return json(status, error(code, description))
        .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
        .build();
  }

  /** The body as a payment request; unknown fields are refused, so no field escapes the rules. */
  static PaymentRequest parse(String body) throws MalformedBodyException {
    JsonObject json;
    try (var reader = Jsonp.PROVIDER.createReader(new StringReader(body == null ? "" : body))) {
      json = reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw new MalformedBodyException("The body must be a JSON object.");
    }
    for (String name : json.keySet()) {
      if (!FIELDS.contains(name)) {
        // The name is not repeated: it could be anything, even a card number.
        throw new MalformedBodyException(
            "The body has a field this API does not know; the fields are " + sortedFields() + ".");
      }
    }
    return new PaymentRequest(
        amount(json.get("amount")),
        string(json, "currency"),
        string(json, "description"),
        string(json, "reference"),
        string(json, "donor_email"),
        string(json, "return_url"),
        string(json, "cancel_url"),
        string(json, "mode"));
  }

  private static String sortedFields() {
    return String.join(", ", FIELDS.stream().sorted().toList());
  }

  /**
   * The body as a refund request: a JSON object with the optional {@code amount} (a whole number)
   * and {@code reason} (a string); an empty body means a full refund without a reason.
   */
  static RefundRequest parseRefund(String body)
      throws MalformedBodyException, PaymentRejectedException {
    if (body == null || body.isBlank()) {
      return new RefundRequest(null, null);
    }
    JsonObject json;
    try (var reader = Jsonp.PROVIDER.createReader(new StringReader(body))) {
      json = reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw new MalformedBodyException("The body must be a JSON object.");
    }
    for (String name : json.keySet()) {
      if (!REFUND_FIELDS.contains(name)) {
        throw new MalformedBodyException(
            "The body has a field this API does not know; the fields are amount, reason.");
      }
    }
    JsonValue amount = json.get("amount");
    Long value = null;
    if (amount != null && amount.getValueType() != JsonValue.ValueType.NULL) {
      if (!(amount instanceof JsonNumber number) || !number.isIntegral()) {
        throw new PaymentRejectedException(PaymentRejectedException.Reason.INVALID_REFUND_AMOUNT);
      }
      try {
        value = number.longValueExact();
      } catch (ArithmeticException e) {
        throw new PaymentRejectedException(PaymentRejectedException.Reason.INVALID_REFUND_AMOUNT);
      }
    }
    return new RefundRequest(value, string(json, "reason"));
  }

  /**
   * The amount, or 0 (refused later as not positive) when it is missing or not a whole number;
   * {@link Long#MAX_VALUE} (refused as too large) when it does not fit.
   */
  private static long amount(JsonValue value) {
    if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
      return 0;
    }
    try {
      return number.longValueExact();
    } catch (ArithmeticException e) {
      return number.bigIntegerValue().signum() < 0 ? 0 : Long.MAX_VALUE;
    }
  }

  private static String string(JsonObject json, String name) throws MalformedBodyException {
    JsonValue value = json.get(name);
    if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
      return null;
    }
    if (value instanceof JsonString s) {
      return s.getString();
    }
    throw new MalformedBodyException("The field " + name + " must be a string.");
  }

  private Map<String, Object> view(PaymentView p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", p.id());
    out.put("status", p.status().code());
    out.put("amount", p.amount());
    out.put("currency", p.currency());
    out.put("description", p.description());
    out.put("reference", p.reference());
    out.put("mode", p.mode().code());
    if (p.mode() == PaymentMode.EMBEDDED) {
      out.put("embed_url", config.publicUrl() + "/pay/" + p.id());
    } else if (p.checkoutUrl() != null) {
      out.put("checkout_url", p.checkoutUrl().toString());
    }
    if (p.expiresAt() != null) {
      out.put("expires_at", p.expiresAt().toString());
    }
    if (p.paymentIntentId() != null) {
      out.put("transaction_id", p.paymentIntentId());
    }
    if (p.amountRefunded() > 0) {
      out.put("amount_refunded", p.amountRefunded());
    }
    if (p.disputed()) {
      out.put("disputed", true);
    }
    out.put("created_at", p.createdAt().truncatedTo(ChronoUnit.SECONDS).toString());
    out.put("updated_at", p.updatedAt().toString());
    return out;
  }

  private static Map<String, Object> view(RefundView r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", r.id());
    out.put("payment_id", r.paymentId());
    out.put("amount", r.amount());
    if (r.reason() != null) {
      out.put("reason", r.reason());
    }
    out.put("status", r.status());
    out.put("created", r.createdAt().truncatedTo(ChronoUnit.SECONDS).toString());
    return out;
  }

  private static Map<String, Object> error(String code, String description) {
    return OAuthErrorBody.fields(code, description);
  }

  private static Response error(int status, String code, String description) {
    return json(status, error(code, description)).build();
  }

  private static Response.ResponseBuilder json(int status, Object entity) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"))
        .header("Cache-Control", "no-store")
        .entity(entity);
  }

  /** The body is not a JSON object of the payment request's fields; the message is fixed. */
  static final class MalformedBodyException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedBodyException(String message) {
      super(message, null, false, false);
    }
  }
}
