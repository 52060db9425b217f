package org.cmsbroker.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.encoders.DecoderException;

/**
 * The key and certificate chain the HTTPS listener serves: the operator's PEM files when {@code
 * BROKER_TLS_CERT}/{@code BROKER_TLS_KEY} are set, else a self-signed EC P-256 certificate made on
 * first start in {@code <data>/tls/} and reused until it nears expiry or stops covering the public
 * host name. Immutable.
 *
 * @param key the private key
 * @param chain leaf first
 * @param selfSigned whether the broker made this certificate itself
 */
public record TlsMaterial(PrivateKey key, List<X509Certificate> chain, boolean selfSigned) {

  /** Keystore alias given to Payara with {@code setSslCert}. */
  public static final String ALIAS = "broker";

  /** 397 days: the longest validity browsers accept for a server certificate. */
  static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(397);

  /** A self-signed certificate closer than this to expiry is replaced at start. */
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  static final String SELF_SIGNED_KEY = "self-signed-key.pem";
  static final String SELF_SIGNED_CERT = "self-signed-cert.pem";

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** Loads the operator's PEM files, or makes or reuses the self-signed certificate. */
  public static TlsMaterial load(LauncherSettings settings, DataDirectory data, Clock clock)
      throws ConfigException {
    if (settings.tlsCert().isPresent()) {
      return fromOperatorFiles(settings.tlsCert().get(), settings.tlsKey().orElseThrow(), clock);
    }
    try {
      return selfSigned(data.directory("tls"), settings.certificateNames(), clock);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new ConfigException(
          "BROKER_DATA_DIR",
          "cannot create the self-signed TLS certificate: " + SettingsLoader.describe(e));
    }
  }

  /** Reads and checks the operator's certificate chain and key. */
  static TlsMaterial fromOperatorFiles(Path certFile, Path keyFile, Clock clock)
      throws ConfigException {
    List<X509Certificate> chain = readChain(certFile, "BROKER_TLS_CERT");
    PrivateKey key = readPrivateKey(keyFile, "BROKER_TLS_KEY");
    X509Certificate leaf = chain.get(0);
    if (!matches(key, leaf.getPublicKey())) {
      throw new ConfigException(
          "BROKER_TLS_KEY", "the private key does not match the certificate in BROKER_TLS_CERT");
    }
    Instant now = clock.instant();
    if (leaf.getNotAfter().toInstant().isBefore(now)) {
      throw new ConfigException(
          "BROKER_TLS_CERT", "the certificate expired on " + leaf.getNotAfter().toInstant());
    }
    if (leaf.getNotBefore().toInstant().isAfter(now)) {
      throw new ConfigException(
          "BROKER_TLS_CERT",
          "the certificate is not valid before " + leaf.getNotBefore().toInstant());
    }
    return new TlsMaterial(key, chain, false);
  }

