package org.cmsbroker.payment;

/** How the donor reaches Stripe's payment form. */
public enum PaymentMode {
  /** The browser is sent to Stripe Checkout (PCI SAQ A); the default. */
  REDIRECT("redirect"),
  /** The CMS frames the broker's page, which mounts Stripe's embedded Checkout. */
  EMBEDDED("embedded");

  private final String code;

  PaymentMode(String code) {
    this.code = code;
  }

  /** The stable lower-case wire form. */
  public String code() {
    return code;
  }
}
