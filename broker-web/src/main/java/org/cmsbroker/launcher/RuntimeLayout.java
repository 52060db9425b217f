package org.cmsbroker.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything Payara Micro needs besides the WAR, written into {@code <data>/runtime/} (made anew at
 * every start, because Payara keeps {@code domain.xml} there across restarts): the keystore, the
 * served chain for health, the branding file that keeps the product name and version out of error
 * pages, the pre-boot commands that harden the listeners, and the JVM system properties.
 */
public final class RuntimeLayout {
  private static final String P = "configs.config.server-config.network-config.protocols.protocol.";
  private static final String L =
      "configs.config.server-config.network-config.network-listeners.network-listener.";

  /**
   * Mozilla "intermediate" for TLS 1.2 (ECDHE with AES-GCM or ChaCha20-Poly1305 only) plus the
   * three TLS 1.3 suites; JVM names.
   */
  static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  static final String NAMED_GROUPS = "x25519,secp256r1,secp384r1";

  private final Path runtimeDir;
  private final Path payaraRoot;
  private final Path keystore;
  private final Path servedChain;
  private final Path war;
  private final Path libraries;
  private final Path loggingProperties;
  private final Map<String, String> systemProperties;
  private final List<List<String>> preBootCommands;

  private RuntimeLayout(
      Path runtimeDir,
      Path keystore,
      Path servedChain,
      Path war,
      Path libraries,
      Path loggingProperties,
      Map<String, String> systemProperties,
      List<List<String>> preBootCommands) {
    this.runtimeDir = runtimeDir;
    this.payaraRoot = runtimeDir.resolve("payara");
    this.keystore = keystore;
    this.servedChain = servedChain;
    this.war = war;
    this.libraries = libraries;
    this.loggingProperties = loggingProperties;
    this.systemProperties = Map.copyOf(systemProperties);
    this.preBootCommands = List.copyOf(preBootCommands);
  }

