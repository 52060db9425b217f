package org.cmsbroker.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Debian {@code gpg} binary with a home directory of its own: makes keys as an operator would
 * and decrypts backups as the operator would.
 */
final class TestGpg {
  private final Path home;

  TestGpg(Path home) throws IOException {
    this.home = Files.createDirectories(home);
    Files.setPosixFilePermissions(
        home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
  }

  /** The result of one gpg run. */
  record Result(int exitCode, byte[] stdout, String stderr) {}

  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(home, "out", ".bin");
    Path err = Files.createTempFile(home, "err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("gpg did not finish: " + command);
    }
    return new Result(
        process.exitValue(),
        Files.readAllBytes(out),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /**
   * A new key (Ed25519 with a Curve25519 encryption subkey, gpg's "future-default") for {@code
   * uid}, protected by {@code passphrase} (none if empty).
   */
  void generate(String uid, String passphrase) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--pinentry-mode", "loopback", "--passphrase"));
    args.add(passphrase);
    args.addAll(List.of("--quick-gen-key", uid, "future-default", "default", "never"));
    Result r = run(args.toArray(String[]::new));
    if (r.exitCode() != 0) {
      throw new AssertionError("gpg --quick-gen-key failed: " + r.stderr());
    }
  }

  byte[] exportPublic(String uid) throws IOException, InterruptedException {
    return ok(run("--armor", "--export", uid)).stdout();
  }

  byte[] exportSecret(String uid, String passphrase) throws IOException, InterruptedException {
    return ok(run(
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            passphrase,
            "--armor",
            "--export-secret-keys",
            uid))
        .stdout();
  }

  Result decrypt(Path file, String passphrase) throws IOException, InterruptedException {
    return run(
        "--verbose",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        passphrase,
        "--decrypt",
        file.toString());
  }

  private static Result ok(Result r) {
    if (r.exitCode() != 0 || r.stdout().length == 0) {
      throw new AssertionError("gpg failed: " + r.stderr());
    }
    return r;
  }
}
