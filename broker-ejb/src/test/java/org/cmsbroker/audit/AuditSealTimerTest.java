package org.cmsbroker.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.cmsbroker.config.BrokerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint signer never signs over a chain that no longer extends its last checkpoint. */
class AuditSealTimerTest {
  private static final String H1 = "1".repeat(64);
  private static final String H2 = "2".repeat(64);
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  @TempDir Path dataDir;

  private AuditCheckpoint head = new AuditCheckpoint(3, H1, NOW);
  private Optional<String> continuity = Optional.empty();
  private final List<AuditCheckpoint> askedAbout = new ArrayList<>();
  private final List<LogRecord> severe = new ArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel() == Level.SEVERE) {
            severe.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    Logger.getLogger(AuditSealTimer.class.getName()).addHandler(handler);
  }

  @AfterEach
  void stopListening() {
    Logger.getLogger(AuditSealTimer.class.getName()).removeHandler(handler);
  }

  /**
   * A signer whose "signature" is the checkpoint in clear behind a marker; others do not verify.
   */
  private static final AuditSigner SIGNER =
      new AuditSigner() {
        @Override
        public String sign(AuditCheckpoint c) {
          return "signed." + c.seq() + "." + c.hash();
        }

        @Override
        public Optional<AuditCheckpoint> verify(String jws) {
          String[] parts = jws.split("\\.");
          if (parts.length != 3 || !parts[0].equals("signed")) {
            return Optional.empty();
          }
          return Optional.of(new AuditCheckpoint(Long.parseLong(parts[1]), parts[2], NOW));
        }
      };

  private AuditSealTimer timer() {
    AuditSealTimer timer = new AuditSealTimer();
    timer.log =
        new AuditLog() {
          @Override
          public AuditCheckpoint sealPending() {
            return head;
          }

          @Override
          public Optional<String> continuityBreak(AuditCheckpoint checkpoint) {
            askedAbout.add(checkpoint);
            return continuity;
          }
        };
    timer.signer = SIGNER;
    timer.config =
        new BrokerConfig(dataDir, URI.create("https://broker.example.org"), 1 << 20, null);
    timer.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    return timer;
  }

  private String checkpointFile() throws IOException {
    return Files.readString(new AuditCheckpointFile(dataDir).path()).trim();
  }

  @Test
  void aGrowingChainIsCheckpointedAfterCheckingItExtendsTheLastCheckpoint() throws IOException {
    AuditSealTimer timer = timer();
    timer.sealAndCheckpoint();
    assertEquals("signed.3." + H1, checkpointFile());
    head = new AuditCheckpoint(5, H2, NOW);
    timer.sealAndCheckpoint();
    assertEquals("signed.5." + H2, checkpointFile());
    assertEquals(List.of(new AuditCheckpoint(3, H1, NOW)), askedAbout);
    assertTrue(severe.isEmpty());
  }

  @Test
  void aRewrittenChainIsNotSignedOverAndTheOldCheckpointStaysAsEvidence() throws IOException {
    AuditSealTimer timer = timer();
    timer.sealAndCheckpoint();
    continuity = Optional.of("position 3 no longer has the hash of the checkpoint");
    head = new AuditCheckpoint(5, H2, NOW);
    timer.sealAndCheckpoint();
    timer.sealAndCheckpoint();
    assertEquals("signed.3." + H1, checkpointFile(), "the forged head is never signed");
    assertEquals(1, severe.size(), "one rewrite, one line");
    assertTrue(severe.get(0).getMessage().contains("position 3"), severe.get(0).getMessage());
  }

  @Test
  void theLastCheckpointIsReadBackAfterARestart() throws IOException {
    new AuditCheckpointFile(dataDir).write("signed.2." + H1);
    head = new AuditCheckpoint(4, H2, NOW);
    timer().sealAndCheckpoint();
    assertEquals(List.of(new AuditCheckpoint(2, H1, NOW)), askedAbout);
    assertEquals("signed.4." + H2, checkpointFile());
  }

  @Test
  void aCheckpointFileNotSignedByTheBrokerIsSetAsideNotSilentlyReplaced() throws IOException {
    new AuditCheckpointFile(dataDir).write("forged.9." + H2);
    timer().sealAndCheckpoint();
    assertEquals("signed.3." + H1, checkpointFile());
    try (var files = Files.list(dataDir.resolve("audit"))) {
      List<Path> aside =
          files
              .filter(p -> p.getFileName().toString().startsWith("checkpoint.jws.unverified-"))
              .toList();
      assertEquals(1, aside.size());
      assertEquals("forged.9." + H2, Files.readString(aside.get(0)).trim());
    }
    assertEquals(1, severe.size());
  }
}
