package org.cmsbroker.launcher;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The launcher's resolved and validated settings. Immutable.
 *
 * @param dataDir absolute data directory
 * @param httpsPort the port that serves content
 * @param httpPort the redirect-only plain HTTP port, or empty when turned off
 * @param bindAddress listen address
 * @param publicUrl public HTTPS base URL, no trailing slash
 * @param tlsCert operator's PEM certificate chain, when configured
 * @param tlsKey operator's PEM private key, when configured
 * @param dbUrl JDBC URL
 * @param dbUser database user, may be empty
 * @param dbPassword database password, may be empty; never printed
 * @param maxBodyBytes request body limit
 * @param cluster the data grid this instance joins, when several instances run
 */
public record LauncherSettings(
    Path dataDir,
    int httpsPort,
    OptionalInt httpPort,
    InetAddress bindAddress,
    URI publicUrl,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    String dbUrl,
    String dbUser,
    String dbPassword,
    long maxBodyBytes,
    Optional<Cluster> cluster) {

  /**
   * The data grid of several instances.
   *
   * @param members {@code host:port} of every member, this one included
   * @param bindInterface the address the member binds to, when configured
   * @param port this member's port
   * @param name the cluster name derived from the cluster secret (the secret itself is not kept)
   */
  public record Cluster(
      java.util.List<String> members, Optional<InetAddress> bindInterface, int port, String name) {}

  /** Host names and addresses the self-signed certificate must cover. */
  public java.util.Set<String> certificateNames() {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    // The public host first: it becomes the certificate's common name.
    names.add(publicUrl.getHost().toLowerCase(java.util.Locale.ROOT));
    names.add("localhost");
    names.add("127.0.0.1");
    return names;
  }

  @Override
  public String toString() {
    // Never let the password reach a log through toString().
    return "LauncherSettings[dataDir="
        + dataDir
        + ", httpsPort="
        + httpsPort
        + ", httpPort="
        + httpPort
        + ", publicUrl="
        + publicUrl
        + ", cluster="
        + cluster.map(c -> c.members().toString()).orElse("none")
        + "]";
  }
}
