package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The arguments of {@code backup} and {@code restore}, and what they refuse before any work. */
class BackupRestoreCommandTest {
  @TempDir Path dir;

  @Test
  void backupNeedsBothOptionsAndResolvesPaths() throws Exception {
    BackupCommand.Arguments a =
        BackupCommand.parse(List.of("--recipient", "key.asc", "--out=/tmp/b.pgp"));
    assertTrue(a.recipient().isAbsolute());
    assertEquals(Path.of("/tmp/b.pgp"), a.out());
    assertThrows(
        AdminArguments.UsageException.class, () -> BackupCommand.parse(List.of("--out", "x")));
    assertThrows(
        AdminArguments.UsageException.class,
        () -> BackupCommand.parse(List.of("--recipient", "k", "--out", "x", "--out", "y")));
    assertThrows(
        AdminArguments.UsageException.class,
        () -> BackupCommand.parse(List.of("--recipient", "k", "--bogus", "x")));
  }

  @Test
  void restoreRefusesAPassphraseArgument() {
    AdminArguments.UsageException e =
        assertThrows(
            AdminArguments.UsageException.class,
            () ->
                RestoreCommand.parse(
                    List.of("--in", "b.pgp", "--key", "k.asc", "--passphrase", "secret")));
    assertTrue(e.getMessage().contains("never an argument"), e.getMessage());
    assertThrows(
        AdminArguments.UsageException.class, () -> RestoreCommand.parse(List.of("--in", "b")));
  }

  @Test
  void restoreKeyDashMeansStandardInputAndMayBeGivenOnce() throws Exception {
    RestoreCommand.Arguments arguments =
        RestoreCommand.parse(List.of("--in", "b.pgp", "--key", "-"));
    assertTrue(arguments.keyFromStdin());
    assertFalse(RestoreCommand.parse(List.of("--in", "b.pgp", "--key", "k.asc")).keyFromStdin());
    assertThrows(
        AdminArguments.UsageException.class,
        () -> RestoreCommand.parse(List.of("--in", "b.pgp", "--key", "-", "--key", "-")));
  }

  @Test
  void armoredKeyFromStandardInputStopsAtItsEndLineAndLeavesThePassphraseUnread() throws Exception {
    String key =
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\r\n\r\nlQWGBGd...\r\n=abcd\r\n"
            + RestoreCommand.ARMOR_END
            + "\r\n";
    java.io.InputStream in =
        new java.io.ByteArrayInputStream(
            (key + "the passphrase\nmore").getBytes(StandardCharsets.UTF_8));

    byte[] read = RestoreCommand.armoredKey(in);

    assertEquals(key, new String(read, StandardCharsets.US_ASCII));
    assertEquals("the passphrase", new String(AdminClient.optionalLine(in, "passphrase")));
  }

  @Test
  void armoredKeyWithoutANewlineAfterItsEndLineIsWhole() throws Exception {
    String key = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxyz\n" + RestoreCommand.ARMOR_END;
    byte[] read =
        RestoreCommand.armoredKey(
            new java.io.ByteArrayInputStream(key.getBytes(StandardCharsets.US_ASCII)));
    assertEquals(key, new String(read, StandardCharsets.US_ASCII));
  }

  @Test
  void standardInputWithoutAnArmoredKeyIsRefusedClearly() {
    AdminArguments.UsageException e =
        assertThrows(
            AdminArguments.UsageException.class,
            () ->
                RestoreCommand.armoredKey(
                    new java.io.ByteArrayInputStream(
                        "just a passphrase\n".getBytes(StandardCharsets.UTF_8))));
    assertTrue(e.getMessage().contains("ASCII-armored"), e.getMessage());
    assertThrows(
        AdminArguments.UsageException.class,
        () ->
            RestoreCommand.armoredKey(
                new java.io.ByteArrayInputStream(new byte[RestoreCommand.MAX_KEY_BYTES + 10])));
  }

  @Test
  void backupRefusesAnExistingOutputAndAMissingKeyBeforeAskingTheBroker() throws Exception {
    Path key = Files.writeString(dir.resolve("key.asc"), "-----BEGIN PGP PUBLIC KEY BLOCK-----");
    Path existing = Files.writeString(dir.resolve("old.pgp"), "old");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        BackupCommand.execute(
            new BackupCommand.Arguments(key, existing, false),
            dir.resolve("admin.sock"),
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(Main.BAD_SETTING, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("already exists"));

    err.reset();
    code =
        BackupCommand.execute(
            new BackupCommand.Arguments(dir.resolve("none.asc"), dir.resolve("new.pgp"), false),
            dir.resolve("admin.sock"),
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(Main.BAD_SETTING, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not a file"));

    err.reset();
    code =
        BackupCommand.execute(
            new BackupCommand.Arguments(key, dir.resolve("new.pgp"), false),
            dir.resolve("admin.sock"),
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(Main.FAILED, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("no running broker found"));
  }

  @Test
  void theUsageNamesBothCommands() {
    String usage = Main.usage();
    assertTrue(usage.contains("backup --recipient"), usage);
    assertTrue(usage.contains("restore --in FILE --key"), usage);
  }
}
