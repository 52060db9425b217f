package org.cmsbroker.callback;

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
 * POSTs over {@code java.net.http.HttpClient} for the callback deliveries: a connect timeout, a
 * timeout that covers the whole exchange including the body (the JDK's own request timeout stops at
 * the headers, so a receiver trickling its body could otherwise hold a dispatcher past its lease),
 * no redirects (a 3xx is an answer, and following it could carry credentials elsewhere), and at
 * most {@code maxBody} bytes of the answer kept. Thread-safe.
 */
public final class BoundedHttpClient {
  /**
   * What the receiver answered.
   *
   * @param status the HTTP status code
   * @param body the body as UTF-8 text, cut at the client's limit
   * @param truncated true when the body was longer than the limit
   */
  public record Answer(int status, String body, boolean truncated) {}

  private final HttpClient client;
  private final Duration maxRequestTimeout;
  private final int maxBody;

  /**
   * @param maxRequestTimeout the longest any one exchange may take, whatever a caller asks
   * @param maxBody the most of an answer that is kept
   */
  public BoundedHttpClient(Duration connectTimeout, Duration maxRequestTimeout, int maxBody) {
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.maxRequestTimeout = maxRequestTimeout;
    this.maxBody = maxBody;
  }

  /**
   * POSTs {@code body} (UTF-8) with {@code headers} to {@code uri} and waits at most {@code
   * timeout} (capped at the client's maximum) for the whole answer.
   *
   * @throws IOException when no complete HTTP answer came in time (refused, timeout, TLS failure)
   */
  public Answer post(URI uri, Map<String, String> headers, String body, Duration timeout)
      throws IOException {
    Duration wait = timeout.compareTo(maxRequestTimeout) < 0 ? timeout : maxRequestTimeout;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(wait)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    CompletableFuture<HttpResponse<Limited>> exchange =
        client.sendAsync(request.build(), info -> new LimitedBody(maxBody));
    try {
      HttpResponse<Limited> response = exchange.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      Limited limited = response.body();
      return new Answer(
          response.statusCode(),
          new String(limited.bytes(), StandardCharsets.UTF_8),
          limited.truncated());
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new HttpTimeoutException("the receiver did not answer in time");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("the request failed", e.getCause());
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("the request was interrupted");
    }
  }

  /** The first bytes of a body, up to the limit, and whether there was more. */
  record Limited(byte[] bytes, boolean truncated) {}

  /** Keeps up to its limit, then cancels the rest of the body. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<Limited> {
    private final CompletableFuture<Limited> result = new CompletableFuture<>();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int max;
    private Flow.Subscription subscription;

    LimitedBody(int max) {
      this.max = max;
    }

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
        int room = max - kept.size();
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
