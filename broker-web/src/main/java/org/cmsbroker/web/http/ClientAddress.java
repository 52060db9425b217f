package org.cmsbroker.web.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The client's address for throttling, rate limits, admin ranges and security events: the
 * connection's peer, unless that peer is a configured trusted proxy ({@code
 * BROKER_TRUSTED_PROXIES}), in which case the right-most hop of {@code X-Forwarded-For} (or, when
 * the proxy sends none, of RFC 7239 {@code Forwarded: for=}) that is not itself a trusted proxy.
 * Hops further left were written by the client and are never believed. A hop that is not an address
 * (an obfuscated identifier, {@code unknown}, or garbage) ends the walk at the proxy's own address,
 * so one forged value cannot pick another client's budget.
 */
public final class ClientAddress {
  private static final int MAX_ADDRESS = 45;

  private ClientAddress() {}

  public static String of(HttpServletRequest request, List<String> trustedProxies) {
    return of(
        request.getRemoteAddr(),
        request.getHeader("X-Forwarded-For"),
        request.getHeader("Forwarded"),
        trustedProxies);
  }

  /**
   * The same from the peer address and the two headers (each may be null).
   *
   * @param peer the connection's remote address
   */
  public static String of(
      String peer, String xForwardedFor, String forwarded, List<String> trustedProxies) {
    if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
      return peer;
    }
    List<String> hops;
    if (xForwardedFor != null && !xForwardedFor.isBlank()) {
      hops = new ArrayList<>();
      for (String hop : xForwardedFor.split(",")) {
        hops.add(hop.trim());
      }
    } else if (forwarded != null && !forwarded.isBlank()) {
      hops = forwardedFor(forwarded);
    } else {
      return peer;
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (hop.isEmpty()) {
        continue;
      }
      if (!looksLikeAddress(hop)) {
        return peer;
      }
      if (!trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return peer;
  }

  /** The {@code for=} values of a {@code Forwarded} header, in order, without quotes or ports. */
  static List<String> forwardedFor(String header) {
    List<String> out = new ArrayList<>();
    for (String element : header.split(",")) {
      String found = "";
      for (String pair : element.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
          found = node(pair.substring(eq + 1).trim());
        }
      }
      out.add(found.isEmpty() ? "unknown" : found);
    }
    return out;
  }

  /** {@code "[2001:db8::1]:4711"} to {@code 2001:db8::1}, {@code 192.0.2.4:80} to the address. */
  private static String node(String value) {
    String v = value;
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      return close > 1 ? v.substring(1, close) : "";
    }
    int colon = v.indexOf(':');
    if (colon > 0 && v.indexOf(':', colon + 1) < 0) {
      return v.substring(0, colon);
    }
    return v;
  }

  private static boolean looksLikeAddress(String hop) {
    return hop.length() <= MAX_ADDRESS && hop.matches("[0-9A-Fa-f:.]+") && hop.matches(".*[.:].*");
  }
}
