package org.cmsbroker.launcher.sitecheck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * No plaintext FTP on the site's host: port 21 either closed or answering {@code AUTH TLS} with
 * 234. Only the greeting is read and {@code AUTH TLS} and {@code QUIT} sent: never a user name or
 * password. An FTP server that offers TLS is still a warning, since it may accept plaintext logins
 * as well.
 */
final class FtpCheck implements Check {
  private static final int MAX_LINE = 512;
  private static final int MAX_LINES = 30;
  private static final String CHANGE =
      "turn FTP off and use SFTP, or require TLS for every login (vsftpd: ssl_enable=YES,"
          + " force_local_logins_ssl=YES, force_local_data_ssl=YES)";

  @Override
  public String name() {
    return "ftp";
  }

  @Override
  public List<Finding> run(SiteProbe probe) {
    SiteTarget t = probe.target();
    String target = t.host() + ":" + t.ftpPort();
    try (Socket socket = probe.connect(t.ftpPort())) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      String greeting = reply(in);
      if (!greeting.startsWith("220")) {
        return List.of(
            Finding.warn(
                name(),
                target,
                "the port answers, but not with an FTP greeting: " + Remote.text(greeting),
                "close port " + t.ftpPort() + " to the Internet unless it is needed"));
      }
      out.write("AUTH TLS\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String auth = reply(in);
      try {
        out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // The server may already have closed; the answer to AUTH TLS is what counts.
      }
      if (auth.startsWith("234")) {
        return List.of(
            Finding.warn(
                name(),
                target,
                "FTP offers TLS (AUTH TLS: " + Remote.text(auth) + "), plaintext logins may work",
                CHANGE));
      }
      return List.of(
          Finding.fail(
              name(),
              target,
              "plaintext FTP (AUTH TLS answered: "
                  + (auth.isEmpty() ? "nothing" : Remote.text(auth))
                  + ")",
              CHANGE));
    } catch (SiteProbe.ProbeException e) {
      if (e.refused()) {
        return List.of(Finding.pass(name(), target, "nothing listens for FTP"));
      }
      return List.of(
          Finding.pass(name(), target, "no FTP answer (" + e.getMessage() + "), filtered"));
    } catch (IOException e) {
      return List.of(
          Finding.warn(
              name(),
              target,
              "the port accepted a connection but the exchange failed: " + SiteProbe.describe(e),
              "close port " + t.ftpPort() + " to the Internet unless it is needed"));
    }
  }

  /** An FTP reply (RFC 959 4.2): one line, or lines from "nnn-" to "nnn "; the last is returned. */
  static String reply(InputStream in) throws IOException {
    String first = line(in);
    if (first.length() >= 4 && first.charAt(3) == '-') {
      String code = first.substring(0, 3);
      for (int i = 0; i < MAX_LINES; i++) {
        String next = line(in);
        if (next.startsWith(code + " ") || next.isEmpty()) {
          return next.isEmpty() ? first : next;
        }
      }
    }
    return first;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    int read = 0;
    // A line past MAX_LINE is cut; a peer that never ends one is given up on.
    while (read++ < 8 * MAX_LINE && (b = in.read()) != -1 && b != '\n') {
      if (line.size() < MAX_LINE && b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
