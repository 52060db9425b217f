package org.cmsbroker.web.pay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import org.cmsbroker.csp.CspReportParser;
import org.junit.jupiter.api.Test;

class CspReportServletTest {

  /** A request with this body and, when not -1, this Content-Length. */
  private static HttpServletRequest body(byte[] bytes, long declaredLength) {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    ServletInputStream stream =
        new ServletInputStream() {
          @Override
          public int read() {
            return in.read();
          }

          @Override
          public boolean isFinished() {
            return in.available() == 0;
          }

          @Override
          public boolean isReady() {
            return true;
          }

          @Override
          public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException();
          }
        };
    return (HttpServletRequest)
        Proxy.newProxyInstance(
            CspReportServletTest.class.getClassLoader(),
            new Class<?>[] {HttpServletRequest.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getContentLengthLong" -> declaredLength;
                  case "getInputStream" -> stream;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @Test
  void mediaTypeIgnoresParametersAndCase() {
    assertEquals(
        "application/csp-report",
        CspReportServlet.mediaType("Application/CSP-Report; charset=utf-8"));
    assertEquals(
        "application/reports+json", CspReportServlet.mediaType("application/reports+json"));
    assertEquals("", CspReportServlet.mediaType(null));
  }

  @Test
  void bodyUpToTheLimitIsRead() throws Exception {
    byte[] max = new byte[CspReportParser.MAX_BODY_BYTES];
    assertArrayEquals(max, CspReportServlet.read(body(max, -1)));
  }

  @Test
  void declaredOversizedBodyIsRefusedWithoutReading() throws Exception {
    assertNull(CspReportServlet.read(body(new byte[0], CspReportParser.MAX_BODY_BYTES + 1L)));
  }

  @Test
  void chunkedBodyThatGrowsPastTheLimitIsRefused() throws Exception {
    assertNull(CspReportServlet.read(body(new byte[CspReportParser.MAX_BODY_BYTES + 1], -1)));
  }
}
