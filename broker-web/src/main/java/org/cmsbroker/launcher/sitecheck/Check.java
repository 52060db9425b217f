package org.cmsbroker.launcher.sitecheck;

import java.util.List;

/** One aspect of a site probed from outside. Implementations are stateless and thread-safe. */
interface Check {
  /** The short name findings carry. */
  String name();

  /** Probes the site and returns at least one finding; never throws for what the site does. */
  List<Finding> run(SiteProbe probe);
}
