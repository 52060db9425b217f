package org.cmsbroker.session;

/**
 * A session just made: the cookie value goes to the browser once and is never stored.
 *
 * @param token the cookie value (256 random bits, base64url)
 * @param session the stored session
 */
public record NewSession(String token, ActiveSession session) {
  @Override
  public String toString() {
    return "NewSession[" + session + "]";
  }
}
