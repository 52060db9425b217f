package org.cmsbroker.csp;

import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/** One aggregate of CSP violations at rest (table {@code csp_report}). Mutable JPA state. */
@Entity
@Table(name = "csp_report")
public class CspReportEntry {
  /** A hash of the report's grouping fields. */
  @DataClass(RESTRICTED)
  @Id
  @Column(name = "report_key", length = 64)
  private String key;

  @DataClass(RESTRICTED)
  @Column(name = "page_path", nullable = false, length = 200)
  private String pagePath;

  @DataClass(RESTRICTED)
  @Column(name = "effective_directive", nullable = false, length = 64)
  private String effectiveDirective;

  @DataClass(RESTRICTED)
  @Column(name = "blocked_origin", nullable = false, length = 255)
  private String blockedOrigin;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 16)
  private String disposition;

  @DataClass(RESTRICTED)
  @Column(name = "report_count", nullable = false)
  private long count;

  @DataClass(RESTRICTED)
  @Column(name = "first_seen", nullable = false)
  private OffsetDateTime firstSeen;

  @DataClass(RESTRICTED)
  @Column(name = "last_seen", nullable = false)
  private OffsetDateTime lastSeen;

  /** One browser's product string, kept with no address or account. */
  @DataClass(RESTRICTED)
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
