package org.cmsbroker.callback;

import java.net.URI;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Where a client's callbacks go, in which {@link CallbackFormat}, and with which credentials. The
 * credentials are confidential: {@link #toString} leaves them out.
 *
 * <ul>
 *   <li>{@link CallbackFormat#STANDARD_WEBHOOKS}: {@code url} is the receiver's endpoint; {@code
 *       secret} the {@code whsec_} signing secret; {@code siteKey} null.
 *   <li>{@link CallbackFormat#CIVICRM}: {@code url} is the CiviCRM site's base URL (for example
 *       {@code https://crm.example.org/}); {@code secret} the API key of the CiviCRM user the
 *       broker acts as (sent the way {@code authx} expects); {@code siteKey} CiviCRM's site key
 *       when the site's authx guard asks for it, else null; {@code timeZone} the site's time zone,
 *       in which CiviCRM reads the dates the broker sends (UTC when null is given).
 * </ul>
 */
public record CallbackTarget(
    URI url, CallbackFormat format, String secret, String siteKey, ZoneId timeZone) {
  public CallbackTarget {
    timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
    if (url == null || format == null || secret == null) {
      throw new IllegalArgumentException("callback target needs a URL, a format and a secret");
    }
    if (format == CallbackFormat.STANDARD_WEBHOOKS && siteKey != null) {
      throw new IllegalArgumentException("a site key belongs to CiviCRM targets only");
    }
  }

  /** A Standard Webhooks target. */
  public CallbackTarget(URI url, String secret) {
    this(url, CallbackFormat.STANDARD_WEBHOOKS, secret, null, null);
  }

  @Override
  public String toString() {
    return "CallbackTarget[url=" + url + ", format=" + format.code() + ", credentials=(redacted)]";
  }
}
