package org.cmsbroker.web.login;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.web.error.ErrorResponses;
import org.cmsbroker.web.http.ClientAddress;

/** {@code POST /logout}: ends the session on the server (CSRF token required). */
@WebServlet("/logout")
public class LogoutServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient WebSessions sessions;
  @Inject transient SecurityEvents events;
  @Inject transient BrokerConfig config;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Optional<ActiveSession> session = sessions.current(request);
    if (session.isPresent()) {
      if (!SessionService.csrfMatches(session.get(), request.getParameter("csrf"))) {
        ErrorResponses.write(request, response, HttpServletResponse.SC_FORBIDDEN);
        return;
      }
      events.record(
          "logout",
          Outcome.SUCCESS,
          session.get().accountId(),
          ClientAddress.of(request, config.trustedProxies()),
          null);
    }
    sessions.end(request, response);
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", "/login?signed_out=1");
    response.setContentLength(0);
  }
}
