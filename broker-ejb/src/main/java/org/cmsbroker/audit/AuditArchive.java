package org.cmsbroker.audit;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An archive of pruned audit rows: {@code audit-<from>-<to>.jsonl} with a header line (positions
 * and the hash the first row links to), one JSON line per row with its position and chain hash, and
 * a last line that is the broker's signed checkpoint of the last row. Anyone can recompute the
 * chain from the header through the rows and check the signature against the broker's JWKS.
 *
 * @param file where it was written
 * @param fromSeq the first position in it
 * @param toSeq the last position in it
 * @param rows how many rows it holds
 */
public record AuditArchive(Path file, long fromSeq, long toSeq, int rows) {

  static AuditArchive write(
      Path dir,
      long fromSeq,
      long toSeq,
      String previousHash,
      List<SecurityEvent> rows,
      String signedCheckpoint)
      throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("audit-" + fromSeq + "-" + toSeq + ".jsonl");
    Path temp = Files.createTempFile(dir, "archive", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not POSIX: the data directory's own permissions protect it.
      }
      try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format", "cmsbroker-audit-archive-v1");
        header.put("from_position", fromSeq);
        header.put("to_position", toSeq);
        header.put("previous_hash", previousHash);
        out.write(JSONObjectUtils.toJSONString(header));
        out.newLine();
        for (SecurityEvent e : rows) {
          Map<String, Object> row = e.fields();
          row.put("hash", e.chainHash());
          out.write(JSONObjectUtils.toJSONString(row));
          out.newLine();
        }
        out.write(signedCheckpoint);
        out.newLine();
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    return new AuditArchive(file, fromSeq, toSeq, rows.size());
  }
}