  static TlsMaterial selfSigned(Path tlsDir, Set<String> names, Clock clock)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    Path keyFile = tlsDir.resolve(SELF_SIGNED_KEY);
    Path certFile = tlsDir.resolve(SELF_SIGNED_CERT);
    if (Files.isRegularFile(keyFile) && Files.isRegularFile(certFile)) {
      try {
        TlsMaterial existing =
            new TlsMaterial(
                readPrivateKey(keyFile, "BROKER_DATA_DIR"),
                readChain(certFile, "BROKER_DATA_DIR"),
                true);
        if (stillUsable(existing, names, clock)) {
          return existing;
        }
      } catch (ConfigException unreadable) {
        // A damaged self-signed pair is simply replaced below.
      }
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    KeyPair pair = generator.generateKeyPair();
    X509Certificate cert = selfSignedCertificate(pair, names, clock.instant());
    // PKCS#8: the traditional "EC PRIVATE KEY" form JcaPEMWriter makes of a JDK EC key carries no
    // curve, so it could not be read back and the certificate was replaced at every start.
    DataDirectory.writeOwnerOnly(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
    DataDirectory.writeOwnerOnly(certFile, pem(cert));
    return new TlsMaterial(pair.getPrivate(), List.of(cert), true);
  }

  private static boolean stillUsable(TlsMaterial material, Set<String> names, Clock clock)
      throws CertificateException {
    X509Certificate leaf = material.leaf();
    if (leaf.getNotAfter().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE))) {
      return false;
    }
    if (!matches(material.key(), leaf.getPublicKey())) {
      return false;
    }
    Set<String> covered = new HashSet<>();
    Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
    if (sans != null) {
      for (List<?> san : sans) {
        covered.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
      }
    }
    return covered.containsAll(names);
  }

  static X509Certificate selfSignedCertificate(KeyPair pair, Set<String> names, Instant now)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    String primary = names.stream().findFirst().orElse("localhost");
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "CMS Security Broker (self-signed)")
            .addRDN(BCStyle.CN, primary)
            .build();
    List<GeneralName> altNames = new ArrayList<>();
    for (String name : names) {
      boolean ip = name.matches("[0-9.]+") || name.contains(":");
      altNames.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    byte[] serial = new byte[16];
    new SecureRandom().nextBytes(serial);
    Instant notBefore = now.minus(Duration.ofMinutes(5));
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            new BigInteger(1, serial),
            Date.from(notBefore),
            Date.from(notBefore.plus(SELF_SIGNED_VALIDITY)),
            subject,
            pair.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    builder
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(
            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(altNames.toArray(new GeneralName[0])))
        .addExtension(
            Extension.subjectKeyIdentifier,
            false,
            ext.createSubjectKeyIdentifier(pair.getPublic()));
    X509CertificateHolder holder =
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  static List<X509Certificate> readChain(Path file, String setting) throws ConfigException {
    List<X509Certificate> chain = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      Object item;
      while ((item = parser.readObject()) != null) {
        if (item instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | DecoderException e) {
      // DecoderException (unchecked): a PEM block whose base64 is damaged.
      throw new ConfigException(setting, "cannot read " + file + ": " + SettingsLoader.describe(e));
    }
    if (chain.isEmpty()) {
      throw new ConfigException(setting, file + " holds no PEM certificate");
    }
    return List.copyOf(chain);
  }

  static PrivateKey readPrivateKey(Path file, String setting) throws ConfigException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      Object item;
      while ((item = parser.readObject()) != null) {
        if (item instanceof PEMKeyPair pair) {
          return jdkPrivateKey(pair.getPrivateKeyInfo());
        }
        if (item instanceof PrivateKeyInfo info) {
          return jdkPrivateKey(info);
        }
        if (item instanceof PKCS8EncryptedPrivateKeyInfo || item instanceof PEMEncryptedKeyPair) {
          throw new ConfigException(
              setting,
              file + " holds an encrypted private key; give the broker an unencrypted one");
        }
      }
    } catch (PEMException | GeneralSecurityException e) {
      throw new ConfigException(setting, file + " holds a private key the broker cannot use");
    } catch (IOException | DecoderException e) {
      throw new ConfigException(setting, "cannot read " + file + ": " + SettingsLoader.describe(e));
    }
    throw new ConfigException(setting, file + " holds no PEM private key");
  }

  /**
   * The JDK's own key object for a parsed key, so that the JDK's TLS and keystore code accept it
   * (Bouncy Castle's converter would name EC keys "ECDSA", which the JDK has no factory for).
   */
  static PrivateKey jdkPrivateKey(PrivateKeyInfo info)
      throws IOException, GeneralSecurityException {
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    String algorithm;
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      algorithm = "EC";
    } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      algorithm = "RSA";
    } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      algorithm = "Ed25519";
    } else {
      throw new GeneralSecurityException("unsupported key algorithm " + oid);
    }
    return KeyFactory.getInstance(algorithm)
        .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
  }

  /** Whether a private key belongs to a public key: sign a random message and verify it. */
  static boolean matches(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null
        || !publicKey.getAlgorithm().equals(key.getAlgorithm())
            && !(key.getAlgorithm().startsWith("EC")
                && publicKey.getAlgorithm().startsWith("EC"))) {
      return false;
    }
    try {
      byte[] message = new byte[32];
      new SecureRandom().nextBytes(message);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(message);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A PKCS#12 keystore holding this key and chain under {@link #ALIAS}. */
  public byte[] pkcs12(char[] password) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(ALIAS, key, password, chain.toArray(new X509Certificate[0]));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.store(out, password);
    return out.toByteArray();
  }

  /** The chain in PEM form, leaf first. */
  public byte[] chainPem() throws IOException {
    StringWriter writer = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(writer)) {
      for (X509Certificate cert : chain) {
        pem.writeObject(cert);
      }
    }
    return writer.toString().getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] pem(Object object) throws IOException {
    StringWriter writer = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(writer)) {
      pem.writeObject(object);
    }
    return writer.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
