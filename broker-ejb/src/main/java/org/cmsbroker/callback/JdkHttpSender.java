package org.cmsbroker.callback;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * {@link HttpSender} on {@code java.net.http.HttpClient}: connect and request timeouts, no
 * redirects (a 3xx is an answer, not a new target), response body discarded. Thread-safe.
 */
public final class JdkHttpSender implements HttpSender {
  private final HttpClient client;
  private final Duration requestTimeout;

  public JdkHttpSender(Duration connectTimeout, Duration requestTimeout) {
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.requestTimeout = requestTimeout;
  }

  @Override
  public int send(URI target, Map<String, String> headers, String body) throws IOException {
    String scheme = target.getScheme();
    if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
      throw new IOException("callback target is not an HTTP(S) URL");
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target)
            .timeout(requestTimeout)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("callback interrupted");
    }
  }
}
