package org.cmsbroker.admin;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.cmsbroker.account.Account;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.oidc.ActiveAccessTokens;
import org.cmsbroker.outbound.OutboundPolicy;
import org.cmsbroker.token.VerifiedAccessToken;

/**
 * Who may use an admin page over HTTPS: a request from an address inside {@code
 * BROKER_ADMIN_ALLOWED_CIDRS} (when set), with an active access token of an active account that has
 * the {@code admin} role (looked up now, so taking the role away takes effect at once). Every
 * decision, granted or refused, is a security event in the audit log with the action, the account
 * and client when known, and the source address; never the token.
 *
 * <p>The admin commands of {@code broker.jar admin} do not pass here: they reach the broker through
 * its local socket, which only the operating-system account that runs the broker can open.
 */
@Stateless
public class AdminHttpAccess {
  /** The role an account needs for the admin pages. */
  public static final String ADMIN_ROLE = "admin";

  @Inject BrokerConfig config;
  @Inject ActiveAccessTokens tokens;
  @Inject AccountService accounts;
  @Inject SecurityEvents events;

  /** The decision on one admin request. */
  public sealed interface Decision {
    /** The request may go ahead on behalf of {@code accountId}. */
    record Granted(String accountId, String clientId) implements Decision {}

    /**
     * Refused with an HTTP status and an OAuth-style error ({@code error}, {@code description}).
     * {@code challenge} is true when the answer must carry a {@code WWW-Authenticate: Bearer}.
     */
    record Refused(int status, String error, String description, boolean challenge)
        implements Decision {}
  }

  /**
   * Decides whether {@code bearerToken} from {@code address} may perform {@code action} (a short
   * name such as {@code self_check}), and records the decision.
   *
   * @param bearerToken the access token from the {@code Authorization} header, or empty
   * @param address the client address as the throttles see it (trusted proxies applied)
   */
  public Decision authorize(String action, Optional<String> bearerToken, String address) {
    Objects.requireNonNull(action, "action");
    String type = "admin.http." + (action.matches("[a-z_]{1,40}") ? action : "unknown");
    if (!addressAllowed(config.adminAllowedRanges(), address)) {
      events.record(type, Outcome.REFUSED, null, address, "source address not allowed");
      return new Decision.Refused(
          403,
          "access_denied",
          "Admin pages cannot be used from this address (BROKER_ADMIN_ALLOWED_CIDRS).",
          false);
    }
    if (bearerToken.isEmpty()) {
      return new Decision.Refused(
          401, "invalid_request", "An admin's access token is required (Bearer).", true);
    }
    Optional<VerifiedAccessToken> token = tokens.active(bearerToken.get());
    if (token.isEmpty()) {
      events.record(type, Outcome.REFUSED, null, address, "access token not active");
      return new Decision.Refused(
          401,
          "invalid_token",
          "The access token is not active (expired, revoked or not ours).",
          true);
    }
    VerifiedAccessToken t = token.get();
    Optional<AccountView> account = accounts.findById(t.subject());
    if (account.isEmpty()
        || account.get().state() != Account.State.ACTIVE
        || !account.get().roles().contains(ADMIN_ROLE)) {
      events.record(
          type,
          Outcome.REFUSED,
          account.map(AccountView::id).orElse(null),
          t.clientId(),
          address,
          "not an active account with the admin role");
      return new Decision.Refused(
          403, "access_denied", "The token's account does not have the admin role.", false);
    }
    events.record(type, Outcome.SUCCESS, account.get().id(), t.clientId(), address, null);
    return new Decision.Granted(account.get().id(), t.clientId());
  }

  /** Whether {@code address} lies in one of {@code ranges}; any address when there are none. */
  static boolean addressAllowed(List<OutboundPolicy.Cidr> ranges, String address) {
    if (ranges.isEmpty()) {
      return true;
    }
    if (address == null || !address.matches("[0-9A-Fa-f:.]{2,45}")) {
      return false;
    }
    InetAddress parsed;
    try {
      parsed = InetAddress.getByName(address); // a literal: no lookup
    } catch (UnknownHostException e) {
      return false;
    }
    return ranges.stream().anyMatch(r -> r.contains(parsed));
  }
}
