package org.cmsbroker.admin;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.List;
import org.cmsbroker.account.AccountException;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.account.NewAccount;
import org.cmsbroker.login.LoginComponents;
import org.cmsbroker.session.SessionService;

/** {@link AccountAdministration} through the account, session and login services. */
@Stateless
public class DefaultAccountAdministration implements AccountAdministration {
  @Inject AccountService accounts;
  @Inject SessionService sessions;
  @Inject LoginComponents login;

  @Override
  public AccountView create(NewAccount account, char[] password) throws AccountException {
    return accounts.create(account, password);
  }

  @Override
  public List<AccountView> list() {
    return accounts.list();
  }

  @Override
  public Changed disable(String username) throws AccountException {
    AccountView account = accounts.setDisabled(username, true);
    return new Changed(account, sessions.endAll(account.id()));
  }

  @Override
  public AccountView enable(String username) throws AccountException {
    return accounts.setDisabled(username, false);
  }

  @Override
  public AccountView unlock(String username) throws AccountException {
    AccountView account = accounts.setLockedUntil(username, null);
    login.throttle().forgetAccount(AccountService.usernameKey(account.username()));
    return account;
  }

  @Override
  public Changed setPassword(String username, char[] password) throws AccountException {
    AccountView account = accounts.setPassword(username, password);
    return new Changed(account, sessions.endAll(account.id()));
  }
}
