package org.cmsbroker.csp;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One aggregate of CSP violations at rest (table {@code csp_report}). Mutable JPA state. */
@Entity
@Table(name = "csp_report")
public class CspReportEntry {
  @Id
  @Column(name = "report_key", length = 64)
  private String key;

  @Column(name = "page_path", nullable = false, length = 200)
  private String pagePath;

  @Column(name = "effective_directive", nullable = false, length = 64)
  private String effectiveDirective;

  @Column(name = "blocked_origin", nullable = false, length = 255)
  private String blockedOrigin;

  @Column(nullable = false, length = 16)
  private String disposition;

  @Column(name = "report_count", nullable = false)
  private long count;

  @Column(name = "first_seen", nullable = false)
  private OffsetDateTime firstSeen;

  @Column(name = "last_seen", nullable = false)
  private OffsetDateTime lastSeen;

  @Column(name = "sample_user_agent", length = 200)
  private String sampleUserAgent;

  protected CspReportEntry() {}

  CspReportEntry(String key, CspViolation v, OffsetDateTime now) {
    this.key = key;
    this.pagePath = v.pagePath();
    this.effectiveDirective = v.effectiveDirective();
    this.blockedOrigin = v.blockedOrigin();
    this.disposition = v.disposition();
    this.count = 1;
    this.firstSeen = now;
    this.lastSeen = now;
    this.sampleUserAgent = v.userAgent();
  }

  CspAggregate view() {
    return new CspAggregate(
        pagePath,
        effectiveDirective,
        blockedOrigin,
        disposition,
        count,
        firstSeen.toInstant(),
        lastSeen.toInstant(),
        sampleUserAgent);
  }
}
