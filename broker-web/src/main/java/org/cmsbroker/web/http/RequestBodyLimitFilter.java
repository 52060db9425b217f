package org.cmsbroker.web.http;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.web.error.ErrorResponses;

/**
 * Refuses request bodies over the configured limit with 413: at once when {@code Content-Length}
 * says so, and while reading when a chunked body grows past it.
 */
public class RequestBodyLimitFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  @Inject transient BrokerConfig config;

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    long limit = config.maxBodyBytes();
    if (request.getContentLengthLong() > limit) {
      ErrorResponses.write(request, response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
      return;
    }
    try {
      chain.doFilter(new LimitedRequest(request, limit), response);
    } catch (BodyTooLargeException e) {
      if (!response.isCommitted()) {
        response.reset();
        SecurityHeaders.apply(response);
        ErrorResponses.write(request, response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
      }
    }
  }

  /** Thrown while reading a body that has grown past the limit. */
  static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException() {
      super("request body too large");
    }
  }

  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    LimitedRequest(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new CountingInputStream(super.getInputStream(), limit);
      }
      return stream;
    }
  }

  private static final class CountingInputStream extends ServletInputStream {
    private final ServletInputStream delegate;
    private final long limit;
    private long count;

    CountingInputStream(ServletInputStream delegate, long limit) {
      this.delegate = delegate;
      this.limit = limit;
    }

    private int counted(int n) throws BodyTooLargeException {
      if (n > 0) {
        count += n;
        if (count > limit) {
          throw new BodyTooLargeException();
        }
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      int b = delegate.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return counted(delegate.read(buffer, offset, length));
    }

    @Override
    public boolean isFinished() {
      return delegate.isFinished();
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      delegate.setReadListener(listener);
    }
  }
}
