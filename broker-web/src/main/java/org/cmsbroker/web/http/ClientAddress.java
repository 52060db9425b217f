package org.cmsbroker.web.http;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.cmsbroker.outbound.OutboundPolicy;

/**
 * The client's address for throttling, rate limits, admin ranges and security events: the
 * connection's peer, unless that peer is inside a configured trusted proxy address or range ({@code
 * BROKER_TRUSTED_PROXIES}), in which case the right-most hop of {@code X-Forwarded-For} (or, when
 * the proxy sends none, of RFC 7239 {@code Forwarded: for=}) that is not itself a trusted proxy.
 * Hops further left were written by the client and are never believed. A hop that is not an address
 * (an obfuscated identifier, {@code unknown}, or garbage) ends the walk at the proxy's own address,
 * so one forged value cannot pick another client's budget.
 */
public final class ClientAddress {
  private static final int MAX_ADDRESS = 45;
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  private ClientAddress() {}

  public static String of(HttpServletRequest request, List<OutboundPolicy.Cidr> trustedProxies) {
    return of(
        request.getRemoteAddr(),
        request.getHeader("X-Forwarded-For"),
        request.getHeader("Forwarded"),
        trustedProxies);
  }

  /**
   * The same from the peer address and the two headers (each may be null). Addresses are compared
   * as addresses, not as text ({@code ::1} is {@code 0:0:0:0:0:0:0:1}, {@code ::ffff:192.0.2.1} is
   * {@code 192.0.2.1}), and a forwarded client's address is returned in Java's canonical spelling,
   * so one client cannot spend several budgets by spelling its address differently.
   *
   * @param peer the connection's remote address
   */
  public static String of(
      String peer,
      String xForwardedFor,
      String forwarded,
      List<OutboundPolicy.Cidr> trustedProxies) {
    if (trustedProxies.isEmpty() || !trusted(literal(peer), trustedProxies)) {
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
      InetAddress address = literal(hop);
      if (address == null) {
        return peer;
      }
      if (!trusted(address, trustedProxies)) {
        return address.getHostAddress();
      }
    }
    return peer;
  }

  private static boolean trusted(InetAddress address, List<OutboundPolicy.Cidr> trustedProxies) {
    if (address == null) {
      return false;
    }
    for (OutboundPolicy.Cidr range : trustedProxies) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code text} as an address when it is a literal IPv4 (dotted quad) or IPv6 address (without a
   * zone), else null. Never a name lookup: a string that is neither is refused before Java could
   * take it for a host name.
   */
  static InetAddress literal(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_ADDRESS) {
      return null;
    }
    boolean v6 = text.indexOf(':') >= 0;
    if (v6 ? !text.matches("[0-9A-Fa-f:.]+") : !IPV4.matcher(text).matches()) {
      return null;
    }
    try {
      // A dotted quad or a string with ':' is parsed as a literal (an invalid IPv6 literal
      // throws); neither reaches the resolver.
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
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
}
