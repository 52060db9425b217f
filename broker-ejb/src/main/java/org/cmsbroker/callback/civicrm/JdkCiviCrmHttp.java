package org.cmsbroker.callback.civicrm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link CiviCrmHttp} on {@code java.net.http.HttpClient}: a connect timeout, a cap on each
 * request's timeout that covers the whole exchange including the body (the JDK's own request
 * timeout stops at the headers), no redirects (a 3xx from CiviCRM means a wrong base URL, and
 * following it could carry the API key elsewhere), and at most {@link #MAX_BODY} bytes of the
 * answer kept. Thread-safe.
 */
final class JdkCiviCrmHttp implements CiviCrmHttp {
  /** The most of an answer that is kept; APIv4 answers about one contribution are a few KiB. */
  static final int MAX_BODY = 256 * 1024;

  private final HttpClient client;
  private final Duration maxRequestTimeout;

  JdkCiviCrmHttp(Duration connectTimeout, Duration maxRequestTimeout) {
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.maxRequestTimeout = maxRequestTimeout;
  }

  @Override
  public Answer post(URI uri, Map<String, String> headers, String form, Duration timeout)
      throws IOException {
    Duration wait = timeout.compareTo(maxRequestTimeout) < 0 ? timeout : maxRequestTimeout;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(wait)
            .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    CompletableFuture<HttpResponse<Limited>> exchange =
        client.sendAsync(request.build(), info -> new LimitedBody());
    try {
      HttpResponse<Limited> response = exchange.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      Limited body = response.body();
      return new Answer(
          response.statusCode(),
          new String(body.bytes(), StandardCharsets.UTF_8),
          body.truncated());
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new HttpTimeoutException("CiviCRM did not answer in time");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("CiviCRM request failed", e.getCause());
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("CiviCRM request interrupted");
    }
  }

  /** The first {@link #MAX_BODY} bytes of a body, and whether there was more. */
  record Limited(byte[] bytes, boolean truncated) {}

  /** Keeps up to {@link #MAX_BODY} bytes, then cancels the rest of the body. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<Limited> {
    private final CompletableFuture<Limited> result = new CompletableFuture<>();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    @Override
    public CompletionStage<Limited> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        int room = MAX_BODY - kept.size();
        if (buffer.remaining() > room) {
          byte[] part = new byte[room];
          buffer.get(part);
          kept.write(part, 0, room);
          subscription.cancel();
          result.complete(new Limited(kept.toByteArray(), true));
          return;
        }
        byte[] all = new byte[buffer.remaining()];
        buffer.get(all);
        kept.write(all, 0, all.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(new Limited(kept.toByteArray(), false));
    }
  }
}
