package org.cmsbroker.oidc;

import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.token.SigningAlgorithm;
import org.cmsbroker.token.SigningKeys;

/**
 * OpenID Connect Back-Channel Logout 1.0: when a login session ends, every client that received
 * tokens in it and registered a back-channel logout URI gets a signed logout token by POST, in the
 * background. Failures are recorded, never retried forever (the client's tokens die with the
 * session anyway: introspection says inactive and refresh fails).
 */
@Stateless
public class BackChannelLogout {
  private static final Logger LOG = Logger.getLogger(BackChannelLogout.class.getName());
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  @Inject RefreshTokens refreshTokens;
  @Inject ClientService clients;
  @Inject SigningKeys keys;
  @Inject SecurityEvents events;

  /** Notifies the session's clients that it ended. */
  @Asynchronous
  public void sessionEnded(String sessionIdHash, String accountId) {
    List<String> clientIds = refreshTokens.clientsOf(sessionIdHash);
    for (String clientId : clientIds) {
      Optional<RegisteredClient> client = clients.find(clientId);
      if (client.isEmpty() || client.get().backchannelLogoutUri() == null) {
        continue;
      }
      URI target = client.get().backchannelLogoutUri();
      String token =
          keys.issuer()
              .issueLogoutToken(
                  accountId,
                  clientId,
                  sessionIdHash,
                  SigningAlgorithm.named(client.get().idTokenSignedResponseAlg())
                      .orElse(SigningAlgorithm.ES256))
              .value();
      try {
        HttpResponse<Void> answer =
            HTTP.send(
                HttpRequest.newBuilder(target)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "logout_token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII)))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        boolean ok = answer.statusCode() == 200 || answer.statusCode() == 204;
        events.record(
            "oidc.backchannel_logout",
            ok ? Outcome.SUCCESS : Outcome.FAILURE,
            accountId,
            null,
            "client=" + clientId + " status=" + answer.statusCode());
      } catch (java.io.IOException e) {
        events.record(
            "oidc.backchannel_logout",
            Outcome.FAILURE,
            accountId,
            null,
            "client=" + clientId + " unreachable");
        LOG.warning(
            "Back-channel logout to client "
                + clientId
                + " failed: "
                + e.getClass().getSimpleName());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
