package org.cmsbroker.it.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Makes accounts in a running broker the way an operator does: {@code broker.jar admin user add}.
 */
public final class SeedAccounts {
  private SeedAccounts() {}

  /** Adds an account (password on standard input); fails the test when the broker refuses. */
  public static void add(
      Path workDir, Map<String, String> env, String username, String email, String password)
      throws Exception {
    BrokerProcess.Completed run =
        BrokerProcess.run(
            workDir,
            env,
            password + "\n",
            Duration.ofSeconds(60),
            "admin",
            "user",
            "add",
            "--username",
            username,
            "--email",
            email,
            "--name",
            "Test Person",
            "--email-verified");
    if (run.exitCode() != 0) {
      throw new AssertionError("admin user add " + username + " failed: " + run.stderr());
    }
  }
}
