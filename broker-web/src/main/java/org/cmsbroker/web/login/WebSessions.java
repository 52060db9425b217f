package org.cmsbroker.web.login;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.NewSession;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.web.http.Cookies;

/** The browser side of sessions: the {@code __Host-broker_session} cookie. */
@ApplicationScoped
public class WebSessions {
  @Inject SessionService sessions;

  /** The live session of this request's cookie, if any. */
  public Optional<ActiveSession> current(HttpServletRequest request) {
    return sessions.resolve(Cookies.get(request, SessionService.COOKIE));
  }

  /** Sends the new session's cookie (replacing any earlier session id). */
  public void start(HttpServletResponse response, NewSession session) {
    Cookies.set(response, SessionService.COOKIE, session.token(), "Lax");
  }

  /** Ends this request's session on the server and clears the cookie. */
  public void end(HttpServletRequest request, HttpServletResponse response) {
    sessions.end(Cookies.get(request, SessionService.COOKIE));
    Cookies.clear(response, SessionService.COOKIE);
  }
}
