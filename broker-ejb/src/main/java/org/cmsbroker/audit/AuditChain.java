package org.cmsbroker.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The audit log's hash chain: {@code hash(n) = SHA-256(domain, hash(n-1), n, fields of row n)},
 * with the fields written length-prefixed in a fixed order (id, time to the microsecond as stored,
 * type, outcome, subject, client, address, detail), so no two different rows encode alike. The
 * first row links to {@link #GENESIS}. Pure functions; thread-safe.
 */
public final class AuditChain {
  /** The hash the first row links to. */
  public static final String GENESIS = "0".repeat(64);

  private static final byte[] DOMAIN = "cmsbroker-audit-chain-v1".getBytes(StandardCharsets.UTF_8);

  private AuditChain() {}

  /** The chain hash of {@code event} at position {@code seq}, after {@code previousHash}. */
  public static String link(String previousHash, long seq, SecurityEvent event) {
    return link(
        previousHash,
        seq,
        event.id(),
        event.occurredAt().toInstant(),
        event.eventType(),
        event.outcome(),
        event.subjectId(),
        event.clientId(),
        event.remoteIp(),
        event.detail());
  }

  static String link(
      String previousHash,
      long seq,
      long id,
      Instant occurredAt,
      String type,
      String outcome,
      String subject,
      String client,
      String address,
      String detail) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(DOMAIN);
      field(out, previousHash);
      out.writeLong(seq);
      out.writeLong(id);
      Instant at = occurredAt.truncatedTo(ChronoUnit.MICROS);
      out.writeLong(at.getEpochSecond());
      out.writeInt(at.getNano());
      field(out, type);
      field(out, outcome);
      field(out, subject);
      field(out, client);
      field(out, address);
      field(out, detail);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void field(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }
}
