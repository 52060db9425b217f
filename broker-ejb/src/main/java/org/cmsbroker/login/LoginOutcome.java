package org.cmsbroker.login;

import java.time.Instant;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.session.NewSession;

/** What a login attempt came to. Each refusal carries only what may be shown to the person. */
public sealed interface LoginOutcome {

  /** Logged in: a new session was made. */
  record Success(AccountView account, NewSession session) implements LoginOutcome {}

  /** The submission itself was bad (malformed, replayed, unknown key, ...): nothing was checked. */
  record Rejected(LoginRejectedException.Reason reason) implements LoginOutcome {}

  /** Unknown username or wrong password: the same answer for both. */
  record InvalidCredentials() implements LoginOutcome {}

  /** Too many failures (or an administrator's lock): try again after {@code until}. */
  record Locked(Instant until, boolean accountLimitReached) implements LoginOutcome {}

  /** The password was right but the account is disabled. */
  record Disabled() implements LoginOutcome {}

  /** A plaintext password was posted and the operator has not allowed that. */
  record PlaintextRefused() implements LoginOutcome {}
}
