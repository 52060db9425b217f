package org.cmsbroker.payment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cmsbroker.payment.PaymentRejectedException.Reason;
import org.junit.jupiter.api.Test;

class PaymentServiceTest {
  private static PaymentRequest request(String description, String donorEmail) {
    return new PaymentRequest(
        1000,
        "eur",
        description,
        "contribution-1",
        donorEmail,
        "https://cms.example.org/ok",
        "https://cms.example.org/cancel",
        "redirect");
  }

  @Test
  void equalRequestsHashAlike() {
    assertEquals(
        PaymentService.requestHash(request("Gift", null)),
        PaymentService.requestHash(request("Gift", null)));
  }

  @Test
  void anyChangedFieldChangesTheHash() {
    String hash = PaymentService.requestHash(request("Gift", null));
    assertNotEquals(hash, PaymentService.requestHash(request("Gift!", null)));
    assertNotEquals(hash, PaymentService.requestHash(request("Gift", "")));
  }

  @Test
  void fieldBoundariesCannotBeShifted() {
    PaymentRequest a = new PaymentRequest(1, "eur", "ab", "c", null, "u", null, null);
    PaymentRequest b = new PaymentRequest(1, "eur", "a", "bc", null, "u", null, null);
    assertNotEquals(PaymentService.requestHash(a), PaymentService.requestHash(b));
  }

  @Test
  void idempotencyKeyMustBePrintableAsciiOfAtMost255Characters() {
    assertDoesNotThrow(() -> PaymentService.checkIdempotencyKey("order-42/attempt-1"));
    assertDoesNotThrow(() -> PaymentService.checkIdempotencyKey("k".repeat(255)));
    for (String bad : new String[] {null, "", "k".repeat(256), "with space", "t\u00e9st"}) {
      PaymentRejectedException e =
          assertThrows(
              PaymentRejectedException.class, () -> PaymentService.checkIdempotencyKey(bad));
      assertEquals(Reason.INVALID_IDEMPOTENCY_KEY, e.reason());
    }
  }
}
