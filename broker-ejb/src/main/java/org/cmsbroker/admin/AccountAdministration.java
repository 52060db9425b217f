package org.cmsbroker.admin;

import java.util.List;
import org.cmsbroker.account.AccountException;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.account.NewAccount;

/**
 * What the admin commands may do to accounts. Each operation is one transaction and records its
 * security events. Implementations never keep a password array they are given; the caller wipes it.
 */
public interface AccountAdministration {

  /** Creates an account; the password must satisfy the policy. */
  AccountView create(NewAccount account, char[] password) throws AccountException;

  /** All accounts, by username. */
  List<AccountView> list();

  /** Disables an account and ends its sessions. */
  Changed disable(String username) throws AccountException;

  /** Enables a disabled account. */
  AccountView enable(String username) throws AccountException;

  /** Clears an administrator's lock and the login throttle's history of the account. */
  AccountView unlock(String username) throws AccountException;

  /** Sets a new password (the policy applies) and ends the account's sessions. */
  Changed setPassword(String username, char[] password) throws AccountException;

  /**
   * An account after a change that ended its sessions.
   *
   * @param account the account as it is now
   * @param sessionsEnded how many live sessions were ended
   */
  record Changed(AccountView account, int sessionsEnded) {}
}
