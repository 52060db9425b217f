package org.cmsbroker.settings;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The rules settings are checked against. Each rule gets a trimmed, non-empty value and throws
 * {@link IllegalArgumentException} with the problem; rules for secrets never put the value in the
 * message. Plain Java only: the launcher uses these classes before any server runs.
 */
public final class Rules {
  /** Every Stripe webhook endpoint secret starts with this. */
  public static final String STRIPE_WEBHOOK_SECRET_PREFIX = "whsec_";

  /**
   * Fewer characters after {@link #STRIPE_WEBHOOK_SECRET_PREFIX} are refused as not a real endpoint
   * secret (Stripe's have 32 or more).
   */
  public static final int STRIPE_WEBHOOK_SECRET_MIN_CHARACTERS = 16;

  /** A Stripe webhook endpoint secret as the broker's verifier accepts it. */
  public static final Pattern STRIPE_WEBHOOK_SECRET =
      Pattern.compile(
          Pattern.quote(STRIPE_WEBHOOK_SECRET_PREFIX)
              + "[\\x21-\\x7e]{"
              + STRIPE_WEBHOOK_SECRET_MIN_CHARACTERS
              + ",}");

  /**
   * A Stripe publishable key: it is put into pages, so beyond the prefix only the characters
   * Stripe's keys use are accepted.
   */
  public static final Pattern STRIPE_PUBLISHABLE_KEY =
      Pattern.compile("pk_(live|test)_[A-Za-z0-9]{1,250}");

  private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{3}");

  private Rules() {}

  /** A value shortened and stripped of control characters, safe to echo in one line. */
  public static String printable(String value) {
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 160 ? clean.substring(0, 160) + "..." : clean;
  }

  private static String quoted(String value) {
    return "\"" + printable(value) + "\"";
  }

  /** Any text. */
  public static String text(String value) {
    return value;
  }

  /** A whole number within {@code min..max}. */
  public static Setting.Rule<Long> wholeNumber(long min, long max) {
    return wholeNumber(min, max, "");
  }

