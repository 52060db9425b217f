package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustAnchorsTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  @TempDir Path temp;

  @Test
  void anchorsWhoseValidityEndedAreLeftOutAndNamed() throws Exception {
    X509Certificate current =
        TestPki.selfSigned(
            "Current Root",
            TestPki.ecKeyPair(),
            NOW.minus(Duration.ofDays(3650)),
            NOW.plus(Duration.ofDays(3650)));
    X509Certificate expired =
        TestPki.selfSigned(
            "Expired Root",
            TestPki.ecKeyPair(),
            NOW.minus(Duration.ofDays(7300)),
            NOW.minus(Duration.ofDays(8)));
    Path file = temp.resolve("truststore.p12");

    TrustAnchors.Written written = TrustAnchors.write(file, List.of(expired, current), NOW);

    assertEquals(1, written.kept());
    assertEquals(List.of("CN=Expired Root"), written.expired());
    KeyStore store = load(file);
    List<String> aliases = Collections.list(store.aliases());
    assertEquals(1, aliases.size());
    assertTrue(store.isCertificateEntry(aliases.get(0)));
    assertEquals(current, store.getCertificate(aliases.get(0)));
  }

  @Test
  void anchorEndingAtThisInstantCountsAsExpired() throws Exception {
    X509Certificate ending =
        TestPki.selfSigned("Ending Root", TestPki.ecKeyPair(), NOW.minus(Duration.ofDays(1)), NOW);

    TrustAnchors.Written written =
        TrustAnchors.write(temp.resolve("t.p12"), List.of(ending), NOW.plusSeconds(1));

    assertEquals(0, written.kept());
    assertEquals(List.of("CN=Ending Root"), written.expired());
  }

  @Test
  void theJvmsDefaultAnchorsAreReadAndStillValidOnesKept() throws Exception {
    List<X509Certificate> defaults = TrustAnchors.jvmDefaults();
    assertFalse(defaults.isEmpty(), "the JVM has trust anchors");

    Path file = temp.resolve("jvm.p12");
    TrustAnchors.Written written = TrustAnchors.write(file, defaults, Instant.now());

    assertEquals(defaults.size(), written.kept() + written.expired().size());
    KeyStore store = load(file);
    assertEquals(written.kept(), store.size());
    for (String alias : Collections.list(store.aliases())) {
      X509Certificate anchor = (X509Certificate) store.getCertificate(alias);
      assertTrue(anchor.getNotAfter().toInstant().isAfter(Instant.now()), alias);
    }
  }

  private static KeyStore load(Path file) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, TrustAnchors.PASSWORD);
    }
    return store;
  }
}
