package org.cmsbroker.it.support;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON body of {@code POST /api/v1/payments} as a CMS sends it: EUR, with the fields the
 * payment tests vary set one by one; a field left null is left out.
 */
public final class PaymentJson {
  private final long amount;
  private final String reference;
  private String description = "Donation";
  private String donorEmail;
  private String returnUrl;
  private String cancelUrl;
  private String mode;

  private PaymentJson(long amount, String reference) {
    this.amount = amount;
    this.reference = reference;
  }

  /**
   * A "Donation" of {@code amount} cents for {@code reference}, returning to {@code origin +
   * "/donate/thanks"} and cancelled to {@code origin + "/donate/cancelled"}.
   */
  public static PaymentJson donation(long amount, String reference, String origin) {
    return new PaymentJson(amount, reference)
        .returnUrl(origin + "/donate/thanks")
        .cancelUrl(origin + "/donate/cancelled");
  }

  public PaymentJson description(String value) {
    description = value;
    return this;
  }

  public PaymentJson donorEmail(String value) {
    donorEmail = value;
    return this;
  }

  public PaymentJson returnUrl(String value) {
    returnUrl = value;
    return this;
  }

  public PaymentJson cancelUrl(String value) {
    cancelUrl = value;
    return this;
  }

  /** {@code redirect} or {@code embedded}; none sent when null (the API's default). */
  public PaymentJson mode(String value) {
    mode = value;
    return this;
  }

  public String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("amount", amount);
    json.put("currency", "eur");
    json.put("description", description);
    json.put("reference", reference);
    putIfSet(json, "donor_email", donorEmail);
    putIfSet(json, "return_url", returnUrl);
    putIfSet(json, "cancel_url", cancelUrl);
    putIfSet(json, "mode", mode);
    return JSONObjectUtils.toJSONString(json);
  }

  private static void putIfSet(Map<String, Object> json, String name, String value) {
    if (value != null) {
      json.put(name, value);
    }
  }
}
