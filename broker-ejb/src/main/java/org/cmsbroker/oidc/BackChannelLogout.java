package org.cmsbroker.oidc;

import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.callback.BoundedHttpClient;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.outbound.RefusedTargetException;
import org.cmsbroker.token.SigningAlgorithm;
import org.cmsbroker.token.SigningKeys;

/**
 * OpenID Connect Back-Channel Logout 1.0: when a login session ends, every client that received
 * tokens in it and registered a back-channel logout URI gets a signed logout token by POST, in the
 * background, only to addresses the outbound policy allows (checked at connection time, see {@link
 * org.cmsbroker.outbound}). Failures are recorded, never retried forever (the client's tokens die
 * with the session anyway: introspection says inactive and refresh fails).
 */
@Stateless
public class BackChannelLogout {
  private static final Logger LOG = Logger.getLogger(BackChannelLogout.class.getName());
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_BODY = 4 * 1024;

  @Inject RefreshTokens refreshTokens;
  @Inject ClientService clients;
  @Inject SigningKeys keys;
  @Inject SecurityEvents events;
  @Inject BrokerConfig config;

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
        int status =
            new BoundedHttpClient(
                    CONNECT_TIMEOUT, REQUEST_TIMEOUT, MAX_BODY, config.outboundPolicy())
                .post(
                    target,
                    Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    "logout_token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII),
                    REQUEST_TIMEOUT)
                .status();
        boolean ok = status == 200 || status == 204;
        events.record(
            "oidc.backchannel_logout",
            ok ? Outcome.SUCCESS : Outcome.FAILURE,
            accountId,
            null,
            "client=" + clientId + " status=" + status);
      } catch (RefusedTargetException e) {
        events.record(
            "oidc.backchannel_logout",
            Outcome.REFUSED,
            accountId,
            null,
            "client=" + clientId + " target refused: " + e.getMessage());
        LOG.warning("Back-channel logout to client " + clientId + " refused: " + e.getMessage());
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
      }
    }
  }
}
