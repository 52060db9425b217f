package org.cmsbroker.admin;

import java.util.List;
import org.cmsbroker.csp.CspAggregate;

/** What the admin commands may see of CSP violation reports. */
@FunctionalInterface
public interface CspReportAdministration {

  /** The most recently seen aggregates, at most {@code limit}. */
  List<CspAggregate> recent(int limit);
}
