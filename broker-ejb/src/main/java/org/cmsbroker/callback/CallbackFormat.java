package org.cmsbroker.callback;

/** The form a client's receiver expects its callbacks in; chosen per client. */
public enum CallbackFormat {
  /**
   * The broker's generic JSON payload POSTed to the callback URL, signed per the Standard Webhooks
   * specification with the client's {@code whsec_} secret.
   */
  STANDARD_WEBHOOKS("standard-webhooks"),

  /**
   * The outcome recorded directly in CiviCRM through its REST API (the payment recorded against the
   * contribution named by the payment's reference), authenticated as CiviCRM's {@code authx}
   * expects.
   */
  CIVICRM("civicrm");

  private final String code;

  CallbackFormat(String code) {
    this.code = code;
  }

  /** The name used in configuration, the admin CLI and the database. */
  public String code() {
    return code;
  }

  /** The format named {@code code}; throws IllegalArgumentException for an unknown name. */
  public static CallbackFormat fromCode(String code) {
    for (CallbackFormat f : values()) {
      if (f.code.equals(code)) {
        return f;
      }
    }
    throw new IllegalArgumentException("callback format must be standard-webhooks or civicrm");
  }
}
