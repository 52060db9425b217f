package org.cmsbroker.oidc;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.cmsbroker.crypto.SecretTokens;
import org.cmsbroker.grid.Grid;
import org.cmsbroker.grid.GridCodec;
import org.cmsbroker.grid.GridMap;

/**
 * Authorization codes: 256 random bits, 60 seconds, single use. Only a hash is kept. A code
 * presented a second time is refused and reported, so the caller can revoke what its first use
 * issued (RFC 6749 4.1.2). In this JVM's memory for one instance, in the data grid for several (a
 * code issued on one instance is redeemed once on any). Thread-safe.
 */
public final class AuthorizationCodes {
  public static final Duration LIFETIME = Duration.ofSeconds(60);

  /** How a redemption went. */
  public sealed interface Redemption {
    /** First and valid use. */
    record Redeemed(AuthorizationCode code) implements Redemption {}

    /** Unknown or expired. */
    record Invalid() implements Redemption {}

    /** Used before: names what the first use issued (any may be null), to revoke. */
    record Replayed(
        AuthorizationCode code, String issuedFamily, String issuedAccessToken, Instant accessExpiry)
        implements Redemption {}
  }

  /** What is kept per code hash: the grant, whether it was used, and what its first use issued. */
  record Entry(
      AuthorizationCode code,
      boolean used,
      String issuedFamily,
      String issuedAccessToken,
      Instant accessExpiry) {}

  /** How long an entry is kept: the code's lifetime and a margin to recognise a late replay. */
  static final Duration KEPT = LIFETIME.plus(Duration.ofMinutes(10));

  /**
   * Where entries live, by code hash: this JVM's memory or the data grid. {@link #update} is atomic
   * per hash (its function may run more than once and must have no other effect).
   */
  interface Entries {
    void put(String hash, Entry entry);

    Optional<Entry> get(String hash);

    void update(String hash, Function<Optional<Entry>, Optional<Entry>> change);

    void purgeUntil(Instant cutoff);
  }

  private final Entries codes;
  private final SecureRandom random;
  private final Clock clock;

  /** Codes in this JVM's memory (one instance). */
  public AuthorizationCodes(SecureRandom random, Clock clock) {
    this(random, clock, new InMemoryEntries());
  }

  /** Codes in the data grid, redeemable once on any instance. */
  public AuthorizationCodes(SecureRandom random, Clock clock, Grid grid) {
    this(random, clock, new GridEntries(grid));
  }

  private AuthorizationCodes(SecureRandom random, Clock clock, Entries codes) {
    this.random = random;
    this.clock = clock;
    this.codes = codes;
  }

  /** Stores a new code for {@code grant}; returns the code to send to the client. */
  public String issue(AuthorizationCode grant) {
    String code = SecretTokens.generate(random);
    codes.put(hash(code), new Entry(grant, false, null, null, null));
    return code;
  }

  /** Redeems a code atomically (across the grid, when the codes live there). */
  public Redemption redeem(String code) {
    if (code == null || code.length() != 43) {
      return new Redemption.Invalid();
    }
    Instant now = clock.instant();
    Redemption[] result = new Redemption[1];
    codes.update(
        hash(code),
        found -> {
          if (found.isEmpty()) {
            result[0] = new Redemption.Invalid();
            return Optional.empty();
          }
          Entry entry = found.get();
          if (entry.used()) {
            result[0] =
                new Redemption.Replayed(
                    entry.code(),
                    entry.issuedFamily(),
                    entry.issuedAccessToken(),
                    entry.accessExpiry());
            return found;
          }
          if (!entry.code().expiresAt().isAfter(now)) {
            result[0] = new Redemption.Invalid();
            return Optional.empty();
          }
          result[0] = new Redemption.Redeemed(entry.code());
          return Optional.of(new Entry(entry.code(), true, null, null, null));
        });
    return result[0];
  }

  /** Notes which refresh-token family the first use of {@code code} issued. */
  public void recordIssued(String code, String family) {
    recordIssued(code, family, null, null);
  }

