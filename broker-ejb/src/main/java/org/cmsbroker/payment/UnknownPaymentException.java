package org.cmsbroker.payment;

/**
 * No payment with that id belongs to the calling client (it does not exist, or it is another
 * client's: the two look the same). The message is fixed.
 */
public class UnknownPaymentException extends Exception {
  private static final long serialVersionUID = 1L;

  public UnknownPaymentException() {
    super("There is no such payment.", null, false, false);
  }
}
