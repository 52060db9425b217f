package org.cmsbroker.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.cmsbroker.outbound.OutboundPolicy;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  private static final List<OutboundPolicy.Cidr> PROXY =
      List.of(OutboundPolicy.Cidr.parse("10.0.0.2"));

  @Test
  void withoutTrustedProxiesTheHeadersAreIgnored() {
    assertEquals("203.0.113.7", ClientAddress.of("203.0.113.7", "198.51.100.1", null, List.of()));
  }

  @Test
  void aPeerThatIsNotATrustedProxyCannotChooseItsAddress() {
    assertEquals(
        "203.0.113.7", ClientAddress.of("203.0.113.7", "198.51.100.1", "for=1.2.3.4", PROXY));
  }

  @Test
  void fromATrustedProxyTheRightMostUntrustedHopOfXForwardedForIsTheClient() {
    assertEquals(
        "198.51.100.1",
        ClientAddress.of("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.2", null, PROXY));
  }

  @Test
  void forwardedIsReadWhenTheProxySendsNoXForwardedFor() {
    assertEquals(
        "198.51.100.1",
        ClientAddress.of(
            "10.0.0.2", null, "for=6.6.6.6, for=198.51.100.1;proto=https;by=10.0.0.2", PROXY));
    assertEquals(
        "2001:db8:cafe:0:0:0:0:17",
        ClientAddress.of("10.0.0.2", null, "for=\"[2001:db8:cafe::17]:4711\"", PROXY));
    assertEquals("192.0.2.43", ClientAddress.of("10.0.0.2", null, "For=192.0.2.43:8080", PROXY));
  }

  @Test
  void anObfuscatedOrUnknownHopEndsTheWalkAtTheProxy() {
    assertEquals("10.0.0.2", ClientAddress.of("10.0.0.2", null, "for=_hidden, for=unknown", PROXY));
    assertEquals("10.0.0.2", ClientAddress.of("10.0.0.2", "evil<script>", null, PROXY));
    assertEquals("10.0.0.2", ClientAddress.of("10.0.0.2", null, "proto=https", PROXY));
  }

  @Test
  void anOverlongHopIsNotBelieved() {
    assertEquals("10.0.0.2", ClientAddress.of("10.0.0.2", "1".repeat(60) + ".1", null, PROXY));
  }

  @Test
  void aProxyRangeTrustsEveryAddressInItAndItsHopsAreSkipped() {
    List<OutboundPolicy.Cidr> ranges =
        List.of(OutboundPolicy.Cidr.parse("10.0.0.0/24"), OutboundPolicy.Cidr.parse("fd00::/8"));
    assertEquals(
        "198.51.100.1", ClientAddress.of("10.0.0.77", "198.51.100.1, 10.0.0.9", null, ranges));
    assertEquals(
        "198.51.100.1", ClientAddress.of("fd00:0:0:0:0:0:0:5", "198.51.100.1", null, ranges));
    assertEquals("10.0.1.1", ClientAddress.of("10.0.1.1", "198.51.100.1", null, ranges));
  }

  @Test
  void addressesAreComparedAsAddressesNotAsText() {
    List<OutboundPolicy.Cidr> loopback = List.of(OutboundPolicy.Cidr.parse("::1"));
    assertEquals(
        "198.51.100.1", ClientAddress.of("0:0:0:0:0:0:0:1", "198.51.100.1", null, loopback));
    assertEquals(
        "2001:db8:0:0:0:0:0:1",
        ClientAddress.of("10.0.0.2", "2001:DB8:0::1", null, PROXY),
        "one spelling for one client, whatever the proxy wrote");
    assertEquals(
        "192.0.2.1",
        ClientAddress.of("10.0.0.2", "::ffff:192.0.2.1", null, PROXY),
        "an IPv4-mapped address is the IPv4 client");
  }

  @Test
  void aHopThatIsAHostNameOrNotQuiteAnAddressIsNeverLookedUp() {
    assertEquals("10.0.0.2", ClientAddress.of("10.0.0.2", "localhost", null, PROXY));
    assertEquals("10.0.0.2", ClientAddress.of("10.0.0.2", "1.2.3.4.5", null, PROXY));
    assertEquals("10.0.0.2", ClientAddress.of("10.0.0.2", "1.2.3", null, PROXY));
    assertEquals("10.0.0.2", ClientAddress.of("10.0.0.2", "256.1.1.1", null, PROXY));
    assertEquals("10.0.0.2", ClientAddress.of("10.0.0.2", "1:2:3", null, PROXY));
  }
}
