package org.cmsbroker.bench;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.cmsbroker.crypto.Argon2idParameters;
import org.cmsbroker.crypto.Argon2idPasswordHasher;
import org.cmsbroker.crypto.PasswordHasher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The limit of the login figure: one Argon2id verification of a stored hash, with the hasher the
 * broker makes for its accounts (its default parameters, the ones new hashes get), run by JMH at
 * the thread counts of the login figure ({@code -t 1, 2, 4, 16}). A login cannot be faster than
 * this on the same cores; the rest of a login (page, RSA-OAEP decryption, session) comes on top.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Argon2idBenchmark {

  /**
   * Hashes whose memory is kept for the next ones; -1 (the default) is the broker's own hasher (one
   * per core). {@code -p workspaces=0} measures Bouncy Castle allocating every hash's memory anew.
   */
  @Param({"-1"})
  public int workspaces;

  private PasswordHasher hasher;
  private final char[] password = "bench-passphrase-7Qx".toCharArray();
  private String stored;

  @Setup
  public void hashOnce() {
    hasher =
        workspaces < 0
            ? new Argon2idPasswordHasher()
            : new Argon2idPasswordHasher(
                Argon2idParameters.OWASP_DEFAULT, new SecureRandom(), workspaces);
    stored = hasher.hash(password);
    // The PHC string names the parameters, e.g. $argon2id$v=19$m=19456,t=2,p=1$...: shown so the
    // results file says what was measured.
    System.out.println(
        "argon2id parameters: "
            + stored.substring(0, stored.lastIndexOf('$', stored.lastIndexOf('$') - 1)));
  }

  /** One verification of the right password, as a successful login does. */
  @Benchmark
  public boolean verify() {
    return hasher.verify(password, stored);
  }
}
