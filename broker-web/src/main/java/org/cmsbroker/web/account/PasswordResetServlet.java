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
import org.cmsbroker.account.PasswordResetService;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.login.JweLoginDecryptor;
import org.cmsbroker.login.LoginRejectedException;
import org.cmsbroker.web.http.ClientAddress;
import org.cmsbroker.web.login.EncryptedForms;
import org.cmsbroker.web.page.Pages;

/**
 * {@code /password/reset?token=...}: the page a reset link opens. The new password travels
 * encrypted; the link is used up on success and every session of the account ends.
 */
@WebServlet("/password/reset")
public class PasswordResetServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  static final Set<String> MEMBERS =
      Set.of(JweLoginDecryptor.NEW_PASSWORD, JweLoginDecryptor.CHALLENGE);

  @Inject transient PasswordResetService resets;
  @Inject transient EncryptedForms forms;
  @Inject transient PasswordPolicy policy;
  @Inject transient BrokerConfig config;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String token = request.getParameter("token");
    Optional<AccountView> account = resets.check(token);
    if (account.isEmpty()) {
      invalidLink(response);
      return;
    }
    render(response, 200, token, account.get(), null);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String token = request.getParameter("token");
    Optional<AccountView> account = resets.check(token);
    if (account.isEmpty()) {
      invalidLink(response);
      return;
    }
    Map<String, String> fields;
    try {
      fields = forms.open(request, MEMBERS);
    } catch (LoginRejectedException e) {
      render(
          response,
          400,
          token,
          account.get(),
          "Your new password could not be processed: " + e.reason().message());
      return;
    }
    char[] replacement = fields.get(JweLoginDecryptor.NEW_PASSWORD).toCharArray();
    try {
      if (!resets.complete(
          token, replacement, ClientAddress.of(request, config.trustedProxies()))) {
        invalidLink(response);
        return;
      }
    } catch (AccountException e) {
      render(response, 400, token, account.get(), e.getMessage());
      return;
    } finally {
      AccountService.wipe(replacement);
    }
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", "/login?password_reset=1");
    response.setContentLength(0);
  }

  private void render(
      HttpServletResponse response, int status, String token, AccountView account, String error)
      throws IOException {
    Map<String, String> values = new HashMap<>();
    values.put("username", account.username());
    values.put("token", token);
    values.put("alert", Pages.alert(error));
    values.put("policyHint", PasswordChangeServlet.policyHint(policy));
    values.put("config", forms.prepare(response));
    Pages.write(
        getServletContext(), response, status, "Choose a new password", "password-reset", values);
  }

  private void invalidLink(HttpServletResponse response) throws IOException {
    Pages.write(
        getServletContext(),
        response,
        400,
        "Link not valid",
        "message",
        Map.of(
            "heading", "This link does not work",
            "alert", "",
            "text", "The link is unknown, was already used, or is more than 30 minutes old.",
            "linkHref", "/password/forgot",
            "linkText", "Ask for a new link"));
  }
}
