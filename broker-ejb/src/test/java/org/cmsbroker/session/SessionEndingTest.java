package org.cmsbroker.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.cmsbroker.account.AccountException;
import org.cmsbroker.account.NewAccount;
import org.cmsbroker.login.LoginOutcome;
import org.cmsbroker.oidc.RefreshGrant;
import org.cmsbroker.oidc.RefreshTokens;
import org.cmsbroker.persistence.TestDatabase;
import org.cmsbroker.testing.Core;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How sessions end: replaced by a new login, or all at once for an account. H2 and PostgreSQL. */
class SessionEndingTest {
  private static final String PASSWORD = "correct horse battery staple";

  private static String account(Core core, String username) {
    return core.call(
        s -> {
          try {
            return s.accounts
                .create(
                    new NewAccount(username, username + "@example.org", true, "A", "B", List.of()),
                    PASSWORD.toCharArray())
                .id();
          } catch (AccountException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static NewSession login(Core core, String username, String previousCookie) {
    LoginOutcome outcome =
        core.call(
            s ->
                s.logins.loginPlaintext(
                    username, PASSWORD.toCharArray(), "192.0.2.1", previousCookie));
    return assertInstanceOf(LoginOutcome.Success.class, outcome).session();
  }

  /** A refresh token of {@code session} for client "site", which the session handed tokens to. */
  private static String refreshToken(Core core, NewSession session) {
    return core.call(
        s -> {
          s.refreshTokens.linkSessionClient(session.session().idHash(), "site");
          return s.refreshTokens
              .issue(
                  new RefreshGrant(
                      "site",
                      session.session().accountId(),
                      session.session().idHash(),
                      "openid",
                      OffsetDateTime.now(ZoneOffset.UTC)),
                  session.session().expiresAt())[0];
        });
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aNewLoginInABrowserEndsItsOlderSession(TestDatabase.Kind kind) {
    try (Core core = new Core(kind)) {
      account(core, "ada");
      NewSession older = login(core, "ada", null);
      String refresh = refreshToken(core, older);

      NewSession newer = login(core, "ada", older.token());

      assertTrue(core.call(s -> s.sessions.resolve(older.token())).isEmpty());
      assertTrue(core.call(s -> s.sessions.resolve(newer.token())).isPresent());
      assertInstanceOf(
          RefreshTokens.Rotation.Invalid.class,
          core.call(s -> s.refreshTokens.rotate(refresh, "site")));
      assertEquals(
          List.of(older.session().idHash() + " " + older.session().accountId()),
          core.backChannel.ended);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void signingOutAndRpInitiatedLogoutEachRevokeTokensAndSendBackChannelLogoutOnce(
      TestDatabase.Kind kind) {
    try (Core core = new Core(kind)) {
      String ada = account(core, "ada");
      NewSession own = login(core, "ada", null);
      NewSession rp = login(core, "ada", null);
      String ownRefresh = refreshToken(core, own);
      String rpRefresh = refreshToken(core, rp);

      for (int i = 0; i < 2; i++) { // ending an ended session again announces nothing
        core.call(
            s -> {
              s.sessions.end(own.token());
              return null;
            });
        core.call(
            s -> {
              s.sessions.endByHash(rp.session().idHash());
              return null;
            });
      }

      boolean ownActive = core.call(s -> s.refreshTokens.isActive(ownRefresh, "site"));
      assertFalse(ownActive);
      boolean rpActive = core.call(s -> s.refreshTokens.isActive(rpRefresh, "site"));
      assertFalse(rpActive);
      assertEquals(
          List.of(own.session().idHash() + " " + ada, rp.session().idHash() + " " + ada),
          core.backChannel.ended);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aLoginWithoutAnOlderSessionEndsNothing(TestDatabase.Kind kind) {
    try (Core core = new Core(kind)) {
      account(core, "ada");
      NewSession first = login(core, "ada", null);
      login(core, "ada", "not-a-session-cookie");

      assertTrue(core.call(s -> s.sessions.resolve(first.token())).isPresent());
      assertTrue(core.backChannel.ended.isEmpty());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void endingAllOfAnAccountsSessionsRevokesTheirTokensAndSendsBackChannelLogout(
      TestDatabase.Kind kind) {
    try (Core core = new Core(kind)) {
      String ada = account(core, "ada");
      account(core, "bob");
      NewSession laptop = login(core, "ada", null);
      NewSession phone = login(core, "ada", null);
      NewSession bobs = login(core, "bob", null);
      String refresh = refreshToken(core, phone);

      // What a password change, a reset and an administrator's disable each call.
      int ended = core.call(s -> s.sessions.endAll(ada));
      assertEquals(2, ended);

      assertTrue(core.call(s -> s.sessions.resolve(laptop.token())).isEmpty());
      assertTrue(core.call(s -> s.sessions.resolve(phone.token())).isEmpty());
      assertTrue(core.call(s -> s.sessions.resolve(bobs.token())).isPresent());
      boolean active = core.call(s -> s.refreshTokens.isActive(refresh, "site"));
      assertFalse(active);
      assertEquals(2, core.backChannel.ended.size());
      assertTrue(core.backChannel.ended.contains(phone.session().idHash() + " " + ada));
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void fourConcurrentLoginsOfOneAccountAllSucceed(TestDatabase.Kind kind) throws Exception {
    try (Core core = new Core(kind)) {
      account(core, "ada");

      List<Object> results =
          Core.concurrently(
              4,
              () ->
                  core.call(
                      s -> s.logins.loginPlaintext("ada", PASSWORD.toCharArray(), "192.0.2.1")));

      for (Object r : results) {
        assertInstanceOf(LoginOutcome.Success.class, r, "results: " + results);
      }
    }
  }
}
