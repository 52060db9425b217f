package org.cmsbroker.launcher.sitecheck;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The site under check: its host, the ports probed, and the path the CMS lives under.
 *
 * @param host the host name (or address literal) from {@code --site}
 * @param httpsPort the HTTPS port ({@code --site}'s port, 443 by default)
 * @param httpPort the plain HTTP port probed for redirects (80 unless {@code --http-port})
 * @param ftpPort the FTP control port probed (21 unless {@code --ftp-port})
 * @param basePath the site's path, starting and ending with {@code /}
 */
record SiteTarget(String host, int httpsPort, int httpPort, int ftpPort, String basePath) {

  /** {@code https://host[:port]/base/} followed by {@code relative} (no leading slash). */
  URI https(String relative) {
    return uri("https", httpsPort, 443, relative);
  }

  /** {@code http://host[:port]/base/} followed by {@code relative} (no leading slash). */
  URI http(String relative) {
    return uri("http", httpPort, 80, relative);
  }

  private URI uri(String scheme, int port, int defaultPort, String relative) {
    String authority = hostForUri() + (port == defaultPort ? "" : ":" + port);
    return URI.create(scheme + "://" + authority + basePath + relative);
  }

  private String hostForUri() {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  /**
   * Parses {@code --site}: an absolute {@code https://} URL (a bare host name is read as one)
   * without user information, query or fragment.
   *
   * @throws IllegalArgumentException with a message fit for the user
   */
  static SiteTarget parse(String site, int httpPort, int ftpPort) {
    String text = site.trim();
    if (!text.contains("://")) {
      text = "https://" + text;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--site is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https")) {
      throw new IllegalArgumentException(
          "--site must be the site's https:// address (plain HTTP is probed from it)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("--site has no host name");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("--site must not carry credentials");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("--site must not have a query or fragment");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (!path.endsWith("/")) {
      path = path + "/";
    }
    int port = uri.getPort() == -1 ? 443 : uri.getPort();
    return new SiteTarget(host, port, httpPort, ftpPort, path);
  }
}
