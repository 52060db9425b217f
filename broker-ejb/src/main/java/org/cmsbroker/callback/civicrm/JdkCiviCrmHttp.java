package org.cmsbroker.callback.civicrm;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.cmsbroker.callback.BoundedHttpClient;

/**
 * {@link CiviCrmHttp} on {@link BoundedHttpClient}: the timeout covers the whole exchange, no
 * redirects (a 3xx from CiviCRM means a wrong base URL, and following it could carry the API key
 * elsewhere), and at most {@link #MAX_BODY} bytes of the answer kept. Thread-safe.
 */
final class JdkCiviCrmHttp implements CiviCrmHttp {
  /** The most of an answer that is kept; APIv4 answers about one contribution are a few KiB. */
  static final int MAX_BODY = 256 * 1024;

  private final BoundedHttpClient client;

  JdkCiviCrmHttp(
      Duration connectTimeout,
      Duration maxRequestTimeout,
      org.cmsbroker.outbound.OutboundPolicy policy) {
    this.client = new BoundedHttpClient(connectTimeout, maxRequestTimeout, MAX_BODY, policy);
  }

  @Override
  public Answer post(URI uri, Map<String, String> headers, String form, Duration timeout)
      throws IOException {
    BoundedHttpClient.Answer answer = client.post(uri, headers, form, timeout);
    return new Answer(answer.status(), answer.body(), answer.truncated());
  }
}
