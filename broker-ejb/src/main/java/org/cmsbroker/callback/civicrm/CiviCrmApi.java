package org.cmsbroker.callback.civicrm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmsbroker.callback.DeliveryOutcome;
import org.cmsbroker.callback.Dispatcher;

/**
 * One delivery's calls to CiviCRM's APIv4 REST end-point, per the CiviCRM developer guide
 * (docs.civicrm.org/dev/en/latest/api/v4/rest/): {@code POST
 * <base>civicrm/ajax/api4/{Entity}/{action}} with the form field {@code params} holding the JSON
 * parameters, and {@code X-Requested-With: XMLHttpRequest}, without which {@code
 * CRM_Api4_Page_AJAX} refuses the call (400, CSRF). The API key goes in {@code X-Civi-Auth: Bearer
 * <key>}, the authx "xheader" flow, which accepts API keys by default ({@code authx_xheader_cred});
 * the site key, when configured, in {@code X-Civi-Key}, which satisfies authx's {@code site_key}
 * guard (ext/authx/Civi/Authx/Authenticator.php). Neither is ever put in a URL, a log or an error.
 *
 * <p>Not thread-safe: one instance per delivery.
 */
final class CiviCrmApi {
  /** A failed call, already judged. */
  static final class CallFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient DeliveryOutcome.Failure failure;

    CallFailedException(DeliveryOutcome.Failure failure) {
      super(failure.error(), null, false, false);
      this.failure = failure;
    }

    DeliveryOutcome.Failure failure() {
      return failure;
    }
  }

  /** The longest error text kept (the outbox stores at most this much). */
  static final int MAX_ERROR = 200;

  /**
   * {@code CRM_Api4_Page_AJAX} hides exceptions from users without "view debug output" this way.
   */
  private static final Pattern ERROR_ID =
      Pattern.compile("Error ID: ([A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){2})");

  private final CiviCrmHttp http;
  private final URI base;
  private final Map<String, String> headers;
  private final Clock clock;
  private final Instant deadline;
  private final int attempts;
  private int lastStatus;

  /**
   * @param base the CiviCRM base URL, ending in {@code /}
   * @param deadline when this delivery's time is up (all calls together)
   * @param attempts the attempt number, for {@link Dispatcher#judge}
   */
  CiviCrmApi(
      CiviCrmHttp http,
      URI base,
      String apiKey,
      String siteKey,
      Clock clock,
      Instant deadline,
      int attempts) {
    this.http = http;
    this.base = base;
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X-Civi-Auth", "Bearer " + apiKey);
    if (siteKey != null && !siteKey.isEmpty()) {
      h.put("X-Civi-Key", siteKey);
    }
    h.put("X-Requested-With", "XMLHttpRequest");
    h.put("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
    h.put("Accept", "application/json");
    this.headers = Map.copyOf(h);
    this.clock = clock;
    this.deadline = deadline;
    this.attempts = attempts;
  }

  /** The status of the last HTTP answer, 0 before any. */
  int lastStatus() {
    return lastStatus;
  }

  /**
   * Runs {@code Entity.action} with {@code params} and returns its {@code values}.
   *
   * @throws CallFailedException when no usable answer came; the failure says what and why
   */
  JsonArray call(String entity, String action, JsonObject params) throws CallFailedException {
    String name = "CiviCRM " + entity + "/" + action;
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new CallFailedException(
          new DeliveryOutcome.Retry(null, name + ": not sent, the delivery ran out of time"));
    }
    URI uri = base.resolve("civicrm/ajax/api4/" + entity + "/" + action);
    String form = "params=" + URLEncoder.encode(params.toString(), StandardCharsets.UTF_8);
    CiviCrmHttp.Answer answer;
    try {
      answer = http.post(uri, headers, form, left);
    } catch (org.cmsbroker.outbound.RefusedTargetException e) {
      // The operator's own setting decides: no retry will change it. The message is for them.
      throw new CallFailedException(
          new DeliveryOutcome.GiveUp(null, name + ": target refused: " + e.getMessage()));
    } catch (IOException e) {
      // The class says enough; the message may carry addresses or TLS details.
      throw new CallFailedException(
          new DeliveryOutcome.Retry(null, name + ": no answer: " + e.getClass().getSimpleName()));
    }
    lastStatus = answer.status();
    if (answer.status() < 200 || answer.status() >= 300) {
      DeliveryOutcome judged = Dispatcher.judge(answer.status(), attempts);
      String error = clip(name + ": HTTP " + answer.status() + explain(answer));
      throw new CallFailedException(
          judged instanceof DeliveryOutcome.GiveUp
              ? new DeliveryOutcome.GiveUp(answer.status(), error)
              : new DeliveryOutcome.Retry(answer.status(), error));
    }
    JsonElement values = null;
    if (!answer.truncated()) {
      try {
        JsonElement body = JsonParser.parseString(answer.body());
        if (body.isJsonObject() && !body.getAsJsonObject().has("error_code")) {
          values = body.getAsJsonObject().get("values");
        }
      } catch (JsonParseException e) {
        values = null;
      }
    }
    if (values == null || !values.isJsonArray()) {
      // A 2xx that is not an APIv4 result: usually a CMS page at a wrong base URL.
      throw new CallFailedException(
          misconfigured(
              answer.status(),
              name + ": the answer is not an APIv4 result (is the URL the CiviCRM base URL?)"));
    }
    return values.getAsJsonArray();
  }

  /**
   * A failure only an operator can fix: retried like a 4xx, then given up after {@link
   * Dispatcher#CLIENT_ERROR_ATTEMPTS}.
   */
  DeliveryOutcome.Failure misconfigured(Integer status, String error) {
    String e = clip(error);
    return attempts >= Dispatcher.CLIENT_ERROR_ATTEMPTS
        ? new DeliveryOutcome.GiveUp(status, e)
        : new DeliveryOutcome.Retry(status, e);
  }

  static String clip(String error) {
    return error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR - 3) + "...";
  }

  /**
   * Why CiviCRM refused, in the broker's own words: CiviCRM's texts are never copied, as they may
   * carry data (only authx's fixed reasons are recognised, and CiviCRM's random error id kept).
   */
  private static String explain(CiviCrmHttp.Answer answer) {
    String body = answer.truncated() ? "" : answer.body();
    switch (answer.status()) {
      case 401:
        if (body.contains("guard")) {
          return " (authx guard not met: grant the API user 'authenticate with api key' or"
              + " configure the right site key)";
        }
        if (body.contains("Invalid credential")) {
          return " (authx does not know this API key)";
        }
        if (body.contains("is not allowed")) {
          return " (authx does not accept API keys in X-Civi-Auth: see authx_xheader_cred)";
        }
        if (body.contains("No matching user")) {
          return " (authx requires a CMS user for the API contact: see authx_xheader_user)";
        }
        return " (authx refused the credentials)";
      case 403:
        return " (the API user lacks a CiviCRM permission for this call)";
      case 404:
        return " (no CiviCRM APIv4 at this URL, or the entity is missing: CiviCRM 5.76+ needed)";
      case 400:
      case 405:
        return " (CiviCRM refused the request form)";
      case 503:
        return " (CiviCRM unavailable, maybe in maintenance mode)";
      default:
        break;
    }
    if (answer.status() >= 300 && answer.status() < 400) {
      return " (redirect not followed: use the final https base URL)";
    }
    if (answer.status() >= 500) {
      Matcher m = ERROR_ID.matcher(body);
      return m.find()
          ? " (CiviCRM error ID " + m.group(1) + " in its log)"
          : " (CiviCRM reported an error; see its log)";
    }
    return "";
  }
}