  /**
   * Notes what the first use of {@code code} issued: a refresh-token family (or null) and an access
   * token's id and expiry (or null), so a replay can revoke them.
   */
  public void recordIssued(String code, String family, String accessTokenId, Instant accessExpiry) {
    codes.update(
        hash(code),
        found -> found.map(e -> new Entry(e.code(), true, family, accessTokenId, accessExpiry)));
  }

  /** Forgets codes whose lifetime (and a replay-detection margin) has passed. */
  public void purgeExpired() {
    codes.purgeUntil(clock.instant().minus(Duration.ofMinutes(10)));
  }

  /** Looks a code up without using it (for tests). */
  Optional<AuthorizationCode> peek(String code) {
    return codes.get(hash(code)).map(Entry::code);
  }

  static String hash(String value) {
    return SecretTokens.hash(value);
  }

  private static final class InMemoryEntries implements Entries {
    private final Map<String, Entry> map = new ConcurrentHashMap<>();

    @Override
    public void put(String hash, Entry entry) {
      map.put(hash, entry);
    }

    @Override
    public Optional<Entry> get(String hash) {
      return Optional.ofNullable(map.get(hash));
    }

    @Override
    public void update(String hash, Function<Optional<Entry>, Optional<Entry>> change) {
      map.compute(hash, (k, old) -> change.apply(Optional.ofNullable(old)).orElse(null));
    }

    @Override
    public void purgeUntil(Instant cutoff) {
      map.values().removeIf(e -> e.code().expiresAt().isBefore(cutoff));
    }
  }

  /** Entries in the data grid; each lives {@link #KEPT} from its latest write. */
  private static final class GridEntries implements Entries {
    private static final GridCodec<Entry> CODEC =
        new GridCodec<>() {
          @Override
          public void write(Entry e, DataOutputStream out) throws IOException {
            AuthorizationCode c = e.code();
            GridCodec.writeString(out, c.clientId());
            GridCodec.writeString(out, c.redirectUri());
            GridCodec.writeString(out, c.codeChallenge());
            GridCodec.writeString(out, c.nonce());
            GridCodec.writeString(out, c.scope());
            GridCodec.writeString(out, c.accountId());
            GridCodec.writeString(out, c.sessionIdHash());
            GridCodec.writeInstant(out, c.authTime());
            GridCodec.writeInstant(out, c.expiresAt());
            out.writeBoolean(e.used());
            GridCodec.writeString(out, e.issuedFamily());
            GridCodec.writeString(out, e.issuedAccessToken());
            GridCodec.writeInstant(out, e.accessExpiry());
          }

          @Override
          public Entry read(DataInputStream in) throws IOException {
            AuthorizationCode code =
                new AuthorizationCode(
                    GridCodec.readString(in),
                    GridCodec.readString(in),
                    GridCodec.readString(in),
                    GridCodec.readString(in),
                    GridCodec.readString(in),
                    GridCodec.readString(in),
                    GridCodec.readString(in),
                    GridCodec.readInstant(in),
                    GridCodec.readInstant(in));
            if (code.clientId() == null || code.expiresAt() == null) {
              throw new IOException("Incomplete authorization code");
            }
            return new Entry(
                code,
                in.readBoolean(),
                GridCodec.readString(in),
                GridCodec.readString(in),
                GridCodec.readInstant(in));
          }
        };

    private final GridMap<Entry> map;

    GridEntries(Grid grid) {
      this.map = grid.map("authorization-codes", CODEC);
    }

    @Override
    public void put(String hash, Entry entry) {
      map.put(hash, entry, KEPT);
    }

    @Override
    public Optional<Entry> get(String hash) {
      return map.get(hash);
    }

    @Override
    public void update(String hash, Function<Optional<Entry>, Optional<Entry>> change) {
      map.update(hash, change, KEPT);
    }

    @Override
    public void purgeUntil(Instant cutoff) {
      // Entries expire by themselves.
    }
  }
}
