package org.cmsbroker.payment;

import java.time.Instant;
import java.util.Objects;

/**
 * What the embedded payment page {@code /pay/{id}} knows of a payment. Immutable. {@link #toString}
 * leaves the client secret out.
 *
 * @param id the broker's payment id
 * @param clientId the client whose registered web origins may frame the page
 * @param mode redirect or embedded
 * @param status where the payment stands
 * @param expiresAt when the Checkout Session expires, or null while none was created
 * @param clientSecret the embedded Checkout Session's client secret (decrypted), or null (redirect
 *     mode, or no session yet)
 */
public record PaymentPage(
    String id,
    String clientId,
    PaymentMode mode,
    PaymentStatus status,
    Instant expiresAt,
    String clientSecret) {

  public PaymentPage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(status, "status");
  }

  /**
   * Whether the donor can still pay on the page at {@code now}: pending, or failed (Checkout lets
   * the donor try again), and the session has not expired.
   */
  public boolean open(Instant now) {
    return (status == PaymentStatus.PENDING || status == PaymentStatus.FAILED)
        && (expiresAt == null || now.isBefore(expiresAt));
  }

  @Override
  public String toString() {
    return "PaymentPage[id="
        + id
        + ", clientId="
        + clientId
        + ", mode="
        + mode.code()
        + ", status="
        + status.code()
        + ", expiresAt="
        + expiresAt
        + "]";
  }
}
