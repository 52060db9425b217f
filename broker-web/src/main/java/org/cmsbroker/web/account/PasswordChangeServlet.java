package org.cmsbroker.web.account;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cmsbroker.account.AccountException;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.account.PasswordPolicy;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.login.JweLoginDecryptor;
import org.cmsbroker.login.LoginComponents;
import org.cmsbroker.login.LoginRejectedException;
import org.cmsbroker.login.LoginThrottle;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.web.error.ErrorResponses;
import org.cmsbroker.web.http.ClientAddress;
import org.cmsbroker.web.login.EncryptedForms;
import org.cmsbroker.web.login.WebSessions;
import org.cmsbroker.web.page.Pages;

/**
 * {@code /account/password}: a signed-in person changes their password, giving the current one.
 * Both passwords travel encrypted; wrong current passwords count toward the login throttle; on
 * success every session of the account ends and this browser gets a new one.
 */
@WebServlet("/account/password")
public class PasswordChangeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  static final Set<String> MEMBERS =
      Set.of(
          JweLoginDecryptor.PASSWORD, JweLoginDecryptor.NEW_PASSWORD, JweLoginDecryptor.CHALLENGE);

  @Inject transient WebSessions webSessions;
  @Inject transient SessionService sessions;
  @Inject transient AccountService accounts;
  @Inject transient EncryptedForms forms;
  @Inject transient LoginComponents login;
  @Inject transient PasswordPolicy policy;
  @Inject transient BrokerConfig config;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Optional<ActiveSession> session = webSessions.current(request);
    Optional<AccountView> account = session.flatMap(s -> accounts.findById(s.accountId()));
    if (account.isEmpty()) {
      toLogin(response);
      return;
    }
    render(response, 200, account.get(), session.get(), null);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Optional<ActiveSession> session = webSessions.current(request);
    Optional<AccountView> account = session.flatMap(s -> accounts.findById(s.accountId()));
    if (account.isEmpty()) {
      toLogin(response);
      return;
    }
    if (!SessionService.csrfMatches(session.get(), request.getParameter("csrf"))) {
      ErrorResponses.write(request, response, HttpServletResponse.SC_FORBIDDEN);
      return;
    }
    String address = ClientAddress.of(request, config.trustedProxies());
    String throttleKey = AccountService.usernameKey(account.get().username());
    // The slot is reserved atomically with the check, before the current password is verified,
    // so parallel guesses are checked one after the other and cannot skip the growing delay.
    LoginThrottle.Attempt attempt = login.throttle().reserve(throttleKey, address);
    try {
      if (!attempt.decision().allowed()) {
        render(
            response,
            429,
            account.get(),
            session.get(),
            "Too many wrong passwords. Wait a little and try again.");
        return;
      }
      Map<String, String> fields;
      try {
        fields = forms.open(request, MEMBERS);
      } catch (LoginRejectedException e) {
        render(
            response,
            400,
            account.get(),
            session.get(),
            "Your change could not be processed: " + e.reason().message());
        return;
      }
      char[] current = fields.get(JweLoginDecryptor.PASSWORD).toCharArray();
      char[] replacement = fields.get(JweLoginDecryptor.NEW_PASSWORD).toCharArray();
      try {
        accounts.changePassword(account.get().id(), current, replacement);
      } catch (AccountException e) {
        if (e.reason() == AccountException.Reason.WRONG_PASSWORD) {
          attempt.failed();
        }
        render(response, 400, account.get(), session.get(), e.getMessage());
        return;
      } finally {
        AccountService.wipe(current);
        AccountService.wipe(replacement);
      }
      // The current password was proven: earlier failures no longer count against the account.
      attempt.succeeded();
    } finally {
      attempt.release(); // does nothing once the attempt is settled
    }
    sessions.endAll(account.get().id());
    webSessions.start(response, sessions.create(account.get().id(), address));
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", "/account?password_changed=1");
    response.setContentLength(0);
  }

  static String policyHint(PasswordPolicy policy) {
    return "At least "
        + policy.minLength()
        + " characters (up to "
        + policy.maxLength()
        + "); long passphrases are welcome; very common passwords are refused"
        + (policy.requiresLettersAndNumbers() ? "; use letters and numbers." : ".");
  }

  private void render(
      HttpServletResponse response,
      int status,
      AccountView account,
      ActiveSession session,
      String error)
      throws IOException {
    Map<String, String> values = new HashMap<>();
    values.put("username", account.username());
    values.put("alert", Pages.alert(error));
    values.put("csrf", session.csrfToken());
    values.put("policyHint", policyHint(policy));
    values.put("config", forms.prepare(response));
    Pages.write(
        getServletContext(), response, status, "Change your password", "password-change", values);
  }

  private static void toLogin(HttpServletResponse response) {
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", "/login?return_to=/account/password");
    response.setContentLength(0);
  }
}
