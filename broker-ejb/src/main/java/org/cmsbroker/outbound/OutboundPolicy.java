package org.cmsbroker.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which addresses outbound calls may reach: public unicast addresses, plus the ranges the operator
 * allows ({@code BROKER_OUTBOUND_ALLOWED_CIDRS}, comma-separated CIDRs such as {@code 10.20.0.0/16,
 * fd00:1::/48}). Immutable and thread-safe.
 */
public final class OutboundPolicy {

  /** Public addresses only. */
  public static final OutboundPolicy PUBLIC_ONLY = new OutboundPolicy(List.of());

  /** A range of addresses. */
  public record Cidr(byte[] network, int prefix, String text) {
    /** Whether {@code address} lies in this range (IPv4 and IPv6 ranges never mix). */
    public boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }

    /**
     * Parses {@code 192.168.10.0/24} or {@code fd00::/8}; the address must be a literal.
     *
     * @throws IllegalArgumentException naming the entry when it is not a CIDR
     */
    public static Cidr parse(String text) {
      String t = text.trim();
      int slash = t.indexOf('/');
      String host = slash < 0 ? t : t.substring(0, slash);
      if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+")) {
        throw new IllegalArgumentException("not an address range: " + t);
      }
      byte[] bytes;
      try {
        bytes = InetAddress.getByName(host).getAddress(); // a literal: no lookup
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an address range: " + t);
      }
      int max = bytes.length * 8;
      int prefix;
      try {
        prefix = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an address range: " + t);
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("prefix length out of range: " + t);
      }
      return new Cidr(bytes, prefix, t);
    }
  }

  // Special-purpose IPv4 ranges (RFC 6890 and successors) that Java's predicates do not name.
  // (IPv4-mapped IPv6 addresses reach us as IPv4 addresses: Java converts them.)
  private static final List<Kind> SPECIAL =
      List.of(
          new Kind(Cidr.parse("0.0.0.0/8"), "unspecified"),
          new Kind(Cidr.parse("100.64.0.0/10"), "shared (carrier-grade NAT)"),
          new Kind(Cidr.parse("192.0.0.0/24"), "IETF protocol assignment"),
          new Kind(Cidr.parse("192.0.2.0/24"), "documentation"),
          new Kind(Cidr.parse("198.18.0.0/15"), "benchmarking"),
          new Kind(Cidr.parse("198.51.100.0/24"), "documentation"),
          new Kind(Cidr.parse("203.0.113.0/24"), "documentation"),
          new Kind(Cidr.parse("240.0.0.0/4"), "reserved"),
          new Kind(Cidr.parse("::/96"), "IPv4-compatible or unspecified"),
          new Kind(Cidr.parse("64:ff9b::/96"), "NAT64"),
          new Kind(Cidr.parse("64:ff9b:1::/48"), "NAT64"),
          new Kind(Cidr.parse("100::/64"), "discard"),
          new Kind(Cidr.parse("2001::/23"), "IETF protocol assignment"),
          new Kind(Cidr.parse("2001:db8::/32"), "documentation"),
          new Kind(Cidr.parse("2002::/16"), "6to4"),
          new Kind(Cidr.parse("fc00::/7"), "private (unique local)"));

  private record Kind(Cidr range, String name) {}

  private final List<Cidr> allowed;

  private OutboundPolicy(List<Cidr> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /**
   * The policy for a {@code BROKER_OUTBOUND_ALLOWED_CIDRS} value (null or blank: public only).
   *
   * @throws IllegalArgumentException naming the first entry that is not a CIDR
   */
  public static OutboundPolicy allowing(String cidrs) {
    if (cidrs == null || cidrs.isBlank()) {
      return PUBLIC_ONLY;
    }
    List<Cidr> ranges = new ArrayList<>();
    for (String part : cidrs.split(",")) {
      if (!part.isBlank()) {
        ranges.add(Cidr.parse(part));
      }
    }
    return new OutboundPolicy(ranges);
  }

  /** The allowed ranges, as written. */
  public List<String> allowedRanges() {
    return allowed.stream().map(Cidr::text).toList();
  }

  /** Why {@code address} may not be reached, or empty when it may. */
  public Optional<String> refusal(InetAddress address) {
    Optional<String> kind = specialKind(address);
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    for (Cidr range : allowed) {
      if (range.contains(address)) {
        return Optional.empty();
      }
    }
    return kind;
  }

  /**
   * Refuses unless every address is allowed.
   *
   * @throws RefusedTargetException naming the host, the first refused address and its kind
   */
  public void check(String host, InetAddress[] addresses) throws RefusedTargetException {
    for (InetAddress address : addresses) {
      Optional<String> why = refusal(address);
      if (why.isPresent()) {
        throw new RefusedTargetException(
            "target "
                + host
                + " resolves to "
                + address.getHostAddress()
                + ", a "
                + why.get()
                + " address, which outbound calls may not reach"
                + " (allow its range with BROKER_OUTBOUND_ALLOWED_CIDRS)");
      }
    }
  }

  /** What kind of special address {@code address} is, or empty for a public unicast address. */
  public static Optional<String> specialKind(InetAddress address) {
    if (address.isAnyLocalAddress()) {
      return Optional.of("unspecified");
    }
    if (address.isLoopbackAddress()) {
      return Optional.of("loopback");
    }
    if (address.isLinkLocalAddress()) {
      return Optional.of("link-local");
    }
    if (address.isMulticastAddress()) {
      return Optional.of("multicast");
    }
    if (address.isSiteLocalAddress()) {
      return Optional.of(address instanceof Inet6Address ? "site-local" : "private");
    }
    if (address instanceof Inet4Address) {
      byte[] a = address.getAddress();
      if ((a[0] & 0xff) == 255 && (a[1] & 0xff) == 255 && (a[2] & 0xff) == 255) {
        return Optional.of("broadcast");
      }
    }
    for (Kind kind : SPECIAL) {
      if (kind.range().contains(address)) {
        return Optional.of(kind.name().toLowerCase(Locale.ROOT));
      }
    }
    return Optional.empty();
  }
}
