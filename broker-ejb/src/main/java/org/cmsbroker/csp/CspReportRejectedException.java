package org.cmsbroker.csp;

/** A report body that is not a CSP violation report of an accepted shape; the message is fixed. */
public class CspReportRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  public CspReportRejectedException(String message) {
    super(message, null, false, false);
  }
}
