package org.cmsbroker.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hand-written servlet stand-ins made with {@link Proxy}: a request that answers only what a test
 * gives it, and a response that records what is set on it. Any other call fails the test, so code
 * cannot quietly depend on something the test did not think of.
 */
public final class ServletStubs {
  private ServletStubs() {}

  /** A request; {@code headers} are matched ignoring case. */
  public static HttpServletRequest request(
      boolean secure, String requestUri, String queryString, Map<String, String> headers) {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    return (HttpServletRequest)
        Proxy.newProxyInstance(
            ServletStubs.class.getClassLoader(),
            new Class<?>[] {HttpServletRequest.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "isSecure" -> secure;
                  case "getRequestURI" -> requestUri;
                  case "getContextPath" -> "";
                  case "getQueryString" -> queryString;
                  case "getHeader" -> h.get((String) args[0]);
                  case "getScheme" -> secure ? "https" : "http";
                  case "getServerName" -> h.getOrDefault("Host", "unknown").split(":")[0];
                  case "getRequestURL" ->
                      new StringBuffer(
                          (secure ? "https://" : "http://")
                              + h.getOrDefault("Host", "unknown")
                              + requestUri);
                  case "toString" -> "request " + requestUri;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  /** What a response was given. */
  public static final class RecordedResponse {
    public int status = 200;
    public final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    public String contentType;
    public String characterEncoding;
    public Integer contentLength;
    private final StringWriter body = new StringWriter();
    private final PrintWriter writer = new PrintWriter(body);
    public final HttpServletResponse response =
        (HttpServletResponse)
            Proxy.newProxyInstance(
                ServletStubs.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class},
                (proxy, method, args) -> {
                  switch (method.getName()) {
                    case "setStatus" -> status = (Integer) args[0];
                    case "getStatus" -> {
                      return status;
                    }
                    case "setHeader" -> headers.put((String) args[0], (String) args[1]);
                    case "getHeader" -> {
                      return headers.get((String) args[0]);
                    }
                    case "containsHeader" -> {
                      return headers.containsKey((String) args[0]);
                    }
                    case "setContentType" -> contentType = (String) args[0];
                    case "getContentType" -> {
                      return contentType;
                    }
                    case "setCharacterEncoding" -> characterEncoding = (String) args[0];
                    case "setContentLength" -> contentLength = (Integer) args[0];
                    case "getWriter" -> {
                      return writer;
                    }
                    case "toString" -> {
                      return "recorded response";
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                  }
                  return null;
                });

    public String body() {
      writer.flush();
      return body.toString();
    }
  }
}
