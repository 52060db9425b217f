package org.cmsbroker.web.login;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Set;
import org.cmsbroker.login.Challenge;
import org.cmsbroker.login.LoginComponents;
import org.cmsbroker.login.LoginRejectedException;
import org.cmsbroker.web.http.Cookies;
import org.cmsbroker.web.page.Html;

/**
 * Pages whose secret fields the browser encrypts (sign-in, password change, password reset): each
 * rendering gets the current login key and a fresh single-use challenge, bound to this browser by a
 * {@code __Host-} cookie ({@code SameSite=Strict}); each post is opened with the decryptor and the
 * binding checked before the challenge is consumed.
 */
@ApplicationScoped
public class EncryptedForms {
  /** Binds a page's challenge to the browser it was issued to. */
  public static final String BINDING_COOKIE = "__Host-broker_login";

  @Inject LoginComponents login;

  /** Issues a challenge, sets the binding cookie, and returns the page's config JSON. */
  public String prepare(HttpServletResponse response) {
    Challenge challenge = login.challenges().issue();
    Cookies.set(response, BINDING_COOKIE, login.bindingFor(challenge.value()), "Strict");
    return Html.scriptJson(
        "{\"key\":"
            + login.keyRing().currentPublicJwk().toJSONString()
            + ",\"challenge\":\""
            + challenge.value()
            + "\"}");
  }

  /** Decrypts the {@code credentials} parameter, which must hold exactly {@code members}. */
  public Map<String, String> open(HttpServletRequest request, Set<String> members)
      throws LoginRejectedException {
    String binding = Cookies.get(request, BINDING_COOKIE);
    return login
        .decryptor()
        .decryptForm(
            request.getParameter("credentials"),
            members,
            challenge -> login.isBound(challenge, binding));
  }

  /** The binding cookie's value on this request, for the login service. */
  public static String binding(HttpServletRequest request) {
    return Cookies.get(request, BINDING_COOKIE);
  }
}
