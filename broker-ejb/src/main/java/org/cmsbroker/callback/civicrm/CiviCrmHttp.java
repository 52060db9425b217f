package org.cmsbroker.callback.civicrm;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** POSTs one form-encoded APIv4 request to CiviCRM. Implementations must be thread-safe. */
interface CiviCrmHttp {
  /**
   * What CiviCRM answered.
   *
   * @param status the HTTP status code
   * @param body the body as UTF-8 text, cut at the implementation's limit
   * @param truncated true when the body was longer than the limit (and so is not usable)
   */
  record Answer(int status, String body, boolean truncated) {}

  /**
   * POSTs {@code form} ({@code application/x-www-form-urlencoded}) with {@code headers} to {@code
   * uri}, following no redirects.
   *
   * @param timeout the longest wait for this request's answer
   * @throws IOException when no HTTP answer came (connection refused, timeout, TLS failure)
   */
  Answer post(URI uri, Map<String, String> headers, String form, Duration timeout)
      throws IOException;
}
