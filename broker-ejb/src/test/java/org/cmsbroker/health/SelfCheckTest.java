package org.cmsbroker.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmsbroker.health.SelfCheckFinding.Status;
import org.cmsbroker.settings.SettingSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-check's rules, one per finding it can give. */
class SelfCheckTest {
  @TempDir Path dir;

  private static SettingSource settings(Map<String, String> values) {
    return name -> Optional.ofNullable(values.get(name));
  }

  @Test
  void anOwnerOnlyDataDirectoryPassesAndAWorldReadableKeyIsNamed() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Path key = Files.writeString(secrets.resolve("master.key"), "x");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    List<SelfCheckFinding> clean = SelfCheck.dataDirectory(dir);
    assertEquals(Status.PASS, clean.get(0).status(), clean.toString());
    assertEquals(Status.PASS, clean.get(1).status(), clean.toString());

    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(Status.WARN, SelfCheck.dataDirectory(dir).get(1).status());
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<SelfCheckFinding> open = SelfCheck.dataDirectory(dir);
    assertEquals(Status.WARN, open.get(0).status());
    assertEquals(Status.FAIL, open.get(1).status());
    assertEquals(true, open.get(1).seen().contains("secrets/master.key"), open.toString());
  }

  @Test
  void postgresWithoutAPasswordWarns() {
    assertEquals(Status.PASS, SelfCheck.database(settings(Map.of())).status());
    assertEquals(
        Status.WARN,
        SelfCheck.database(settings(Map.of("broker.db.url", "jdbc:postgresql://db/broker")))
            .status());
    assertEquals(
        Status.PASS,
        SelfCheck.database(
                settings(
                    Map.of(
                        "broker.db.url",
                        "jdbc:postgresql://db/broker",
                        "broker.db.password",
                        "long enough")))
            .status());
  }

  @Test
  void plaintextLoginWarns() {
    assertEquals(Status.WARN, SelfCheck.plaintextLogin(true).status());
    assertEquals(Status.PASS, SelfCheck.plaintextLogin(false).status());
  }

  @Test
  void clockSkewWarnsAfterFiveSecondsAndFailsAfterAMinute() {
    assertEquals(Status.PASS, SelfCheck.clockFinding(Duration.ofSeconds(1)).status());
    assertEquals(Status.WARN, SelfCheck.clockFinding(Duration.ofSeconds(6)).status());
    assertEquals(Status.FAIL, SelfCheck.clockFinding(Duration.ofMinutes(2)).status());
  }

  @Test
  void backupAgeWarnsAfterTwoDaysAndFailsAfterEight() throws Exception {
    Instant now = Instant.parse("2026-12-05T10:00:00Z");
    assertEquals(Status.WARN, SelfCheck.backup(dir, now).status(), "no backup yet");
    Path file = dir.resolve(SelfCheck.LAST_BACKUP_FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, now.minus(Duration.ofHours(3)).toString());
    assertEquals(Status.PASS, SelfCheck.backup(dir, now).status());
    Files.writeString(file, now.minus(Duration.ofDays(3)).toString());
    assertEquals(Status.WARN, SelfCheck.backup(dir, now).status());
    Files.writeString(file, now.minus(Duration.ofDays(9)).toString());
    assertEquals(Status.FAIL, SelfCheck.backup(dir, now).status());
  }

  @Test
  void noCertificateFileMeansTheServerTerminatesTls() {
    assertEquals(
        Status.PASS, SelfCheck.certificate(Optional.empty(), Instant.now()).get(0).status());
    assertEquals(
        Status.FAIL,
        SelfCheck.certificate(Optional.of(dir.resolve("missing.pem")), Instant.now())
            .get(0)
            .status());
  }
}
