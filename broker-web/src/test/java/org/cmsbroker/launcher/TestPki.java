package org.cmsbroker.launcher;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Keys, certificates and PEM files for launcher tests, made with the JDK and Bouncy Castle. */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(1);

  private TestPki() {}

  static KeyPair ecKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static KeyPair rsaKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  /** A certificate for {@code subject}'s public key, signed by {@code issuerKey}. */
  static X509Certificate certificate(
      String subject,
      KeyPair subjectKeys,
      String issuer,
      PrivateKey issuerKey,
      boolean ca,
      Instant notBefore,
      Instant notAfter)
      throws Exception {
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            new X500Name("CN=" + issuer),
            BigInteger.valueOf(SERIAL.getAndIncrement()),
            Date.from(notBefore),
            Date.from(notAfter),
            new X500Name("CN=" + subject),
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
  }

  static X509Certificate selfSigned(String name, KeyPair keys, Instant notBefore, Instant notAfter)
      throws Exception {
    return certificate(name, keys, name, keys.getPrivate(), false, notBefore, notAfter);
  }

  /** PEM of each object in turn, as {@link JcaPEMWriter} writes it. */
  static String pem(Object... objects) throws IOException {
    StringWriter writer = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(writer)) {
      for (Object object : objects) {
        pem.writeObject(object);
      }
    }
    return writer.toString();
  }

  /** An unencrypted PKCS#8 key, "BEGIN PRIVATE KEY". */
  static String pkcs8Pem(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  /** A password-protected PKCS#8 key, "BEGIN ENCRYPTED PRIVATE KEY". */
  static String encryptedPkcs8Pem(PrivateKey key) throws Exception {
    OutputEncryptor encryptor =
        new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
            .setProvider(new BouncyCastleProvider())
            .setPassword("secret".toCharArray())
            .build();
    return pem(new JcaPKCS8Generator(key, encryptor));
  }

  /** A password-protected traditional OpenSSL key ("Proc-Type: 4,ENCRYPTED"). */
  static String encryptedTraditionalPem(PrivateKey key) throws IOException {
    StringWriter writer = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(writer)) {
      pem.writeObject(
          key,
          new JcePEMEncryptorBuilder("AES-128-CBC")
              .setProvider(new BouncyCastleProvider())
              .build("secret".toCharArray()));
    }
    return writer.toString();
  }

  static Path write(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.US_ASCII);
    return file;
  }
}
