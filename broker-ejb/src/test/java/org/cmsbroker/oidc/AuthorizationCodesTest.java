package org.cmsbroker.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AuthorizationCodesTest {
  private Instant now = Instant.parse("2026-11-22T12:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };
  private final AuthorizationCodes codes = new AuthorizationCodes(new SecureRandom(), clock);

  private AuthorizationCode grant() {
    return new AuthorizationCode(
        "site",
        "https://site.example/cb",
        "challenge",
        "nonce",
        "openid",
        "account",
        "session",
        now,
        now.plus(AuthorizationCodes.LIFETIME));
  }

  @Test
  void codeIsRedeemedOnceWithWhatItStandsFor() {
    AuthorizationCode grant = grant();
    String code = codes.issue(grant);
    AuthorizationCodes.Redemption first = codes.redeem(code);
    assertEquals(
        grant, assertInstanceOf(AuthorizationCodes.Redemption.Redeemed.class, first).code());
  }

  @Test
  void secondUseIsReportedWithTheFamilyTheFirstIssued() {
    String code = codes.issue(grant());
    codes.redeem(code);
    codes.recordIssued(code, "family-1");
    AuthorizationCodes.Redemption second = codes.redeem(code);
    assertEquals(
        "family-1",
        assertInstanceOf(AuthorizationCodes.Redemption.Replayed.class, second).issuedFamily());
  }

  @Test
  void expiredCodeIsInvalid() {
    String code = codes.issue(grant());
    now = now.plus(Duration.ofSeconds(61));
    assertInstanceOf(AuthorizationCodes.Redemption.Invalid.class, codes.redeem(code));
  }

  @Test
  void unknownOrMalformedCodeIsInvalid() {
    assertInstanceOf(AuthorizationCodes.Redemption.Invalid.class, codes.redeem("x".repeat(43)));
    assertInstanceOf(AuthorizationCodes.Redemption.Invalid.class, codes.redeem(null));
    assertInstanceOf(AuthorizationCodes.Redemption.Invalid.class, codes.redeem("short"));
  }

  @Test
  void codesAreRandomAndOnlyTheirHashIsKept() {
    AuthorizationCode grant = grant();
    String a = codes.issue(grant);
    String b = codes.issue(grant);
    assertNotEquals(a, b);
    assertEquals(43, a.length());
    assertEquals(grant, codes.peek(a).orElseThrow());
  }

  @Test
  void twoSimultaneousRedemptionsOfOneCodeHaveExactlyOneWinner() throws Exception {
    for (int round = 0; round < 50; round++) {
      String code = codes.issue(grant());

      java.util.List<Object> results =
          org.cmsbroker.testing.Core.concurrently(2, () -> codes.redeem(code));

      assertEquals(
          1,
          results.stream().filter(r -> r instanceof AuthorizationCodes.Redemption.Redeemed).count(),
          "results: " + results);
      assertEquals(
          1,
          results.stream().filter(r -> r instanceof AuthorizationCodes.Redemption.Replayed).count(),
          "results: " + results);
    }
  }
}
