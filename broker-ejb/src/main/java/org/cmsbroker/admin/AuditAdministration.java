package org.cmsbroker.admin;

import java.util.List;
import org.cmsbroker.audit.AuditQuery;
import org.cmsbroker.audit.AuditVerification;
import org.cmsbroker.audit.SecurityEvent;

/**
 * What the admin commands may do with the audit log (verify it, list its rows) and the broker's
 * security self-check, which includes verifying the audit log.
 */
public interface AuditAdministration {
  /** Verifies the chain against the database and the signed checkpoint kept outside it. */
  AuditVerification verify();

  /** Rows matching {@code query}, newest first. */
  List<SecurityEvent> list(AuditQuery query);

  /**
   * Archives (signed, to the data directory) and prunes audit rows older than {@code age}; one
   * batch. Empty when nothing was old enough.
   *
   * @throws IllegalStateException when the chain does not verify in those rows (nothing pruned)
   */
  java.util.Optional<org.cmsbroker.audit.AuditArchive> prune(java.time.Duration age);

  /** The broker's self-check: certificate, plain HTTP, files, database, clock, backups, audit. */
  List<org.cmsbroker.health.SelfCheckFinding> selfCheck();
}
