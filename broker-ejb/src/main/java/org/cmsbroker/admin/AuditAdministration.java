package org.cmsbroker.admin;

import java.util.List;
import org.cmsbroker.audit.AuditQuery;
import org.cmsbroker.audit.AuditVerification;
import org.cmsbroker.audit.SecurityEvent;

/** What the admin commands may do with the audit log: verify it and list its rows. */
public interface AuditAdministration {
  /** Verifies the chain against the database and the signed checkpoint kept outside it. */
  AuditVerification verify();

  /** Rows matching {@code query}, newest first. */
  List<SecurityEvent> list(AuditQuery query);
}
