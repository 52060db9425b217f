package org.cmsbroker.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cmsbroker.outbound.OutboundPolicy;
import org.cmsbroker.settings.Rules;
import org.junit.jupiter.api.Test;

class AdminHttpAccessTest {
  private static final List<OutboundPolicy.Cidr> OFFICE =
      Rules.addressRanges("10.9.0.0/16, 2001:db8:5::/48");

  @Test
  void withNoRangesConfiguredEveryAddressMayTry() {
    assertTrue(AdminHttpAccess.addressAllowed(List.of(), "203.0.113.9"));
  }

  @Test
  void addressesInsideAConfiguredRangeAreAllowed() {
    assertTrue(AdminHttpAccess.addressAllowed(OFFICE, "10.9.200.1"));
    assertTrue(AdminHttpAccess.addressAllowed(OFFICE, "2001:db8:5::17"));
    assertTrue(AdminHttpAccess.addressAllowed(OFFICE, "::ffff:10.9.0.1"), "IPv4-mapped");
  }

  @Test
  void addressesOutsideEveryRangeAreRefused() {
    assertFalse(AdminHttpAccess.addressAllowed(OFFICE, "10.10.0.1"));
    assertFalse(AdminHttpAccess.addressAllowed(OFFICE, "127.0.0.1"));
    assertFalse(AdminHttpAccess.addressAllowed(OFFICE, "2001:db8:6::1"));
  }

  @Test
  void somethingThatIsNotAnAddressLiteralIsRefusedWithoutALookup() {
    assertFalse(AdminHttpAccess.addressAllowed(OFFICE, "office.example.org"));
    assertFalse(AdminHttpAccess.addressAllowed(OFFICE, ""));
    assertFalse(AdminHttpAccess.addressAllowed(OFFICE, null));
    assertFalse(AdminHttpAccess.addressAllowed(OFFICE, "fe80::1%eth0"));
  }

  @Test
  void aSettingThatIsNotAListOfRangesIsRefusedNamingTheEntry() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Rules.addressRanges("10.0.0.0/8,lan"));
    assertTrue(e.getMessage().contains("lan"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Rules.addressRanges("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Rules.addressRanges(" , "));
  }
}
