package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {
  private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
  private static final Instant YEAR_AGO = NOW.minus(Duration.ofDays(365));
  private static final Instant IN_A_YEAR = NOW.plus(Duration.ofDays(365));

  @TempDir Path temp;
  private MutableClock clock;
  private DataDirectory data;

  @BeforeEach
  void setUp() throws ConfigException {
    clock = new MutableClock(NOW);
    data = DataDirectory.prepare(temp.resolve("data"));
  }

  private LauncherSettings settings(String publicUrl) throws ConfigException {
    return new SettingsLoader(
            Map.of("broker.data.dir", data.root().toString(), "broker.public.url", publicUrl),
            Map.of())
        .load();
  }

  private TlsMaterial selfSigned(String publicUrl) throws ConfigException {
    return TlsMaterial.load(settings(publicUrl), data, clock);
  }

  private TlsMaterial operator(Path cert, Path key) throws ConfigException {
    return TlsMaterial.fromOperatorFiles(cert, key, clock);
  }

  private static Set<List<?>> subjectAlternativeNames(X509Certificate cert) throws Exception {
    return new HashSet<>(cert.getSubjectAlternativeNames());
  }

  // Self-signed certificate

  @Test
  void selfSignedCertificateCoversLocalhostLoopbackAndPublicHost() throws Exception {
    TlsMaterial tls = selfSigned("https://broker.example.org");

    assertTrue(tls.selfSigned());
    assertEquals(1, tls.chain().size());
    assertEquals(
        Set.of(List.of(2, "broker.example.org"), List.of(2, "localhost"), List.of(7, "127.0.0.1")),
        subjectAlternativeNames(tls.leaf()));
    assertTrue(tls.leaf().getSubjectX500Principal().getName().contains("CN=broker.example.org"));
    tls.leaf().verify(tls.leaf().getPublicKey());
  }

  @Test
  void selfSignedKeyIsEcP256() throws Exception {
    TlsMaterial tls = selfSigned("https://broker.example.org");

    assertEquals("EC", tls.key().getAlgorithm());
    ECPublicKey publicKey = (ECPublicKey) tls.leaf().getPublicKey();
    assertEquals(256, publicKey.getParams().getCurve().getField().getFieldSize());
    assertEquals("SHA256withECDSA", tls.leaf().getSigAlgName());
    assertTrue(TlsMaterial.matches(tls.key(), publicKey));
  }

  @Test
  void selfSignedCertificateIsValidFor397DaysFromFiveMinutesAgo() throws Exception {
    X509Certificate leaf = selfSigned("https://broker.example.org").leaf();

    Instant notBefore = NOW.minus(Duration.ofMinutes(5));
    assertEquals(notBefore, leaf.getNotBefore().toInstant());
    assertEquals(notBefore.plus(Duration.ofDays(397)), leaf.getNotAfter().toInstant());
  }

  @Test
  void selfSignedFilesAreReadableByOwnerOnly() throws Exception {
    selfSigned("https://broker.example.org");

    Path tls = data.root().resolve("tls");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls)));
    for (String name : List.of("self-signed-key.pem", "self-signed-cert.pem")) {
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(name))),
          name);
    }
  }

  @Test
  void secondLoadReusesTheSelfSignedCertificate() throws Exception {
    TlsMaterial first = selfSigned("https://broker.example.org");
    clock.advance(Duration.ofDays(100));

    TlsMaterial second = selfSigned("https://broker.example.org");

    assertEquals(first.leaf(), second.leaf());
    assertArrayEquals(first.key().getEncoded(), second.key().getEncoded());
  }

  @Test
  void selfSignedCertificateWithin30DaysOfExpiryIsReplaced() throws Exception {
    TlsMaterial first = selfSigned("https://broker.example.org");
    Instant renewal = first.leaf().getNotAfter().toInstant().minus(Duration.ofDays(29));
    clock.set(renewal);

    TlsMaterial second = selfSigned("https://broker.example.org");

    assertNotEquals(first.leaf(), second.leaf());
    assertEquals(renewal.minus(Duration.ofMinutes(5)), second.leaf().getNotBefore().toInstant());
    assertEquals(second.leaf(), selfSigned("https://broker.example.org").leaf());
  }

  @Test
  void selfSignedCertificateMoreThan30DaysFromExpiryIsKept() throws Exception {
    TlsMaterial first = selfSigned("https://broker.example.org");
    clock.set(first.leaf().getNotAfter().toInstant().minus(Duration.ofDays(31)));

    assertEquals(first.leaf(), selfSigned("https://broker.example.org").leaf());
  }

  @Test
  void newPublicHostNameGivesANewCertificate() throws Exception {
    TlsMaterial first = selfSigned("https://broker.example.org");

    TlsMaterial second = selfSigned("https://login.example.net");

    assertNotEquals(first.leaf(), second.leaf());
    assertTrue(subjectAlternativeNames(second.leaf()).contains(List.of(2, "login.example.net")));
    assertFalse(subjectAlternativeNames(second.leaf()).contains(List.of(2, "broker.example.org")));
  }

  @Test
  void damagedSelfSignedKeyIsReplaced() throws Exception {
    TlsMaterial first = selfSigned("https://broker.example.org");
    Files.writeString(data.root().resolve("tls/self-signed-key.pem"), "damaged\n");

    TlsMaterial second = selfSigned("https://broker.example.org");

    assertNotEquals(first.leaf(), second.leaf());
    assertTrue(TlsMaterial.matches(second.key(), second.leaf().getPublicKey()));
  }

  @Test
  void selfSignedCertificateWithDamagedBase64IsReplaced() throws Exception {
    TlsMaterial first = selfSigned("https://broker.example.org");
    Files.writeString(
        data.root().resolve("tls/self-signed-cert.pem"),
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");

    TlsMaterial second = selfSigned("https://broker.example.org");

    assertNotEquals(first.leaf(), second.leaf());
  }

  @Test
  void selfSignedKeyThatNoLongerMatchesIsReplaced() throws Exception {
    TlsMaterial first = selfSigned("https://broker.example.org");
    TestPki.write(
        data.root().resolve("tls/self-signed-key.pem"),
        TestPki.pkcs8Pem(TestPki.ecKeyPair().getPrivate()));

    TlsMaterial second = selfSigned("https://broker.example.org");

    assertNotEquals(first.leaf(), second.leaf());
    assertTrue(TlsMaterial.matches(second.key(), second.leaf().getPublicKey()));
  }

  // Operator's PEM files

  @Test
  void operatorEcPkcs8KeyAndCertificateLoad() throws Exception {
    KeyPair keys = TestPki.ecKeyPair();
    X509Certificate cert = TestPki.selfSigned("cms.example.org", keys, YEAR_AGO, IN_A_YEAR);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    Path keyFile = TestPki.write(temp.resolve("key.pem"), TestPki.pkcs8Pem(keys.getPrivate()));

    TlsMaterial tls = operator(certFile, keyFile);

    assertFalse(tls.selfSigned());
    assertEquals(List.of(cert), tls.chain());
    assertArrayEquals(keys.getPrivate().getEncoded(), tls.key().getEncoded());
  }

  @Test
  void operatorRsaPkcs1KeyLoads() throws Exception {
    KeyPair keys = TestPki.rsaKeyPair();
    X509Certificate cert = TestPki.selfSigned("cms.example.org", keys, YEAR_AGO, IN_A_YEAR);
    String keyPem = TestPki.pem(keys.getPrivate());
    assertTrue(keyPem.startsWith("-----BEGIN RSA PRIVATE KEY-----"), keyPem);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    Path keyFile = TestPki.write(temp.resolve("key.pem"), keyPem);

    TlsMaterial tls = operator(certFile, keyFile);

    assertEquals("RSA", tls.key().getAlgorithm());
    assertEquals(cert, tls.leaf());
  }

  @Test
  void operatorFullChainLoadsLeafFirst() throws Exception {
    KeyPair caKeys = TestPki.ecKeyPair();
    X509Certificate ca =
        TestPki.certificate(
            "Test CA", caKeys, "Test CA", caKeys.getPrivate(), true, YEAR_AGO, IN_A_YEAR);
    KeyPair leafKeys = TestPki.ecKeyPair();
    X509Certificate leaf =
        TestPki.certificate(
            "cms.example.org",
            leafKeys,
            "Test CA",
            caKeys.getPrivate(),
            false,
            YEAR_AGO,
            IN_A_YEAR);
    Path certFile = TestPki.write(temp.resolve("fullchain.pem"), TestPki.pem(leaf, ca));
    Path keyFile = TestPki.write(temp.resolve("key.pem"), TestPki.pkcs8Pem(leafKeys.getPrivate()));

    TlsMaterial tls = operator(certFile, keyFile);

    assertEquals(List.of(leaf, ca), tls.chain());
  }

  @Test
  void settingsWithCertificateLoadOperatorFilesInsteadOfSelfSigned() throws Exception {
    KeyPair keys = TestPki.ecKeyPair();
    X509Certificate cert = TestPki.selfSigned("cms.example.org", keys, YEAR_AGO, IN_A_YEAR);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    Path keyFile = TestPki.write(temp.resolve("key.pem"), TestPki.pkcs8Pem(keys.getPrivate()));
    LauncherSettings settings =
        new SettingsLoader(
                Map.of(
                    "broker.data.dir", data.root().toString(),
                    "broker.tls.cert", certFile.toString(),
                    "broker.tls.key", keyFile.toString()),
                Map.of())
            .load();

    TlsMaterial tls = TlsMaterial.load(settings, data, clock);

    assertFalse(tls.selfSigned());
    assertEquals(cert, tls.leaf());
    assertFalse(Files.exists(data.root().resolve("tls")));
  }

  @Test
  void keyNotMatchingTheCertificateIsRefused() throws Exception {
    X509Certificate cert =
        TestPki.selfSigned("cms.example.org", TestPki.ecKeyPair(), YEAR_AGO, IN_A_YEAR);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    Path keyFile =
        TestPki.write(temp.resolve("key.pem"), TestPki.pkcs8Pem(TestPki.ecKeyPair().getPrivate()));

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals("BROKER_TLS_KEY", e.setting());
    assertEquals(
        "BROKER_TLS_KEY: the private key does not match the certificate in BROKER_TLS_CERT",
        e.getMessage());
  }

  @Test
  void keyOfAnotherAlgorithmIsRefusedAsNotMatching() throws Exception {
    X509Certificate cert =
        TestPki.selfSigned("cms.example.org", TestPki.ecKeyPair(), YEAR_AGO, IN_A_YEAR);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    Path keyFile =
        TestPki.write(temp.resolve("key.pem"), TestPki.pem(TestPki.rsaKeyPair().getPrivate()));

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals(
        "BROKER_TLS_KEY: the private key does not match the certificate in BROKER_TLS_CERT",
        e.getMessage());
  }

  @Test
  void expiredCertificateIsRefused() throws Exception {
    KeyPair keys = TestPki.ecKeyPair();
    Instant expiredAt = NOW.minusSeconds(1);
    X509Certificate cert = TestPki.selfSigned("cms.example.org", keys, YEAR_AGO, expiredAt);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    Path keyFile = TestPki.write(temp.resolve("key.pem"), TestPki.pkcs8Pem(keys.getPrivate()));

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals("BROKER_TLS_CERT", e.setting());
    assertEquals(
        "BROKER_TLS_CERT: the certificate expired on 2025-03-01T09:59:59Z", e.getMessage());
  }

  @Test
  void certificateNotYetValidIsRefused() throws Exception {
    KeyPair keys = TestPki.ecKeyPair();
    Instant start = NOW.plus(Duration.ofDays(1));
    X509Certificate cert = TestPki.selfSigned("cms.example.org", keys, start, IN_A_YEAR);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    Path keyFile = TestPki.write(temp.resolve("key.pem"), TestPki.pkcs8Pem(keys.getPrivate()));

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals(
        "BROKER_TLS_CERT: the certificate is not valid before 2025-03-02T10:00:00Z",
        e.getMessage());
  }

  @Test
  void missingCertificateFileIsRefused() throws Exception {
    Path certFile = temp.resolve("absent-cert.pem");
    Path keyFile =
        TestPki.write(temp.resolve("key.pem"), TestPki.pkcs8Pem(TestPki.ecKeyPair().getPrivate()));

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals("BROKER_TLS_CERT: cannot read " + certFile + ": no such file", e.getMessage());
  }

  @Test
  void missingKeyFileIsRefused() throws Exception {
    X509Certificate cert =
        TestPki.selfSigned("cms.example.org", TestPki.ecKeyPair(), YEAR_AGO, IN_A_YEAR);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    Path keyFile = temp.resolve("absent-key.pem");

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals("BROKER_TLS_KEY: cannot read " + keyFile + ": no such file", e.getMessage());
  }

  @Test
  void keyFileWithoutAKeyIsRefused() throws Exception {
    X509Certificate cert =
        TestPki.selfSigned("cms.example.org", TestPki.ecKeyPair(), YEAR_AGO, IN_A_YEAR);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    Path keyFile = TestPki.write(temp.resolve("key.pem"), TestPki.pem(cert));

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals("BROKER_TLS_KEY: " + keyFile + " holds no PEM private key", e.getMessage());
  }

  @Test
  void certificateFileWithoutACertificateIsRefused() throws Exception {
    KeyPair keys = TestPki.ecKeyPair();
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pkcs8Pem(keys.getPrivate()));
    Path keyFile = TestPki.write(temp.resolve("key.pem"), TestPki.pkcs8Pem(keys.getPrivate()));

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals("BROKER_TLS_CERT: " + certFile + " holds no PEM certificate", e.getMessage());
  }

  @Test
  void encryptedPkcs8KeyIsRefused() throws Exception {
    KeyPair keys = TestPki.ecKeyPair();
    X509Certificate cert = TestPki.selfSigned("cms.example.org", keys, YEAR_AGO, IN_A_YEAR);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    String keyPem = TestPki.encryptedPkcs8Pem(keys.getPrivate());
    assertTrue(keyPem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), keyPem);
    Path keyFile = TestPki.write(temp.resolve("key.pem"), keyPem);

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals(
        "BROKER_TLS_KEY: "
            + keyFile
            + " holds an encrypted private key; give the broker an unencrypted one",
        e.getMessage());
  }

  @Test
  void encryptedTraditionalKeyIsRefusedAsEncrypted() throws Exception {
    KeyPair keys = TestPki.rsaKeyPair();
    X509Certificate cert = TestPki.selfSigned("cms.example.org", keys, YEAR_AGO, IN_A_YEAR);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    String keyPem = TestPki.encryptedTraditionalPem(keys.getPrivate());
    assertTrue(keyPem.contains("Proc-Type: 4,ENCRYPTED"), keyPem);
    Path keyFile = TestPki.write(temp.resolve("key.pem"), keyPem);

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals(
        "BROKER_TLS_KEY: "
            + keyFile
            + " holds an encrypted private key; give the broker an unencrypted one",
        e.getMessage());
  }

  @Test
  void certificateFileWithBrokenBase64IsRefused() throws Exception {
    KeyPair keys = TestPki.ecKeyPair();
    Path certFile =
        TestPki.write(
            temp.resolve("cert.pem"),
            "-----BEGIN CERTIFICATE-----\n!!!!not*base64\n-----END CERTIFICATE-----\n");
    Path keyFile = TestPki.write(temp.resolve("key.pem"), TestPki.pkcs8Pem(keys.getPrivate()));

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals(
        "BROKER_TLS_CERT: cannot read "
            + certFile
            + ": malformed PEM data: unable to decode base64 string: invalid characters encountered"
            + " in base64 data",
        e.getMessage());
  }

  @Test
  void keyFileWithBrokenBase64IsRefused() throws Exception {
    KeyPair keys = TestPki.ecKeyPair();
    X509Certificate cert = TestPki.selfSigned("cms.example.org", keys, YEAR_AGO, IN_A_YEAR);
    Path certFile = TestPki.write(temp.resolve("cert.pem"), TestPki.pem(cert));
    Path keyFile =
        TestPki.write(
            temp.resolve("key.pem"),
            "-----BEGIN PRIVATE KEY-----\n!!!!not*base64\n-----END PRIVATE KEY-----\n");

    ConfigException e = assertThrows(ConfigException.class, () -> operator(certFile, keyFile));

    assertEquals(
        "BROKER_TLS_KEY: cannot read "
            + keyFile
            + ": malformed PEM data: unable to decode base64 string: invalid characters encountered"
            + " in base64 data",
        e.getMessage());
  }

  // Export

  @Test
  void pkcs12HoldsKeyAndChainUnderAliasBroker() throws Exception {
    TlsMaterial tls = selfSigned("https://broker.example.org");
    char[] password = "store-pw".toCharArray();

    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(tls.pkcs12(password)), password);

    assertEquals(List.of("broker"), java.util.Collections.list(store.aliases()));
    assertTrue(store.isKeyEntry("broker"));
    assertArrayEquals(tls.key().getEncoded(), store.getKey("broker", password).getEncoded());
    Certificate[] chain = store.getCertificateChain("broker");
    assertEquals(tls.chain(), List.of(chain));
  }

  @Test
  void chainPemReadsBackAsTheSameChain() throws Exception {
    TlsMaterial tls = selfSigned("https://broker.example.org");
    Path file = temp.resolve("served.pem");
    Files.write(file, tls.chainPem());

    assertEquals(tls.chain(), TlsMaterial.readChain(file, "X"));
    assertTrue(new String(tls.chainPem(), StandardCharsets.US_ASCII).startsWith("-----BEGIN"));
  }
}
