package org.cmsbroker.launcher.sitecheck;

/** How a finding bears on the site: only {@link #FAIL} makes {@code check} exit non-zero. */
public enum Status {
  PASS,
  WARN,
  FAIL
}
