package org.cmsbroker.oidc;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.ClientType;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.config.BrokerConfig;

/** Hand-made fakes for the protocol services' unit tests. */
final class OidcFakes {
  static final URI ISSUER = URI.create("https://broker.example");

  private OidcFakes() {}

  /** A clock that tests move by hand. */
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-11-22T12:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** Registered clients in a map. */
  static final class Clients extends ClientService {
    final Map<String, RegisteredClient> clients = new HashMap<>();
    final Map<String, String> secrets = new HashMap<>();

    Clients add(RegisteredClient client, String secret) {
      clients.put(client.clientId(), client);
      if (secret != null) {
        secrets.put(client.clientId(), secret);
      }
      return this;
    }

    @Override
    public Optional<RegisteredClient> find(String clientId) {
      return Optional.ofNullable(clients.get(clientId));
    }

    @Override
    public Optional<RegisteredClient> authenticate(String clientId, String secret) {
      return find(clientId)
          .filter(RegisteredClient::enabled)
          .filter(c -> !c.isPublic())
          .filter(c -> secret != null && secret.equals(secrets.get(clientId)));
    }
  }

  /** Security events in a list. */
  static final class Events extends SecurityEvents {
    final List<String> types = new ArrayList<>();

    @Override
    public void record(
        String type, Outcome outcome, String subjectId, String remoteIp, String detail) {
      types.add(type);
    }

    @Override
    public void record(
        String type,
        Outcome outcome,
        String subjectId,
        String clientId,
        String remoteIp,
        String detail) {
      types.add(type);
    }
  }

  /** Authorization codes in memory, without the EJB timer. */
  static final class Codes extends OidcComponents {
    final AuthorizationCodes codes;

    Codes(Clock clock) {
      codes = new AuthorizationCodes(new SecureRandom(), clock);
    }

    @Override
    public AuthorizationCodes codes() {
      return codes;
    }
  }

  static BrokerConfig config() {
    return new BrokerConfig(Path.of("/nonexistent"), ISSUER, 1 << 20, null);
  }

  static RegisteredClient client(
      String id, ClientType type, List<URI> redirects, List<URI> postLogout, String... grants) {
    return new RegisteredClient(
        id,
        "Site " + id,
        type,
        redirects,
        postLogout,
        Set.of(),
        Set.of(grants),
        "ES256",
        null,
        "roles",
        true,
        Instant.EPOCH,
        Instant.EPOCH,
        null,
        null);
  }
}
