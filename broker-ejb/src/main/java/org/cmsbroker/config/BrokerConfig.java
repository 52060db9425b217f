package org.cmsbroker.config;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The broker's settings as plain values, read once at start-up. The launcher has already validated
 * and resolved them; defaults here only matter when the WAR or EAR runs on a server started some
 * other way. Thread-safe: immutable after {@link #read()}.
 */
@ApplicationScoped
public class BrokerConfig {

  @Inject Config config;

  private Path dataDir;
  private URI publicUrl;
  private long maxBodyBytes;
  private Optional<Path> servedCertificateFile;

  /** For CDI proxies. */
  protected BrokerConfig() {}

  /** For tests and for code that runs without CDI. */
  public BrokerConfig(Path dataDir, URI publicUrl, long maxBodyBytes, Path servedCertificate) {
    this.dataDir = dataDir;
    this.publicUrl = publicUrl;
    this.maxBodyBytes = maxBodyBytes;
    this.servedCertificateFile = Optional.ofNullable(servedCertificate);
  }

  @PostConstruct
  void read() {
    dataDir =
        Path.of(
                config
                    .getOptionalValue(SettingNames.DATA_DIR, String.class)
                    .orElse(SettingNames.DEFAULT_DATA_DIR))
            .toAbsolutePath()
            .normalize();
    int httpsPort =
        config
            .getOptionalValue(SettingNames.HTTPS_PORT, Integer.class)
            .orElse(SettingNames.DEFAULT_HTTPS_PORT);
    publicUrl =
        URI.create(
            stripTrailingSlash(
                config
                    .getOptionalValue(SettingNames.PUBLIC_URL, String.class)
                    .orElse("https://localhost:" + httpsPort)));
    maxBodyBytes =
        config
            .getOptionalValue(SettingNames.MAX_BODY_BYTES, Long.class)
            .orElse(SettingNames.DEFAULT_MAX_BODY_BYTES);
    servedCertificateFile =
        config.getOptionalValue(SettingNames.SERVED_CERTIFICATE_FILE, String.class).map(Path::of);
  }

  private static String stripTrailingSlash(String url) {
    String trimmed = url.trim();
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }

  /** Absolute, normalised data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** The public HTTPS base URL (issuer), without a trailing slash. */
  public URI publicUrl() {
    return publicUrl;
  }

  /** The scheme, host and port of {@link #publicUrl()}, lower case. */
  public String publicOrigin() {
    String port = publicUrl.getPort() < 0 ? "" : ":" + publicUrl.getPort();
    return (publicUrl.getScheme() + "://" + publicUrl.getHost() + port).toLowerCase(Locale.ROOT);
  }

  /** Largest request body accepted, in bytes. */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The PEM certificate chain being served, when the broker's launcher started this server. */
  public Optional<Path> servedCertificateFile() {
    return servedCertificateFile;
  }
}
