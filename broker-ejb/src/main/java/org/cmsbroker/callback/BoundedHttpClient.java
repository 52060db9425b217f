package org.cmsbroker.callback;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.cmsbroker.outbound.OutboundPolicy;
import org.cmsbroker.outbound.RefusedTargetException;

/**
 * POSTs for the outbound calls (callback deliveries, CiviCRM, back-channel logout), HTTP/1.1 over a
 * socket this class opens itself, so the target's address is checked at connection time: the host
 * name is resolved once, every address it resolves to must pass the {@link OutboundPolicy}, and the
 * connection goes to a checked address (TLS over it verifies the certificate against the original
 * host name, which is also the SNI and the {@code Host}); see {@link org.cmsbroker.outbound}. Also:
 * a connect timeout, a deadline that covers the whole exchange including the body (a receiver
 * trickling its body cannot hold a dispatcher past its lease), no redirects (a 3xx is an answer,
 * and following it could carry credentials elsewhere), no proxy, one request per connection, and at
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

  private static final int MAX_LINE = 8 * 1024;
  private static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Set<String> OWN_HEADERS =
      Set.of("host", "content-length", "connection", "transfer-encoding");

  private final Duration connectTimeout;
  private final Duration maxRequestTimeout;
  private final int maxBody;
  private final OutboundPolicy policy;

  /**
   * @param maxRequestTimeout the longest any one exchange may take, whatever a caller asks
   * @param maxBody the most of an answer that is kept
   * @param policy which addresses may be reached
   */
  public BoundedHttpClient(
      Duration connectTimeout, Duration maxRequestTimeout, int maxBody, OutboundPolicy policy) {
    this.connectTimeout = connectTimeout;
    this.maxRequestTimeout = maxRequestTimeout;
    this.maxBody = maxBody;
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /**
   * POSTs {@code body} (UTF-8) with {@code headers} to {@code uri} and waits at most {@code
   * timeout} (capped at the client's maximum) for the whole answer.
   *
   * @throws RefusedTargetException when the target resolves to an address the policy refuses
   * @throws IOException when no complete HTTP answer came in time (refused, timeout, TLS failure)
   */
  public Answer post(URI uri, Map<String, String> headers, String body, Duration timeout)
      throws IOException {
    Duration wait = timeout.compareTo(maxRequestTimeout) < 0 ? timeout : maxRequestTimeout;
    long deadline = System.nanoTime() + wait.toNanos();
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean https = scheme.equals("https");
    if (!https && !scheme.equals("http")) {
      throw new IOException("the target is not an HTTP(S) URL");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IOException("the target has no host");
    }
    boolean literal = host.startsWith("[");
    String bareHost = literal ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() < 0 ? (https ? 443 : 80) : uri.getPort();
    byte[] request = request(uri, host, headers, body);

    InetAddress[] addresses = InetAddress.getAllByName(bareHost);
    policy.check(bareHost, addresses);
    Socket socket = connect(addresses, port, deadline);
    try {
      if (https) {
        socket = tls(socket, bareHost, port, literal || isIpv4Literal(bareHost), deadline);
      }
      socket.setSoTimeout(remainingMillis(deadline));
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()), socket, deadline);
    } catch (SocketTimeoutException e) {
      throw new HttpTimeoutException("the receiver did not answer in time");
    } finally {
      socket.close();
    }
  }

  private static boolean isIpv4Literal(String host) {
    return host.matches("[0-9.]+");
  }

  private Socket connect(InetAddress[] addresses, int port, long deadline) throws IOException {
    IOException last = null;
    for (InetAddress address : addresses) {
      Socket socket = new Socket(Proxy.NO_PROXY);
      try {
        int limit = (int) Math.min(connectTimeout.toMillis(), remainingMillis(deadline));
        socket.connect(new InetSocketAddress(address, port), limit);
        return socket;
      } catch (SocketTimeoutException e) {
        socket.close();
        last = new HttpConnectTimeoutException("the receiver did not accept in time");
      } catch (IOException e) {
        socket.close();
        last = e;
      }
    }
    throw last == null ? new IOException("the target has no address") : last;
  }

  private static Socket tls(Socket plain, String host, int port, boolean ipLiteral, long deadline)
      throws IOException {
    SSLSocketFactory factory;
    try {
      factory = SSLContext.getDefault().getSocketFactory();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException("TLS is not available", e);
    }
    SSLSocket ssl = (SSLSocket) factory.createSocket(plain, host, port, true);
    SSLParameters parameters = ssl.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (!ipLiteral) {
      parameters.setServerNames(List.of(new SNIHostName(host)));
    }
    ssl.setSSLParameters(parameters);
    ssl.setSoTimeout(remainingMillis(deadline));
    ssl.startHandshake();
    return ssl;
  }

  private static int remainingMillis(long deadline) throws HttpTimeoutException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new HttpTimeoutException("the receiver did not answer in time");
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  private static byte[] request(URI uri, String host, Map<String, String> headers, String body)
      throws IOException {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    StringBuilder head = new StringBuilder();
    head.append("POST ").append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(host);
    if (uri.getPort() >= 0) {
      head.append(':').append(uri.getPort());
    }
    head.append("\r\n");
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String name = h.getKey();
      String value = h.getValue();
      if (name == null
          || !TOKEN.matcher(name).matches()
          || value == null
          || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw new IOException("a request header is not valid");
      }
      if (!OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        head.append(name).append(": ").append(value).append("\r\n");
      }
    }
    head.append("Content-Length: ").append(content.length).append("\r\n");
    head.append("Connection: close\r\n\r\n");
    byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[start.length + content.length];
    System.arraycopy(start, 0, all, 0, start.length);
    System.arraycopy(content, 0, all, start.length, content.length);
    return all;
  }

  private Answer read(InputStream in, Socket socket, long deadline) throws IOException {
    int status;
    Map<String, String> fields;
    do {
      String statusLine = line(in, socket, deadline);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
        throw new IOException("the answer is not HTTP/1.1");
      }
      status = Integer.parseInt(parts[1]);
      fields = headerFields(in, socket, deadline);
    } while (status >= 100 && status < 200);
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    boolean truncated;
    if (status == 204 || status == 304) {
      truncated = false;
    } else if (fields
        .getOrDefault("transfer-encoding", "")
        .toLowerCase(Locale.ROOT)
        .contains("chunked")) {
      truncated = chunked(in, socket, deadline, kept);
    } else if (fields.containsKey("content-length")) {
      long length;
      try {
        length = Long.parseLong(fields.get("content-length").trim());
      } catch (NumberFormatException e) {
        throw new IOException("the answer's Content-Length is not a number");
      }
      truncated = length > maxBody;
      copy(in, socket, deadline, kept, Math.min(length, maxBody), true);
    } else {
      truncated = copy(in, socket, deadline, kept, maxBody, false);
    }
    return new Answer(status, kept.toString(StandardCharsets.UTF_8), truncated);
  }

  private Map<String, String> headerFields(InputStream in, Socket socket, long deadline)
      throws IOException {
    Map<String, String> fields = new HashMap<>();
    int total = 0;
    while (true) {
      String line = line(in, socket, deadline);
      if (line.isEmpty()) {
        return fields;
      }
      total += line.length();
      if (total > MAX_HEADER_BYTES) {
        throw new IOException("the answer's header is too large");
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.merge(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim(),
            (a, b) -> a + "," + b);
      }
    }
  }

  /** Reads a chunked body into {@code kept}; true when it was cut at the limit. */
  private boolean chunked(InputStream in, Socket socket, long deadline, ByteArrayOutputStream kept)
      throws IOException {
    while (true) {
      String sizeLine = line(in, socket, deadline);
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("the answer's chunk size is not valid");
      }
      if (size == 0) {
        headerFields(in, socket, deadline); // trailers
        return false;
      }
      long room = maxBody - kept.size();
      if (size > room) {
        copy(in, socket, deadline, kept, room, true);
        return true;
      }
      copy(in, socket, deadline, kept, size, true);
      line(in, socket, deadline); // the CRLF after the chunk
    }
  }

  /**
   * Copies {@code max} bytes (exactly, if {@code exact}; else up to end of stream) into {@code
   * kept}; returns true when there was more than {@code max}.
   */
  private static boolean copy(
      InputStream in,
      Socket socket,
      long deadline,
      ByteArrayOutputStream kept,
      long max,
      boolean exact)
      throws IOException {
    byte[] buffer = new byte[8192];
    long left = max;
    while (left > 0) {
      socket.setSoTimeout(remainingMillis(deadline));
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        if (exact) {
          throw new IOException("the answer ended early");
        }
        return false;
      }
      kept.write(buffer, 0, n);
      left -= n;
    }
    if (exact) {
      return false;
    }
    socket.setSoTimeout(remainingMillis(deadline));
    return in.read() >= 0;
  }

  private static String line(InputStream in, Socket socket, long deadline) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    while (true) {
      socket.setSoTimeout(remainingMillis(deadline));
      int b = in.read();
      if (b < 0) {
        throw new IOException("the answer ended early");
      }
      if (b == '\n') {
        break;
      }
      if (bytes.size() >= MAX_LINE) {
        throw new IOException("a line of the answer is too long");
      }
      bytes.write(b);
    }
    String line = bytes.toString(StandardCharsets.ISO_8859_1);
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }
}
