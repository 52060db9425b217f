package org.cmsbroker.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundPolicyTest {

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal); // literals only: no lookup
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, loopback",
    "127.255.0.9, loopback",
    "::1, loopback",
    "10.1.2.3, private",
    "172.16.0.1, private",
    "172.31.255.254, private",
    "192.168.1.1, private",
    "169.254.169.254, link-local",
    "fe80::1, link-local",
    "fd12:3456::1, private (unique local)",
    "fc00::1, private (unique local)",
    "0.0.0.0, unspecified",
    "::, unspecified",
    "224.0.0.251, multicast",
    "ff02::1, multicast",
    "100.64.0.1, shared (carrier-grade nat)",
    "192.0.2.10, documentation",
    "2001:db8::1, documentation",
    "255.255.255.255, broadcast",
    "240.0.0.1, reserved",
    "::ffff:127.0.0.1, loopback",
    "::ffff:10.0.0.1, private",
    "64:ff9b::7f00:1, nat64",
    "2002:7f00:1::1, 6to4",
  })
  void specialAddressesAreRefusedByDefault(String address, String kind) throws Exception {
    assertEquals(Optional.of(kind), OutboundPolicy.PUBLIC_ONLY.refusal(ip(address)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "172.32.0.1", "2606:4700::6810:84e5"})
  void publicAddressesAreAllowed(String address) throws Exception {
    assertEquals(Optional.empty(), OutboundPolicy.PUBLIC_ONLY.refusal(ip(address)));
  }

  @ParameterizedTest
  @CsvSource({
    "'10.20.0.0/16', 10.20.5.5, true",
    "'10.20.0.0/16', 10.21.0.1, false",
    "'127.0.0.0/8', 127.0.0.1, true",
    "'127.0.0.0/8', ::1, false",
    "'fd00:1::/48, 127.0.0.1/32', fd00:1:0:5::1, true",
    "'fd00:1::/48', fd00:2::1, false",
    "'192.168.1.7', 192.168.1.7, true",
    "'192.168.1.7', 192.168.1.8, false",
    "'172.16.0.0/13', 172.23.255.255, true",
    "'172.16.0.0/13', 172.24.0.0, false",
  })
  void theOperatorsRangesAreAllowed(String cidrs, String address, boolean allowed)
      throws Exception {
    assertEquals(allowed, OutboundPolicy.allowing(cidrs).refusal(ip(address)).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"10.0.0.0/33", "fd00::/129", "example.org/24", "10.0.0.0/x", "/8", "10.0.0.0/-1"})
  void aSettingThatIsNotACidrIsRefusedNamingTheEntry(String entry) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> OutboundPolicy.allowing("127.0.0.0/8, " + entry));
    assertTrue(e.getMessage().contains(entry.trim()), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void oneRefusedAddressAmongSeveralRefusesTheTarget() throws Exception {
    RefusedTargetException e =
        assertThrows(
            RefusedTargetException.class,
            () ->
                OutboundPolicy.PUBLIC_ONLY.check(
                    "crm.example.org", new InetAddress[] {ip("93.184.215.14"), ip("10.0.0.5")}));
    assertTrue(e.getMessage().contains("10.0.0.5"));
    assertTrue(e.getMessage().contains("BROKER_OUTBOUND_ALLOWED_CIDRS"));
  }
}
