package org.cmsbroker.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.cmsbroker.persistence.TestDatabase;
import org.cmsbroker.testing.Core;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Concurrent password verifications of one account, on H2 and PostgreSQL. */
class ConcurrentLoginTest {
  private static final String PASSWORD = "correct horse battery staple";

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void fourConcurrentLoginsOfOneAccountAllSucceed(TestDatabase.Kind kind) throws Exception {
    try (Core core = new Core(kind)) {
      String id =
          core.call(
              s -> {
                try {
                  return s.accounts
                      .create(
                          new NewAccount("ada", "ada@example.org", true, "Ada", null, List.of()),
                          PASSWORD.toCharArray())
                      .id();
                } catch (AccountException e) {
                  throw new IllegalStateException(e);
                }
              });

      List<Object> results =
          Core.concurrently(
              4,
              () ->
                  core.call(
                      s -> {
                        Optional<AccountView> v =
                            s.accounts.verifyPassword("ada", PASSWORD.toCharArray());
                        s.sessions.create(v.orElseThrow().id(), "192.0.2.1");
                        return v.get();
                      }));

      for (Object r : results) {
        assertTrue(r instanceof AccountView, "results: " + results);
      }
      AccountView after = core.call(s -> s.accounts.findById(id)).orElseThrow();
      assertNotNull(after.lastLoginAt());
      long sessions =
          core.call(
              s ->
                  s.em
                      .createQuery(
                          "SELECT COUNT(x) FROM LoginSession x WHERE x.accountId = :a", Long.class)
                      .setParameter("a", id)
                      .getSingleResult());
      assertEquals(4, sessions);
    }
  }
}
