package org.cmsbroker.web.oidc;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.cmsbroker.token.SigningKeys;

/**
 * {@code /oauth2/jwks}: the public signing keys (current and those whose tokens may still be live).
 * Cached for {@link SigningKeys#JWKS_MAX_AGE} only, shorter than the time a new key is published
 * before it signs, so a relying party that honours the cache header knows a key before it meets a
 * token signed with it (one that caches longer on its own, as Nimbus's {@code RemoteJWKSet} does,
 * fetches the set again when it meets an unknown {@code kid}).
 */
@WebServlet(OidcEndpoints.JWKS)
public class JwksServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient SigningKeys keys;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    byte[] body = keys.publicJwks().toString(true).getBytes(StandardCharsets.UTF_8);
    response.setContentType("application/jwk-set+json");
    response.setHeader("Cache-Control", "public, max-age=" + SigningKeys.JWKS_MAX_AGE.toSeconds());
    response.setHeader("Access-Control-Allow-Origin", "*");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
