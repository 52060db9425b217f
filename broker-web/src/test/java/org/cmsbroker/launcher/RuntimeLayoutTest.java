package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeLayoutTest {
  private static final String P = "configs.config.server-config.network-config.protocols.protocol.";
  private static final String L =
      "configs.config.server-config.network-config.network-listeners.network-listener.";
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path temp;
  private DataDirectory data;

  @BeforeEach
  void setUp() throws ConfigException {
    data = DataDirectory.prepare(temp.resolve("data"));
  }

  private LauncherSettings settings(String... nameValuePairs) throws ConfigException {
    Map<String, String> props = new HashMap<>();
    props.put("broker.data.dir", data.root().toString());
    props.put("broker.bind.address", "127.0.0.1");
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      props.put(nameValuePairs[i], nameValuePairs[i + 1]);
    }
    return new SettingsLoader(props, Map.of()).load();
  }

  private static List<String> assignments(LauncherSettings settings) {
    return RuntimeLayout.preBootCommands(settings).stream()
        .filter(c -> c.get(0).equals("set"))
        .map(c -> c.get(1))
        .toList();
  }

  private static List<String> cipherSuites(LauncherSettings settings) {
    String prefix = P + "https-listener.ssl.ssl3-tls-ciphers=";
    String value =
        assignments(settings).stream()
            .filter(a -> a.startsWith(prefix))
            .findFirst()
            .orElseThrow()
            .substring(prefix.length());
    return Arrays.asList(value.split(","));
  }

  private RuntimeLayout write(LauncherSettings settings) throws Exception {
    Path war =
        ApplicationLibrariesTest.war(
            temp.resolve("broker.war"),
            "WEB-INF/web.xml",
            "WEB-INF/lib/broker-ejb-0.1.0.jar",
            "WEB-INF/lib/stripe-java-29.5.0.jar");
    Path libraries = Files.write(temp.resolve("broker-libraries.jar"), new byte[] {'P', 'K', 3, 4});
    TlsMaterial tls = TlsMaterial.load(settings, data, CLOCK);
    return RuntimeLayout.write(settings, data, tls, war, libraries);
  }

  private static String permissions(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  @Test
  void preBootCommandsEnableTls12AndTls13() throws ConfigException {
    List<String> set = assignments(settings());

    assertTrue(set.contains(P + "https-listener.ssl.tls12-enabled=true"));
    assertTrue(set.contains(P + "https-listener.ssl.tls13-enabled=true"));
    assertTrue(set.contains(P + "https-listener.ssl.cert-nickname=broker"));
  }

  @Test
  void cipherListHasOnlyForwardSecretAeadSuites() throws ConfigException {
    List<String> suites = cipherSuites(settings());

    assertEquals(9, suites.size());
    for (String suite : suites) {
      assertTrue(suite.startsWith("+TLS_"), suite);
      assertFalse(suite.contains("CBC"), suite);
      assertFalse(suite.endsWith("_SHA"), suite + " uses SHA-1");
      assertFalse(suite.contains("_DHE_"), suite + " uses finite-field DHE");
      assertFalse(suite.startsWith("+TLS_RSA_"), suite + " uses static RSA key exchange");
      assertTrue(suite.contains("_GCM_") || suite.contains("CHACHA20_POLY1305"), suite);
    }
  }

  @Test
  void cipherListHasTheThreeTls13Suites() throws ConfigException {
    assertTrue(
        cipherSuites(settings())
            .containsAll(
                List.of(
                    "+TLS_AES_128_GCM_SHA256",
                    "+TLS_AES_256_GCM_SHA384",
                    "+TLS_CHACHA20_POLY1305_SHA256")));
  }

  @Test
  void plainHttpListenerIsDisabledWhenHttpIsOff() throws ConfigException {
    assertTrue(
        assignments(settings("broker.http.port", "off"))
            .contains(L + "http-listener.enabled=false"));
  }

  @Test
  void plainHttpListenerStaysEnabledWhenHttpIsOn() throws ConfigException {
    assertFalse(
        assignments(settings("broker.http.port", "8080")).stream()
            .anyMatch(a -> a.startsWith(L + "http-listener.enabled")));
  }

  @Test
  void bothListenersBindToTheConfiguredAddress() throws ConfigException {
    List<String> set = assignments(settings());

    assertTrue(set.contains(L + "https-listener.address=127.0.0.1"));
    assertTrue(set.contains(L + "http-listener.address=127.0.0.1"));
  }

  @Test
  void bothListenersHideServerHeaderAndXPoweredByAndTrace() throws ConfigException {
    List<String> set = assignments(settings());

    for (String listener : List.of("https-listener", "http-listener")) {
      assertTrue(set.contains(P + listener + ".http.server-header=false"), listener);
      assertTrue(set.contains(P + listener + ".http.xpowered-by=false"), listener);
      assertTrue(set.contains(P + listener + ".http.trace-enabled=false"), listener);
      assertTrue(set.contains(P + listener + ".http.xframe-options=false"), listener);
    }
  }

  @Test
  void containerPostLimitIsTwiceTheBodyLimitButAtLeastOneMebibyte() throws ConfigException {
    assertTrue(
        assignments(settings("broker.max.body.bytes", "4096"))
            .contains(P + "https-listener.http.max-post-size-bytes=1048576"));
    assertTrue(
        assignments(settings("broker.max.body.bytes", "1048576"))
            .contains(P + "https-listener.http.max-post-size-bytes=2097152"));
  }

  @Test
  void openApiMetricsAndPhoneHomeAreTurnedOff() throws ConfigException {
    List<List<String>> commands = RuntimeLayout.preBootCommands(settings());

    assertTrue(
        commands.contains(
            List.of("set-openapi-configuration", "--enabled=false", "--virtualServers=none")));
    assertTrue(
        commands.contains(
            List.of(
                "set",
                "configs.config.server-config.phone-home-runtime-configuration.enabled=false")));
    assertTrue(
        commands.contains(
            List.of(
                "set",
                "configs.config.server-config.microprofile-metrics-configuration.enabled=false")));
  }

  @Test
  void keystoreIsOwnerOnlyAndOpensWithThePasswordGivenToTheJvm() throws Exception {
    LauncherSettings settings = settings();
    RuntimeLayout layout = write(settings);
    Map<String, String> props = layout.systemProperties();

    assertEquals(layout.runtimeDir().resolve("keystore.p12"), layout.keystore());
    assertEquals("rw-------", permissions(layout.keystore()));
    assertEquals(layout.keystore().toString(), props.get("javax.net.ssl.keyStore"));
    assertEquals("PKCS12", props.get("javax.net.ssl.keyStoreType"));
    char[] password = props.get("javax.net.ssl.keyStorePassword").toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(layout.keystore())) {
      store.load(in, password);
    }
    assertTrue(store.isKeyEntry("broker"));
    assertNotNull(store.getKey("broker", password));
  }

  @Test
  void outboundTrustStoreIsTheJvmsAnchorsWithoutExpiredOnes() throws Exception {
    RuntimeLayout layout = write(settings());
    Map<String, String> props = layout.systemProperties();

    Path truststore = layout.runtimeDir().resolve("truststore.p12");
    assertEquals(truststore.toString(), props.get("javax.net.ssl.trustStore"));
    assertEquals("PKCS12", props.get("javax.net.ssl.trustStoreType"));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(truststore)) {
      store.load(in, props.get("javax.net.ssl.trustStorePassword").toCharArray());
    }
    assertTrue(store.size() > 0);
    for (String alias : java.util.Collections.list(store.aliases())) {
      java.security.cert.X509Certificate anchor =
          (java.security.cert.X509Certificate) store.getCertificate(alias);
      assertTrue(anchor.getNotAfter().toInstant().isAfter(Instant.now()), alias);
    }
  }

  @Test
  void keystorePasswordIsFreshAtEveryWrite() throws Exception {
    LauncherSettings settings = settings();

    String first = write(settings).systemProperties().get("javax.net.ssl.keyStorePassword");
    String second = write(settings).systemProperties().get("javax.net.ssl.keyStorePassword");

    assertNotEquals(first, second);
    assertEquals(32, first.length());
  }

  @Test
  void brandingFileBlanksProductNameAndVersion() throws Exception {
    RuntimeLayout layout = write(settings());
    Path branding = layout.payaraRoot().resolve("config/branding/glassfish-version.properties");

    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(branding)) {
      properties.load(in);
    }
    assertEquals("", properties.getProperty("product_name"));
    assertEquals("", properties.getProperty("brief_product_name"));
    assertEquals("", properties.getProperty("major_version"));
    assertEquals("", properties.getProperty("build_id"));
  }

  @Test
  void systemPropertiesRestrictTlsGroupsAndRenegotiation() throws Exception {
    Map<String, String> props = write(settings()).systemProperties();

    assertEquals("x25519,secp256r1,secp384r1", props.get("jdk.tls.namedGroups"));
    assertEquals("true", props.get("jdk.tls.rejectClientInitiatedRenegotiation"));
    assertEquals("true", props.get("jersey.config.server.wadl.disableWadl"));
  }

  @Test
  void systemPropertiesCarryTheResolvedSettings() throws Exception {
    LauncherSettings settings =
        settings(
            "broker.http.port", "off",
            "broker.public.url", "https://broker.example.org",
            "broker.db.password", "db-pw");
    RuntimeLayout layout = write(settings);
    Map<String, String> props = layout.systemProperties();

    assertEquals(settings.dataDir().toString(), props.get("broker.data.dir"));
    assertEquals("8443", props.get("broker.https.port"));
    assertEquals("off", props.get("broker.http.port"));
    assertEquals("https://broker.example.org", props.get("broker.public.url"));
    assertEquals(settings.dbUrl(), props.get("broker.db.url"));
    assertEquals("broker", props.get("broker.db.user"));
    assertEquals("db-pw", props.get("broker.db.password"));
    assertEquals("262144", props.get("broker.max.body.bytes"));
    assertEquals(layout.servedChain().toString(), props.get("broker.tls.served.certificate"));
  }

  @Test
  void servedChainIsOwnerOnlyPemOfTheTlsChain() throws Exception {
    LauncherSettings settings = settings();
    RuntimeLayout layout = write(settings);

    assertEquals("rw-------", permissions(layout.servedChain()));
    assertEquals(
        TlsMaterial.load(settings, data, CLOCK).chain(),
        TlsMaterial.readChain(layout.servedChain(), "X"));
  }

  @Test
  void rootWarHoldsTheBrokersOwnCodeAndTheLibrariesAreDeployedBesideIt() throws Exception {
    RuntimeLayout layout = write(settings());

    assertEquals(layout.runtimeDir().resolve("ROOT.war"), layout.war());
    assertEquals(
        List.of("WEB-INF/web.xml", "WEB-INF/lib/broker-ejb-0.1.0.jar"),
        ApplicationLibrariesTest.entries(layout.war()));
    assertEquals(
        List.of(
            "deploy",
            "--name",
            "ROOT",
            "--contextroot",
            "/",
            "--libraries",
            temp.resolve("broker-libraries.jar").toString(),
            "--properties",
            "skipScanExternalLib=true",
            layout.war().toString()),
        layout.deployCommand("ROOT"));
  }

  @Test
  void temporaryFilesGoUnderTheRuntimeDirectory() throws Exception {
    RuntimeLayout layout = write(settings());

    Path temporary = layout.runtimeDir().resolve("tmp");
    assertEquals(temporary.toString(), layout.systemProperties().get("java.io.tmpdir"));
    assertTrue(Files.isDirectory(temporary));
  }

  @Test
  void runtimeDirectoryIsMadeAnewAtEveryWrite() throws Exception {
    LauncherSettings settings = settings();
    RuntimeLayout first = write(settings);
    Path leftover = Files.writeString(first.payaraRoot().resolve("domain.xml"), "<old/>");

    RuntimeLayout second = write(settings);

    assertEquals(first.runtimeDir(), second.runtimeDir());
    assertFalse(Files.exists(leftover));
    assertEquals("rwx------", permissions(second.runtimeDir()));
  }

  @Test
  void preBootCommandFileHasOneCommandPerLine() throws Exception {
    RuntimeLayout layout = write(settings());

    List<String> lines = layout.preBootCommandFile().lines().toList();

    assertEquals(layout.preBootCommands().size(), lines.size());
    assertEquals("set " + P + "https-listener.ssl.tls12-enabled=true", lines.get(0));
    assertTrue(layout.preBootCommandFile().endsWith("\n"));
  }

  @Test
  void loggingPropertiesPutTheMaskingFilterOnEveryHandlerPayaraConfigures() throws Exception {
    String text = RuntimeLayout.maskedLoggingProperties();
    java.util.Properties p = new java.util.Properties();
    p.load(new java.io.StringReader(text));
    String handlers = p.getProperty("handlers");
    org.junit.jupiter.api.Assertions.assertNotNull(handlers, text);
    for (String handler : handlers.split("[\\s,]+")) {
      assertEquals(RuntimeLayout.MASKING_FILTER, p.getProperty(handler + ".filter"), handler);
    }
    // Payara's own defaults are kept.
    assertEquals("INFO", p.getProperty(".level"));
    assertEquals(
        RuntimeLayout.MASKING_FILTER, org.cmsbroker.logging.SecretMaskingFilter.class.getName());
  }

  private static final String CLUSTER_SECRET = "kR3v9XqL2mT8pWb5ZyN7cJd1fH4gS6aE";

  @Test
  void singleInstanceConfiguresNoDataGrid() throws ConfigException {
    LauncherSettings settings = settings();
    assertTrue(settings.cluster().isEmpty());
    assertTrue(
        assignments(settings).stream().noneMatch(a -> a.startsWith("hazelcast-")),
        "no grid settings without members");
  }

  @Test
  void clusterJoinsByTheMemberListNeverByMulticast() throws ConfigException {
    LauncherSettings settings =
        settings(
            "broker.cluster.members", "10.0.0.5:6900,10.0.0.6:6900",
            "broker.cluster.interface", "10.0.0.5",
            "broker.cluster.port", "6901",
            "broker.cluster.secret", CLUSTER_SECRET);
    List<String> set = assignments(settings);
    String h = "hazelcast-runtime-configuration.";
    assertTrue(set.contains(h + "discovery-mode=tcpip"));
    assertTrue(set.contains(h + "tcpip-members=10.0.0.5:6900,10.0.0.6:6900"));
    assertTrue(set.contains(h + "interface=10.0.0.5"));
    assertEquals(
        Map.of("hazelcast.socket.bind.any", "false"),
        RuntimeLayout.gridProperties(settings),
        "the grid's port listens on the named interface only");
    assertTrue(set.contains(h + "auto-increment-port=false"));
    assertTrue(set.stream().noneMatch(a -> a.contains("multicast")));
    LauncherSettings.Cluster cluster = settings.cluster().orElseThrow();
    assertEquals(6901, cluster.port());
    assertEquals(org.cmsbroker.settings.ClusterName.of(CLUSTER_SECRET), cluster.name());
    assertFalse(settings.toString().contains(CLUSTER_SECRET));
    assertFalse(String.join("\n", set).contains(CLUSTER_SECRET));
  }

  @Test
  void clusterWithoutSecretStopsTheLauncherNamingTheSetting() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> settings("broker.cluster.members", "10.0.0.5:6900,10.0.0.6:6900"));
    assertTrue(e.getMessage().contains("BROKER_CLUSTER_SECRET"), e.getMessage());
  }
}
