package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.Https;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.SeedAccounts;
import org.cmsbroker.it.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code broker-ear/target/broker.ear} on Payara Server 6 (full profile), deployed the way the
 * README tells an operator to: a new domain made with {@code asadmin create-domain} on free ports,
 * the broker's settings as system properties, the HTTPS listener hardened, {@code asadmin deploy}.
 * One server start for the whole class; the domain is stopped afterwards, killed if it will not
 * stop. The distribution ({@code fish.payara.distributions:payara}) comes from Maven, unpacked in
 * the pre-integration-test phase; without it the class is skipped with a message saying so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EarOnPayaraServerIT {
  private static final String DOMAIN = "broker";
  private static final String PASSWORD = "a long enough passphrase for the EAR";

  /** Offsets from the port base that {@code create-domain --portbase} assigns. */
  private static final int[] PORT_OFFSETS = {9, 37, 38, 39, 48, 49, 59, 66, 76, 80, 81, 86};

  private static final String CERT_ALIAS = "broker";

  private static final String PROTOCOL =
      "configs.config.server-config.network-config.protocols.protocol.";

  private static Path payaraHome;
  private static Path work;
  private static Path domains;
  private static Path data;
  private static int adminPort;
  private static int httpPort;
  private static String base;
  private static String deployOutput;
  private static X509Certificate served;
  private static HttpClient client;
  private static boolean startAttempted;

  @BeforeAll
  static void startDomainAndDeploy() throws Exception {
    payaraHome =
        Path.of(System.getProperty("payara.server.home", "target/payara-server/payara6"))
            .toAbsolutePath()
            .normalize();
    assumeTrue(
        Files.isRegularFile(cli()),
        "Payara Server is not unpacked at "
            + payaraHome
            + ": run this test through Maven (mvn verify -pl integration-tests -am), whose"
            + " pre-integration-test phase unpacks fish.payara.distributions:payara");
    Path ear =
        Path.of(System.getProperty("broker.ear", "../broker-ear/target/broker.ear"))
            .toAbsolutePath()
            .normalize();
    assertTrue(Files.isRegularFile(ear), "no EAR at " + ear + ": build broker-ear first");

    work = BrokerHome.freshDirectory("ear");
    domains = work.resolve("domains");
    data = work.resolve("data");
    int portBase = freePortBase();
    adminPort = portBase + 48;
    httpPort = portBase + 80;
    int httpsPort = portBase + 81;
    base = "https://localhost:" + httpsPort;

    asadmin(
        Duration.ofMinutes(5),
        "create-domain",
        "--domaindir",
        domains.toString(),
        "--portbase",
        Integer.toString(portBase),
        "--nopassword=true",
        "--savelogin=false",
        DOMAIN);
    // The operator's certificate (here one for localhost) replaces the one create-domain made.
    served = importCertificate(domains.resolve(DOMAIN).resolve("config").resolve("keystore.p12"));

    // The listener settings run as pre-boot commands, so the listeners start once, configured.
    Path preBoot = work.resolve("pre-boot-commands.asadmin");
    Files.write(preBoot, listenerSettings(), StandardCharsets.UTF_8);
    startAttempted = true;
    asadmin(
        Duration.ofMinutes(10),
        "start-domain",
        "--domaindir",
        domains.toString(),
        "--prebootcommandfile",
        preBoot.toString(),
        "--timeout",
        "540",
        DOMAIN);

    // As the README says: made beforehand, owner-only.
    Files.createDirectory(
        data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    remote(
        Duration.ofMinutes(2),
        "create-system-properties",
        "broker.data.dir=" + escape(data.toString()) + ":broker.public.url=" + escape(base));
    deployOutput = remote(Duration.ofMinutes(10), "deploy", "--name", "broker", ear.toString());

    client =
        HttpClient.newBuilder()
            .sslContext(Https.trusting(served))
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /**
   * The README's listener settings: the operator's certificate, TLS 1.2 and 1.3 with the Mozilla
   * "intermediate" suites, HTTP/1.1, no product headers, no metrics or OpenAPI endpoints.
   */
  static List<String> listenerSettings() {
    List<String> lines = new ArrayList<>();
    String ssl = PROTOCOL + "http-listener-2.ssl.";
    lines.add("set " + ssl + "cert-nickname=" + CERT_ALIAS);
    lines.add("set " + ssl + "tls12-enabled=true");
    lines.add("set " + ssl + "tls13-enabled=true");
    lines.add(
        "set "
            + ssl
            + "ssl3-tls-ciphers="
            + Stream.of(
                    "TLS_AES_128_GCM_SHA256",
                    "TLS_AES_256_GCM_SHA384",
                    "TLS_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")
                .map(c -> "+" + c)
                .collect(Collectors.joining(",")));
    lines.add("set " + PROTOCOL + "http-listener-2.http.http2-enabled=false");
    for (String listener : List.of("http-listener-1", "http-listener-2")) {
      lines.add("set " + PROTOCOL + listener + ".http.server-header=false");
      lines.add("set " + PROTOCOL + listener + ".http.xpowered-by=false");
      lines.add("set " + PROTOCOL + listener + ".http.trace-enabled=false");
      lines.add("set " + PROTOCOL + listener + ".http.xframe-options=false");
    }
    lines.add("set configs.config.server-config.microprofile-metrics-configuration.enabled=false");
    lines.add("set-openapi-configuration --enabled=false");
    return lines;
  }

  /** create-system-properties separates with ':', so a value's own ':' is escaped. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace(":", "\\:");
  }

  @AfterAll
  static void stopDomain() throws Exception {
    if (!startAttempted) {
      return;
    }
    Optional<ProcessHandle> server = serverProcess();
    try {
      asadmin(Duration.ofMinutes(2), "stop-domain", "--domaindir", domains.toString(), DOMAIN);
    } catch (AssertionError | IOException e) {
      System.err.println("stop-domain failed, killing the server: " + e.getMessage());
    } finally {
      server.ifPresent(
          p -> {
            if (p.isAlive()) {
              p.destroyForcibly();
              p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            }
          });
    }
  }

  @Test
  @Order(1)
  void earDeploysWithoutErrors() throws Exception {
    assertTrue(
        deployOutput.contains("Command deploy executed successfully"),
        "deploy said: " + deployOutput);
    assertFalse(deployOutput.toLowerCase().contains("warning"), "deploy said: " + deployOutput);
    List<String> severe;
    try (Stream<String> lines = Files.lines(serverLog(), StandardCharsets.UTF_8)) {
      severe = lines.filter(l -> l.contains("[SEVERE]")).toList();
    }
    assertEquals(List.of(), severe, "SEVERE in " + serverLog());
  }

  @Test
  @Order(2)
  void healthBecomesReady() throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    HttpResponse<String> ready = null;
    IOException lastFailure = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        ready = Https.get(client, base + "/health/ready");
        if (ready.statusCode() == 200) {
          break;
        }
      } catch (IOException e) {
        lastFailure = e;
      }
      Thread.sleep(1000);
    }
    assertNotNull(
        ready,
        "no answer from " + base + "/health/ready (" + lastFailure + "); see " + serverLog());
    assertEquals(200, ready.statusCode(), ready.body());
    assertTrue(ready.body().startsWith("{\"status\":\"UP\""), ready.body());
    assertTrue(ready.body().contains("\"schemaVersion\""), "database migrated: " + ready.body());
    assertTrue(ready.body().contains("\"managedBy\":\"server\""), ready.body());
    // The H2 default, in the data directory given as a system property.
    assertTrue(Files.isDirectory(data.resolve("db")), "H2 database in " + data);
  }

  @Test
  @Order(3)
  void loginPageIsServedOverHttpsWithoutTheServersName() throws Exception {
    HttpResponse<String> page = Https.get(client, base + "/login");
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
    assertEquals(
        "max-age=63072000; includeSubDomains",
        page.headers().firstValue("strict-transport-security").orElse(null));
    assertFalse(page.headers().firstValue("server").isPresent(), "Server header");
    assertFalse(page.headers().firstValue("x-powered-by").isPresent(), "X-Powered-By header");
    assertEquals(HttpClient.Version.HTTP_1_1, page.version(), "HTTP/2 is off");
    LoginClient.FormConfig config = LoginClient.config(page.body());
    assertEquals("RSA", config.key().getKeyType().getValue());
  }

  @Test
  @Order(4)
  void oneLoginCompletes() throws Exception {
    // The launcher's admin command reaches the EAR through <data dir>/run/admin.sock.
    SeedAccounts.add(
        work, Map.of("BROKER_DATA_DIR", data.toString()), "ada", "ada@example.org", PASSWORD);
    LoginClient browser = new LoginClient(served, base);
    HttpResponse<String> answer = browser.signIn("ada", PASSWORD);
    assertEquals(303, answer.statusCode(), answer.body());
    assertEquals("/account", answer.headers().firstValue("location").orElse(null));
    assertNotNull(browser.cookie("__Host-broker_session"), browser.allCookies());
    assertEquals(200, browser.get("/account").statusCode());
  }

  @Test
  @Order(6)
  void theServersLogHandlersMaskWhileTheBrokerIsDeployed() throws Exception {
    String log = Files.readString(serverLog(), StandardCharsets.UTF_8);
    assertTrue(
        log.contains("Log masking filter put in front of"),
        "the application put the masking filter in front of server.log's handlers");
    assertFalse(log.contains(PASSWORD), "the password is in no log line");
    assertFalse(log.contains("ada@example.org"), "the e-mail address is in no log line");
  }

  @Test
  @Order(5)
  void plainHttpOnlyRedirectsToThePublicUrl() throws Exception {
    HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpResponse<String> answer =
        plain.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/login?x=1"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(301, answer.statusCode(), answer.body());
    assertEquals(base + "/login?x=1", answer.headers().firstValue("location").orElse(null));
    assertEquals("", answer.body());
  }

  // --- asadmin and the domain ---

  private static Path cli() {
    return payaraHome.resolve("glassfish/lib/client/appserver-cli.jar");
  }

  private static Path serverLog() {
    return domains.resolve(DOMAIN).resolve("logs").resolve("server.log");
  }

  /** The running server's process, from the pid file the DAS writes. */
  private static Optional<ProcessHandle> serverProcess() {
    Path pid = domains.resolve(DOMAIN).resolve("config").resolve("pid");
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** A remote command against this domain's admin port. */
  private static String remote(Duration timeout, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--port", Integer.toString(adminPort)));
    all.addAll(List.of(args));
    return asadmin(timeout, all.toArray(String[]::new));
  }

  /**
   * Runs {@code asadmin} (the distribution's CLI jar on this JVM), output to a file; fails with its
   * output on a non-zero exit, and kills it and its children (a server it started) on timeout.
   */
  private static String asadmin(Duration timeout, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-jar", cli().toString()));
    command.addAll(List.of("--interactive=false", "--user", "admin"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "asadmin-", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    // The server inherits this environment: no settings but those the test gives it.
    builder.environment().keySet().removeIf(k -> k.startsWith("BROKER_") || k.startsWith("AS_"));
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(
          "asadmin " + String.join(" ", args) + " took over " + timeout + ":\n" + read(out));
    }
    String output = read(out);
    if (process.exitValue() != 0) {
      throw new AssertionError(
          "asadmin "
              + String.join(" ", args)
              + " exited with "
              + process.exitValue()
              + ":\n"
              + output);
    }
    return output;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /**
   * Puts a new key and a certificate for localhost into the domain's keystore under {@link
   * #CERT_ALIAS}, as {@code keytool -importkeystore} does for an operator; the keystore's password
   * is the domain's master password ({@code changeit} for a domain made with {@code --nopassword}).
   */
  private static X509Certificate importCertificate(Path keystore) throws Exception {
    KeyPair pair = TestCertificates.ecKeyPair();
    Path pem =
        TestCertificates.certificate(
            work, "cert.pem", pair, Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(90));
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(pem)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    char[] password = "changeit".toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password);
    }
    store.setKeyEntry(CERT_ALIAS, pair.getPrivate(), password, new Certificate[] {cert});
    try (OutputStream out = Files.newOutputStream(keystore)) {
      store.store(out, password);
    }
    return cert;
  }

  /** A base whose ports (admin, HTTP, HTTPS, IIOP, JMS, JMX, Hazelcast, ...) are all free. */
  private static int freePortBase() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int portBase = 20000 + 100 * ThreadLocalRandom.current().nextInt(400);
      if (allFree(portBase)) {
        return portBase;
      }
    }
    throw new IOException("no free block of 100 ports found");
  }

  private static boolean allFree(int portBase) {
    for (int offset : PORT_OFFSETS) {
      try (ServerSocket socket = new ServerSocket(portBase + offset)) {
        socket.setReuseAddress(false);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
