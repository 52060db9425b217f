package org.cmsbroker.callback;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * {@link HttpSender} on {@link BoundedHttpClient}: the target's addresses checked at connection
 * time, connect timeout, a request timeout that covers the whole exchange, no redirects (a 3xx is
 * an answer, not a new target); the answer's body is not used, and no more than {@link #MAX_BODY}
 * bytes of it are read. Thread-safe.
 */
public final class JdkHttpSender implements HttpSender {
  /** The most of an answer that is read; receivers acknowledge with a status, not a body. */
  static final int MAX_BODY = 16 * 1024;

  private final BoundedHttpClient client;
  private final Duration requestTimeout;

  public JdkHttpSender(
      Duration connectTimeout,
      Duration requestTimeout,
      org.cmsbroker.outbound.OutboundPolicy policy) {
    this.client = new BoundedHttpClient(connectTimeout, requestTimeout, MAX_BODY, policy);
    this.requestTimeout = requestTimeout;
  }

  @Override
  public int send(URI target, Map<String, String> headers, String body) throws IOException {
    String scheme = target.getScheme();
    if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
      throw new IOException("callback target is not an HTTP(S) URL");
    }
    return client.post(target, headers, body, requestTimeout).status();
  }
}
