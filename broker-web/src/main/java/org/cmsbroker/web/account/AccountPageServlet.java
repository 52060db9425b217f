package org.cmsbroker.web.account;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.web.login.WebSessions;
import org.cmsbroker.web.page.Pages;

/** {@code /account}: the small signed-in page, with sign-out and a link to change the password. */
@WebServlet("/account")
public class AccountPageServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient WebSessions sessions;
  @Inject transient AccountService accounts;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Optional<ActiveSession> session = sessions.current(request);
    Optional<AccountView> account = session.flatMap(s -> accounts.findById(s.accountId()));
    if (account.isEmpty()) {
      response.setStatus(HttpServletResponse.SC_SEE_OTHER);
      response.setHeader("Location", "/login?return_to=/account");
      response.setContentLength(0);
      return;
    }
    AccountView a = account.get();
    Pages.write(
        getServletContext(),
        response,
        200,
        "Signed in",
        "account",
        Map.of(
            "notice",
            Pages.notice(
                request.getParameter("password_changed") != null
                    ? "Your password was changed."
                    : null),
            "displayName",
            a.displayName(),
            "username",
            a.username(),
            "email",
            a.email(),
            "csrf",
            session.get().csrfToken()));
  }
}
