package org.cmsbroker.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.cmsbroker.account.NewAccount;
import org.cmsbroker.persistence.TestDatabase;
import org.cmsbroker.session.NewSession;
import org.cmsbroker.testing.Core;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Refresh-token rotation on H2 and PostgreSQL, each use in its own transaction. */
class RefreshTokenRaceTest {

  private static NewSession login(Core core) {
    return core.call(
        s -> {
          try {
            var account =
                s.accounts.create(
                    new NewAccount("ada", "ada@example.org", true, "Ada", "Lovelace", List.of()),
                    "correct horse battery staple".toCharArray());
            return s.sessions.create(account.id(), "192.0.2.1");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static String[] issue(Core core, NewSession session) {
    RefreshGrant grant =
        new RefreshGrant(
            "site",
            session.session().accountId(),
            session.session().idHash(),
            "openid offline_access",
            OffsetDateTime.now(ZoneOffset.UTC));
    return core.call(s -> s.refreshTokens.issue(grant, session.session().expiresAt()));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void twoSimultaneousUsesOfOneRefreshTokenHaveExactlyOneWinner(TestDatabase.Kind kind)
      throws Exception {
    try (Core core = new Core(kind)) {
      NewSession session = login(core);
      String token = issue(core, session)[0];

      List<Object> results =
          Core.concurrently(2, () -> core.call(s -> s.refreshTokens.rotate(token, "site")));

      long rotated =
          results.stream().filter(r -> r instanceof RefreshTokens.Rotation.Rotated).count();
      long reused =
          results.stream().filter(r -> r instanceof RefreshTokens.Rotation.Reused).count();
      assertEquals(1, rotated, "results: " + results);
      assertEquals(1, reused, "results: " + results);
      assertEquals(1, core.events.count("refresh_token.reused"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aSpentTokenUsedAgainRevokesItsFamily(TestDatabase.Kind kind) throws Exception {
    try (Core core = new Core(kind)) {
      NewSession session = login(core);
      String token = issue(core, session)[0];
      var first = core.call(s -> s.refreshTokens.rotate(token, "site"));
      String next = assertInstanceOf(RefreshTokens.Rotation.Rotated.class, first).token();

      assertInstanceOf(
          RefreshTokens.Rotation.Reused.class,
          core.call(s -> s.refreshTokens.rotate(token, "site")));
      assertInstanceOf(
          RefreshTokens.Rotation.Invalid.class,
          core.call(s -> s.refreshTokens.rotate(next, "site")));
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aRefreshDoesNotKeepTheBrowserSessionAlive(TestDatabase.Kind kind) throws Exception {
    try (Core core = new Core(kind)) {
      NewSession session = login(core);
      String token = issue(core, session)[0];
      OffsetDateTime earlier = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(20);
      try (Connection c = core.database.dataSource().getConnection();
          var update =
              c.prepareStatement("UPDATE login_session SET last_seen_at = ? WHERE id_hash = ?")) {
        update.setObject(1, earlier);
        update.setString(2, session.session().idHash());
        assertEquals(1, update.executeUpdate());
      }

      assertInstanceOf(
          RefreshTokens.Rotation.Rotated.class,
          core.call(s -> s.refreshTokens.rotate(token, "site")));

      try (Connection c = core.database.dataSource().getConnection();
          var query =
              c.prepareStatement("SELECT last_seen_at FROM login_session WHERE id_hash = ?")) {
        query.setString(1, session.session().idHash());
        try (ResultSet rs = query.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(
              earlier.toInstant().getEpochSecond(),
              rs.getObject(1, OffsetDateTime.class).toInstant().getEpochSecond());
        }
      }
    }
  }
}