  /**
   * Writes {@code <data>/runtime/} for these settings, TLS material and WAR, whose third-party jars
   * are {@code libraries} (see {@link ApplicationLibraries}).
   */
  public static RuntimeLayout write(
      LauncherSettings settings,
      DataDirectory data,
      TlsMaterial tls,
      Path warSource,
      Path libraries)
      throws IOException, GeneralSecurityException {
    Path runtime = data.freshDirectory("runtime");
    Path payaraRoot = runtime.resolve("payara");
    Path branding = payaraRoot.resolve("config").resolve("branding");
    Files.createDirectories(branding);
    // Payara's own pages (Grizzly's 413, for one) print these even without a Server header.
    Files.writeString(
        branding.resolve("glassfish-version.properties"),
        "product_name=\nbrief_product_name=\nabbrev_product_name=\nmajor_version=\n"
            + "minor_version=\nupdate_version=\nbuild_id=\nversion_prefix=\nversion_suffix=\n",
        StandardCharsets.ISO_8859_1);

    char[] password = randomPassword();
    Path keystore = runtime.resolve("keystore.p12");
    DataDirectory.writeOwnerOnly(keystore, tls.pkcs12(password));
    Path served = runtime.resolve("served-chain.pem");
    DataDirectory.writeOwnerOnly(served, tls.chainPem());
    // The broker's own code; its libraries are deployed beside it (see ApplicationLibraries).
    Path war = runtime.resolve("ROOT.war");
    ApplicationLibraries.writeApplication(warSource, war);
    // Temporary files (Payara may copy application libraries there) under the runtime directory,
    // which the next start removes, so a killed server leaves nothing behind in /tmp.
    Path temporary = Files.createDirectories(runtime.resolve("tmp"));
    Path logging = runtime.resolve("logging.properties");
    Files.writeString(logging, maskedLoggingProperties(), StandardCharsets.ISO_8859_1);

    Map<String, String> props = new LinkedHashMap<>();
    props.put("javax.net.ssl.keyStore", keystore.toString());
    props.put("javax.net.ssl.keyStorePassword", new String(password));
    props.put("javax.net.ssl.keyStoreType", "PKCS12");
    if (System.getProperty("javax.net.ssl.trustStore") == null) {
      // Payara copies this over its bundled cacerts.p12 (see TrustAnchors).
      Path truststore = runtime.resolve("truststore.p12");
      TrustAnchors.write(truststore, TrustAnchors.jvmDefaults(), Instant.now());
      props.put("javax.net.ssl.trustStore", truststore.toString());
      props.put("javax.net.ssl.trustStorePassword", new String(TrustAnchors.PASSWORD));
      props.put("javax.net.ssl.trustStoreType", "PKCS12");
    }
    props.put("java.io.tmpdir", temporary.toString());
    props.put("jdk.tls.namedGroups", NAMED_GROUPS);
    props.put("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    // OPTIONS on JAX-RS paths would otherwise answer with a WADL naming Jersey.
    props.put("jersey.config.server.wadl.disableWadl", "true");
    props.put(SettingsLoader.DATA_DIR, settings.dataDir().toString());
    props.put(SettingsLoader.HTTPS_PORT, Integer.toString(settings.httpsPort()));
    props.put(
        SettingsLoader.HTTP_PORT,
        settings.httpPort().isPresent() ? Integer.toString(settings.httpPort().getAsInt()) : "off");
    props.put(SettingsLoader.PUBLIC_URL, settings.publicUrl().toString());
    props.put(SettingsLoader.DB_URL, settings.dbUrl());
    props.put(SettingsLoader.DB_USER, settings.dbUser());
    props.put(SettingsLoader.DB_PASSWORD, settings.dbPassword());
    props.put(SettingsLoader.MAX_BODY_BYTES, Long.toString(settings.maxBodyBytes()));
    props.put("broker.tls.served.certificate", served.toString());
    props.putAll(gridProperties(settings));

    return new RuntimeLayout(
        runtime, keystore, served, war, libraries, logging, props, preBootCommands(settings));
  }

  /** Payara Micro's default logging configuration, where it ships it. */
  static final String PAYARA_LOGGING = "MICRO-INF/domain/logging.properties";

  static final String MASKING_FILTER = "org.cmsbroker.logging.SecretMaskingFilter";

  /**
   * Payara Micro's own {@code logging.properties} with {@link
   * org.cmsbroker.logging.SecretMaskingFilter} as the filter of each handler it lists, so that
   * records are masked from the moment Payara configures logging, boot included.
   */
  static String maskedLoggingProperties() throws IOException {
    String base;
    try (java.io.InputStream in =
        RuntimeLayout.class.getClassLoader().getResourceAsStream(PAYARA_LOGGING)) {
      base =
          in == null
              ? "handlers=java.util.logging.ConsoleHandler\n"
                  + "java.util.logging.ConsoleHandler.formatter="
                  + "com.sun.enterprise.server.logging.ODLLogFormatter\n.level=INFO\n"
              : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    java.util.Properties parsed = new java.util.Properties();
    parsed.load(new java.io.StringReader(base));
    StringBuilder out = new StringBuilder(base);
    out.append("\n## broker.jar: mask secrets and personal data before any handler writes\n");
    for (String handler : parsed.getProperty("handlers", "").split("[\\s,]+")) {
      if (!handler.isBlank()) {
        out.append(handler).append(".filter=").append(MASKING_FILTER).append('\n');
      }
    }
    return out.toString();
  }

  static List<List<String>> preBootCommands(LauncherSettings settings) {
    List<List<String>> commands = new ArrayList<>();
    String ciphers = String.join(",", CIPHER_SUITES.stream().map(c -> "+" + c).toList());
    set(commands, P + "https-listener.ssl.tls12-enabled=true");
    set(commands, P + "https-listener.ssl.tls13-enabled=true");
    set(commands, P + "https-listener.ssl.ssl3-tls-ciphers=" + ciphers);
    set(commands, P + "https-listener.ssl.cert-nickname=" + TlsMaterial.ALIAS);
    for (String listener : List.of("https-listener", "http-listener")) {
      set(commands, P + listener + ".http.server-header=false");
      set(commands, P + listener + ".http.xpowered-by=false");
      set(commands, P + listener + ".http.trace-enabled=false");
      // Grizzly's own "X-Frame-Options: SAMEORIGIN" off: the application sets DENY on every
      // answer except the embedded payment page, whose frame-ancestors names its client's sites.
      set(commands, P + listener + ".http.xframe-options=false");
      // Backstop only: the application's own filter enforces the real body limit.
      set(
          commands,
          P
              + listener
              + ".http.max-post-size-bytes="
              + Math.max(2 * settings.maxBodyBytes(), 1 << 20));
    }
    // HTTP/1.1 only: under load the JDK's HTTP/2 client saw corrupted TLS records ("Tag
    // mismatch") from Grizzly's HTTP/2 stack; the broker's traffic gains nothing from HTTP/2.
    set(commands, P + "https-listener.http.http2-enabled=false");
    String address = settings.bindAddress().getHostAddress();
    set(commands, L + "https-listener.address=" + address);
    set(commands, L + "http-listener.address=" + address);
    if (settings.httpPort().isEmpty()) {
      set(commands, L + "http-listener.enabled=false");
    }
    set(commands, "configs.config.server-config.phone-home-runtime-configuration.enabled=false");
    set(commands, "configs.config.server-config.microprofile-metrics-configuration.enabled=false");
    set(
        commands,
        "configs.config.server-config.microprofile-metrics-configuration.virtual-servers=none");
    commands.add(List.of("set-openapi-configuration", "--enabled=false", "--virtualServers=none"));
    settings.cluster().ifPresent(cluster -> cluster(commands, cluster));
    return commands;
  }

  /**
   * Payara's Data Grid for several instances: what {@code --clustermode tcpip:<members>} and {@code
   * --interfaces} would set (the {@code PayaraMicro} API has no setter for either; see
   * org.cmsbroker.grid's notes), never multicast. The port is fixed (no auto-increment: a member on
   * another port than the list names would be unreachable) and partitions are grouped per member,
   * so two members on one host still back each other up.
   */
  private static void cluster(List<List<String>> commands, LauncherSettings.Cluster cluster) {
    String h = "hazelcast-runtime-configuration.";
    set(commands, h + "discovery-mode=tcpip");
    set(commands, h + "tcpip-members=" + String.join(",", cluster.members()));
    set(commands, h + "auto-increment-port=false");
    set(commands, h + "host-aware-partitioning=false");
    cluster
        .bindInterface()
        .ifPresent(address -> set(commands, h + "interface=" + address.getHostAddress()));
  }

  /**
   * Hazelcast's own system properties for the grid. With {@code BROKER_CLUSTER_INTERFACE} the
   * grid's port listens on that address only: Hazelcast binds every interface by default ({@code
   * hazelcast.socket.bind.any=true}) even when an interface is named, which would put the port on a
   * public address too.
   */
  static Map<String, String> gridProperties(LauncherSettings settings) {
    return settings
        .cluster()
        .flatMap(LauncherSettings.Cluster::bindInterface)
        .map(address -> Map.of("hazelcast.socket.bind.any", "false"))
        .orElse(Map.of());
  }

  private static void set(List<List<String>> commands, String assignment) {
    commands.add(List.of("set", assignment));
  }

  private static char[] randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
  }

  /** The pre-boot commands as lines of a Payara {@code --prebootcommandfile}. */
  public String preBootCommandFile() {
    StringBuilder out = new StringBuilder();
    for (List<String> command : preBootCommands) {
      out.append(String.join(" ", command)).append('\n');
    }
    return out.toString();
  }

  public Path runtimeDir() {
    return runtimeDir;
  }

  public Path payaraRoot() {
    return payaraRoot;
  }

  public Path keystore() {
    return keystore;
  }

  public Path servedChain() {
    return servedChain;
  }

  public Path war() {
    return war;
  }

  /** The command that deploys the broker, with its libraries, at "/" as {@code name}. */
  public List<String> deployCommand(String name) {
    return ApplicationLibraries.deployCommand(name, war, libraries);
  }

  /** Payara's logging configuration with the masking filter on every handler. */
  public Path loggingProperties() {
    return loggingProperties;
  }

  public Map<String, String> systemProperties() {
    return systemProperties;
  }

  public List<List<String>> preBootCommands() {
    return preBootCommands;
  }
}
