package org.cmsbroker.webhook;

import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/** One Stripe webhook event the broker has handled (table {@code stripe_event}); no payload. */
@Entity
@Table(name = "stripe_event")
public class StripeEventRecord {
  @DataClass(RESTRICTED)
  @Id
  @Column(name = "event_id", length = 255)
  private String eventId;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 100)
  private String type;

  @DataClass(RESTRICTED)
  @Column(name = "received_at", nullable = false)
  private OffsetDateTime receivedAt;

  @DataClass(RESTRICTED)
  @Column(name = "payment_id", length = 40)
  private String paymentId;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 32)
  private String outcome;

  protected StripeEventRecord() {}

  StripeEventRecord(
      String eventId, String type, OffsetDateTime receivedAt, String paymentId, String outcome) {
    this.eventId = eventId;
    this.type = type;
    this.receivedAt = receivedAt;
    this.paymentId = paymentId;
    this.outcome = outcome;
  }

  public String outcome() {
    return outcome;
  }
}