  /**
   * A whole number within {@code min..max}; {@code unit} (with its leading space) ends the range.
   */
  public static Setting.Rule<Long> wholeNumber(long min, long max, String unit) {
    return value -> {
      long n;
      try {
        n = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(quoted(value) + " is not a whole number");
      }
      if (n < min || n > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max + unit);
      }
      return n;
    };
  }

  /** A TCP port, 1 to 65535. */
  public static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(quoted(value) + " is not a port number (1-65535)");
  }

  /** A TCP port, or {@code off} (any case) for none. */
  public static OptionalInt portOrOff(String value) {
    if (value.equalsIgnoreCase("off")) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(port(value));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(quoted(value) + " is not a port number (1-65535 or off)");
    }
  }

  /** {@code true} or {@code false}, in any case, and nothing else. */
  public static boolean flag(String value) {
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(quoted(value) + " is not true or false");
  }

  /** One of {@code allowed} (lower case), in any case; returned in lower case. */
  public static Setting.Rule<String> oneOf(String... allowed) {
    List<String> options = List.of(allowed);
    return value -> {
      String lower = value.toLowerCase(Locale.ROOT);
      if (!options.contains(lower)) {
        String last = options.get(options.size() - 1);
        String rest = String.join(", ", options.subList(0, options.size() - 1));
        throw new IllegalArgumentException("must be " + rest + " or " + last);
      }
      return lower;
    };
  }

  /** The comma-separated items of {@code value}, trimmed, empty ones dropped. */
  public static List<String> csv(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  /**
   * Comma-separated address ranges ({@code 10.0.0.0/8,fd00::/8}, or single addresses), at least
   * one.
   */
  public static List<org.cmsbroker.outbound.OutboundPolicy.Cidr> addressRanges(String value) {
    List<org.cmsbroker.outbound.OutboundPolicy.Cidr> ranges = new ArrayList<>();
    for (String part : csv(value)) {
      ranges.add(org.cmsbroker.outbound.OutboundPolicy.Cidr.parse(part));
    }
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("must name at least one address range");
    }
    return List.copyOf(ranges);
  }

  /** An address of this machine to listen on (a literal address or a resolvable name). */
  public static InetAddress bindAddress(String value) {
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException | SecurityException e) {
      throw new IllegalArgumentException(quoted(value) + " is not an address of this machine");
    }
  }

  /**
   * The broker's public base URL: https, a host, no user information, query, fragment or path;
   * returned as {@code https://host[:port]} with the host in lower case.
   */
  public static URI publicUrl(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(quoted(value) + " is not a URL");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("must be an https:// URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("has no host name");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "must not contain user information, a query or a fragment");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.isEmpty() && !path.equals("/")) {
      throw new IllegalArgumentException(
          "must not have a path: the broker is served at the root of its host");
    }
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    return URI.create("https://" + uri.getHost().toLowerCase(Locale.ROOT) + port);
  }

  /** Fewest characters of a cluster secret. */
  public static final int CLUSTER_SECRET_MIN_CHARACTERS = 32;

  /**
   * Comma-separated {@code host:port} members of the data grid (a host name, an IPv4 address or a
   * bracketed IPv6 address, and a port); returned as given, trimmed.
   */
  public static List<String> clusterMembers(String value) {
    List<String> members = csv(value);
    for (String member : members) {
      int colon = member.lastIndexOf(':');
      String host = colon < 0 ? "" : member.substring(0, colon);
      String port = colon < 0 ? "" : member.substring(colon + 1);
      if (host.isEmpty() || !host.matches("\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+")) {
        throw new IllegalArgumentException(
            quoted(member) + " is not host:port (for example 10.0.0.5:6900)");
      }
      try {
        port(port);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            quoted(member) + " is not host:port (for example 10.0.0.5:6900)");
      }
    }
    return members;
  }

  /**
   * A shared secret of at least {@link #CLUSTER_SECRET_MIN_CHARACTERS} characters. Secret: never
   * echoed.
   */
  public static String clusterSecret(String value) {
    if (value.length() < CLUSTER_SECRET_MIN_CHARACTERS) {
      throw new IllegalArgumentException(
          "must have at least "
              + CLUSTER_SECRET_MIN_CHARACTERS
              + " characters (for example from openssl rand -base64 32)");
    }
    return value;
  }

  /** A JDBC URL. */
  public static String jdbcUrl(String value) {
    if (!value.startsWith("jdbc:")) {
      throw new IllegalArgumentException("is not a JDBC URL (it must start with jdbc:)");
    }
    return value;
  }

  /** 32 bytes, base64-encoded. Secret: never echoed. */
  public static String masterKey(String value) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      bytes = new byte[0];
    }
    if (bytes.length != 32) {
      throw new IllegalArgumentException(
          "must be 32 random bytes, base64-encoded (for example from openssl rand -base64 32)");
    }
    return value;
  }

  /** A Stripe secret ({@code sk_}) or restricted ({@code rk_}) key. Secret: never echoed. */
  public static String stripeSecretKey(String value) {
    if (!(value.startsWith("sk_") || value.startsWith("rk_"))) {
      throw new IllegalArgumentException(
          "must be a Stripe secret or restricted key (sk_... or rk_...)");
    }
    return value;
  }

  /**
   * One or more comma-separated Stripe webhook endpoint secrets (several while a secret is rolled),
   * each as {@link #STRIPE_WEBHOOK_SECRET}. Secret: never echoed; a bad one is named by position.
   */
  public static List<String> stripeWebhookSecrets(String value) {
    String[] items = value.split(",", -1);
    List<String> secrets = new ArrayList<>();
    for (int i = 0; i < items.length; i++) {
      String secret = items[i].trim();
      if (secret.isEmpty()) {
        continue;
      }
      if (!STRIPE_WEBHOOK_SECRET.matcher(secret).matches()) {
        String which = items.length == 1 ? "the secret" : "secret number " + (i + 1);
        throw new IllegalArgumentException(
            which
                + " is not a Stripe webhook signing secret: each must be the endpoint's secret"
                + " as Stripe shows it, whsec_ followed by at least "
                + STRIPE_WEBHOOK_SECRET_MIN_CHARACTERS
                + " characters without spaces (several are separated by commas)");
      }
      secrets.add(secret);
    }
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("must name at least one Stripe webhook signing secret");
    }
    return List.copyOf(secrets);
  }

  /**
   * Where Stripe API calls go: an https URL, or http only to a loopback host ({@code localhost},
   * 127.0.0.0/8, {@code ::1}) for a stand-in in tests. Returned without a trailing slash.
   */
  public static URI stripeApiBase(String value) {
    String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || !("https".equalsIgnoreCase(uri.getScheme())
            || "http".equalsIgnoreCase(uri.getScheme()))) {
      throw new IllegalArgumentException(quoted(value) + " is not an http(s) URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("must not contain user information");
    }
    if ("http".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri.getHost())) {
      throw new IllegalArgumentException(
          "must be an https:// URL (http only to localhost, 127.0.0.0/8 or [::1])");
    }
    return uri;
  }

  /**
   * Whether {@code host} (as in a URI: an IPv6 literal in brackets) is {@code localhost} or a
   * literal loopback address. Never asks DNS.
   */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
      return h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }
    String[] parts = h.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals("127")) {
      return false;
    }
    for (String part : parts) {
      if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** A Stripe publishable key ({@link #STRIPE_PUBLISHABLE_KEY}). */
  public static String stripePublishableKey(String value) {
    if (!STRIPE_PUBLISHABLE_KEY.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "must be a Stripe publishable key (pk_live_... or pk_test_...)");
    }
    return value;
  }

  /** Comma-separated ISO 4217 codes, at least one; lower case, repeats dropped, order kept. */
  public static List<String> currencies(String value) {
    List<String> codes = csv(value);
    for (String code : codes) {
      if (!CURRENCY.matcher(code).matches()) {
        throw new IllegalArgumentException(
            quoted(code) + " is not a three-letter ISO 4217 code (for example eur,usd,gbp,chf)");
      }
    }
    if (codes.isEmpty()) {
      throw new IllegalArgumentException("must name at least one currency");
    }
    return codes.stream().map(c -> c.toLowerCase(Locale.ROOT)).distinct().toList();
  }
}
