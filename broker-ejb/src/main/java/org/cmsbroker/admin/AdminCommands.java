package org.cmsbroker.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.cmsbroker.account.Account;
import org.cmsbroker.account.AccountException;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.account.NewAccount;
import org.cmsbroker.backup.BackupException;
import org.cmsbroker.backup.BackupReceipt;
import org.cmsbroker.csp.CspAggregate;
import org.cmsbroker.webhook.StripeEventCount;
import org.cmsbroker.webhook.StripeEventReview;

/**
 * Maps an {@link AdminRequest} to calls on {@link AccountAdministration} (or, for {@code client.*},
 * through {@link ClientCommands} on {@link ClientAdministration}) and their outcome to an {@link
 * AdminResponse}. Refusals come back as error responses with the service's safe message; anything
 * unexpected propagates (the socket server answers it with a generic error). Thread-safe if the
 * administration is.
 *
 * <p>Commands: {@code user.add}, {@code user.list}, {@code user.disable}, {@code user.enable},
 * {@code user.unlock}, {@code user.set_password}; {@code client.add}, {@code client.list}, {@code
 * client.update}, {@code client.rotate_secret}, {@code client.rotate_callback_secret}, {@code
 * client.set_civicrm_credentials}, {@code client.remove}; {@code keys.list}, {@code keys.rotate};
 * {@code callbacks.list}, {@code callbacks.replay} (through {@link CallbackCommands}); {@code
 * csp.list}; {@code stripe.events}; {@code payments.review}; {@code audit.verify}, {@code
 * audit.list} (through {@link AuditCommands}); {@code backup.create}; {@code data_keys.rotate}.
 */
public final class AdminCommands {
  static final String USERNAME = "username";
  static final String PASSWORD = "password";

  private static final Set<String> ADD =
      Set.of(
          USERNAME,
          PASSWORD,
          "email",
          "name",
          "given_name",
          "family_name",
          "role",
          "email_verified");

  private final AccountAdministration accounts;
  private final ClientCommands clients;
  private final KeyAdministration keys;
  private final CallbackCommands callbacks;
  private final CspReportAdministration cspReports;
  private final StripeEventAdministration stripeEvents;
  private final PaymentReviewAdministration paymentReview;
  private final AuditCommands audit;
  private final BackupAdministration backups;
  private final DataKeyAdministration dataKeys;

  /** The most CSP aggregates {@code csp.list} shows. */
  static final int CSP_LIST_LIMIT = 50;

  public AdminCommands(AccountAdministration accounts, ClientAdministration clients) {
    this(accounts, clients, null);
  }

  public AdminCommands(
      AccountAdministration accounts, ClientAdministration clients, KeyAdministration keys) {
    this(accounts, clients, keys, null);
  }

  public AdminCommands(
      AccountAdministration accounts,
      ClientAdministration clients,
      KeyAdministration keys,
      CallbackAdministration callbacks) {
    this(
        accounts,
        new ClientCommands(Objects.requireNonNull(clients, "clients")),
        keys,
        callbacks == null ? null : new CallbackCommands(callbacks),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private AdminCommands(
      AccountAdministration accounts,
      ClientCommands clients,
      KeyAdministration keys,
      CallbackCommands callbacks,
      CspReportAdministration cspReports,
      StripeEventAdministration stripeEvents,
      PaymentReviewAdministration paymentReview,
      AuditCommands audit,
      BackupAdministration backups,
      DataKeyAdministration dataKeys) {
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.clients = clients;
    this.keys = keys;
    this.callbacks = callbacks;
    this.cspReports = cspReports;
    this.stripeEvents = stripeEvents;
    this.paymentReview = paymentReview;
    this.audit = audit;
    this.backups = backups;
    this.dataKeys = dataKeys;
  }

  /** These commands, plus {@code csp.list} answered from {@code reports}. */
  public AdminCommands withCspReports(CspReportAdministration reports) {
    return new AdminCommands(
        accounts,
        clients,
        keys,
        callbacks,
        Objects.requireNonNull(reports, "reports"),
        stripeEvents,
        paymentReview,
        audit,
        backups,
        dataKeys);
  }

  /** These commands, plus {@code stripe.events} answered from {@code events}. */
  public AdminCommands withStripeEvents(StripeEventAdministration events) {
    return new AdminCommands(
        accounts,
        clients,
        keys,
        callbacks,
        cspReports,
        Objects.requireNonNull(events, "events"),
        paymentReview,
        audit,
        backups,
        dataKeys);
  }

  /** These commands, plus {@code payments.review} answered from {@code review}. */
  public AdminCommands withPaymentReview(PaymentReviewAdministration review) {
    return new AdminCommands(
        accounts,
        clients,
        keys,
        callbacks,
        cspReports,
        stripeEvents,
        Objects.requireNonNull(review, "review"),
        audit,
        backups,
        dataKeys);
  }

  /** These commands, plus {@code audit.verify} and {@code audit.list} answered from {@code log}. */
  public AdminCommands withAudit(AuditAdministration log) {
    return new AdminCommands(
        accounts,
        clients,
        keys,
        callbacks,
        cspReports,
        stripeEvents,
        paymentReview,
        new AuditCommands(Objects.requireNonNull(log, "log")),
        backups,
        dataKeys);
  }

  /** These commands, plus {@code backup.create} carried out by {@code backups}. */
  public AdminCommands withBackups(BackupAdministration backups) {
    return new AdminCommands(
        accounts,
        clients,
        keys,
        callbacks,
        cspReports,
        stripeEvents,
        paymentReview,
        audit,
        Objects.requireNonNull(backups, "backups"),
        dataKeys);
  }

  /** These commands, plus {@code data_keys.rotate} answered by {@code keys}. */
  public AdminCommands withDataKeys(DataKeyAdministration keys) {
    return new AdminCommands(
        accounts,
        clients,
        this.keys,
        callbacks,
        cspReports,
        stripeEvents,
        paymentReview,
        audit,
        backups,
        Objects.requireNonNull(keys, "keys"));
  }

  private CallbackCommands callbacks() throws AdminProtocolException {
    if (callbacks == null) {
      throw new AdminProtocolException(
          AdminProtocolException.UNKNOWN_COMMAND, "callbacks are not managed here");
    }
    return callbacks;
  }

  /** Runs one request. */
  public AdminResponse execute(AdminRequest request) {
    try {
      return switch (request.command()) {
        case "user.add" -> add(request);
        case "user.list" -> list(request);
        case "user.disable" -> disable(request);
        case "user.enable" -> enable(request);
        case "user.unlock" -> unlock(request);
        case "user.set_password" -> setPassword(request);
        case "client.add",
                "client.list",
                "client.update",
                "client.rotate_secret",
                "client.rotate_callback_secret",
                "client.set_civicrm_credentials",
                "client.remove" ->
            clients.execute(request);
        case "callbacks.list", "callbacks.replay" -> callbacks().execute(request);
        case "keys.list" -> keysList();
        case "keys.rotate" -> keysRotate(request);
        case "csp.list" -> cspList(request);
        case "stripe.events" -> stripeEvents(request);
        case "payments.review" -> paymentsReview(request);
        case "backup.create" -> backupCreate(request);
        case "data_keys.rotate" -> dataKeysRotate(request);
        case "audit.verify", "audit.list", "audit.prune", "check.self" -> {
          if (audit == null) {
            throw new AdminProtocolException(
                AdminProtocolException.UNKNOWN_COMMAND, "the audit log is not kept here");
          }
          yield audit.execute(request);
        }
        default ->
            throw new AdminProtocolException(
                AdminProtocolException.UNKNOWN_COMMAND,
                "unknown command \"" + AdminProtocol.printable(request.command()) + "\"");
      };
    } catch (AdminProtocolException e) {
      return AdminResponse.error(e.code(), e.getMessage());
    } catch (AccountException e) {
      return AdminResponse.error(e.reason().code(), e.getMessage());
    }
  }

  private AdminResponse add(AdminRequest request) throws AdminProtocolException, AccountException {
    request.allowOnly(ADD);
    String[] split = NewAccount.splitName(request.single("name").orElse(null));
    NewAccount account =
        new NewAccount(
            request.required(USERNAME),
            request.required("email"),
            flag(request, "email_verified"),
            request.single("given_name").orElse(split[0]),
            request.single("family_name").orElse(split[1]),
            request.all("role"));
    char[] password = password(request);
    try {
      AccountView created = accounts.create(account, password);
      return AdminResponse.ok("created user " + created.username() + " (id " + created.id() + ")");
    } finally {
      AccountService.wipe(password);
    }
  }

  private AdminResponse list(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(Set.of());
    List<AccountView> all = accounts.list();
    return all.isEmpty() ? AdminResponse.ok("no accounts") : AdminResponse.ok(table(all));
  }

  private AdminResponse disable(AdminRequest request)
      throws AdminProtocolException, AccountException {
    request.allowOnly(Set.of(USERNAME));
    AccountAdministration.Changed changed = accounts.disable(request.required(USERNAME));
    return AdminResponse.ok(
        "disabled user " + changed.account().username() + "; " + sessions(changed));
  }

  private AdminResponse enable(AdminRequest request)
      throws AdminProtocolException, AccountException {
    request.allowOnly(Set.of(USERNAME));
    return AdminResponse.ok(
        "enabled user " + accounts.enable(request.required(USERNAME)).username());
  }

  private AdminResponse unlock(AdminRequest request)
      throws AdminProtocolException, AccountException {
    request.allowOnly(Set.of(USERNAME));
    return AdminResponse.ok(
        "unlocked user " + accounts.unlock(request.required(USERNAME)).username());
  }

  private AdminResponse setPassword(AdminRequest request)
      throws AdminProtocolException, AccountException {
    request.allowOnly(Set.of(USERNAME, PASSWORD));
    String username = request.required(USERNAME);
    char[] password = password(request);
    try {
      AccountAdministration.Changed changed = accounts.setPassword(username, password);
      return AdminResponse.ok(
          "password set for " + changed.account().username() + "; " + sessions(changed));
    } finally {
      AccountService.wipe(password);
    }
  }

  private static char[] password(AdminRequest request) throws AdminProtocolException {
    return request.required(PASSWORD).toCharArray();
  }

  static boolean flag(AdminRequest request, String name) throws AdminProtocolException {
    String value = request.single(name).orElse("false");
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new AdminProtocolException(
              AdminProtocolException.BAD_REQUEST, "\"" + name + "\" must be true or false");
    };
  }

  private static String sessions(AccountAdministration.Changed changed) {
    int n = changed.sessionsEnded();
    return n + (n == 1 ? " session" : " sessions") + " ended";
  }

  static final List<String> COLUMNS =
      List.of(
          "USERNAME", "ID", "EMAIL", "VERIFIED", "ROLES", "STATE", "LOCKED UNTIL", "LAST LOGIN");

  /** The accounts as a table with a header, columns padded to their widest cell. */
  static List<String> table(List<AccountView> accounts) {
    List<List<String>> rows = new ArrayList<>();
    for (AccountView a : accounts) {
      rows.add(
          List.of(
              AdminTable.cell(a.username()),
              a.id(),
              AdminTable.cell(a.email()),
              a.emailVerified() ? "yes" : "no",
              a.roles().isEmpty() ? "-" : AdminTable.cell(String.join(",", a.roles())),
              a.state() == Account.State.DISABLED ? "disabled" : "active",
              AdminTable.time(a.lockedUntil()),
              AdminTable.time(a.lastLoginAt())));
    }
    return AdminTable.render(COLUMNS, rows);
  }

  private AdminResponse keysList() throws AdminProtocolException {
    requireKeys();
    return AdminResponse.ok(
        AdminTable.render(
            List.of("KID", "ALG", "STATUS", "SIGNS FROM", "PUBLISHED UNTIL"), keys.list()));
  }

  private AdminResponse keysRotate(AdminRequest request) throws AdminProtocolException {
    requireKeys();
    List<String> algorithms = request.all("alg");
    if (algorithms.isEmpty()) {
      algorithms = List.of("ES256", "RS256");
    }
    List<String> out = new java.util.ArrayList<>();
    for (String alg : algorithms) {
      if (!List.of("ES256", "RS256").contains(alg)) {
        throw new AdminProtocolException(
            AdminProtocolException.BAD_REQUEST, "alg must be ES256 or RS256");
      }
      KeyAdministration.Rotated made = keys.rotate(alg);
      out.add(
          "new "
              + alg
              + " signing key "
              + made.keyId()
              + ", published now; it signs from "
              + AdminTable.timeFrom(made.signsFrom())
              + " ("
              + made.previousKeyId()
              + " signs until then)");
    }
    out.add(
        "Every instance publishes a new key at once and signs with it from that time; earlier"
            + " keys stay in the JWKS until the tokens they signed have expired.");
    return AdminResponse.ok(out);
  }

  static final List<String> CSP_COLUMNS =
      List.of(
          "LAST SEEN",
          "COUNT",
          "PAGE",
          "DIRECTIVE",
          "BLOCKED",
          "DISPOSITION",
          "FIRST SEEN",
          "USER AGENT");

  private AdminResponse cspList(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(Set.of());
    if (cspReports == null) {
      throw new AdminProtocolException(
          AdminProtocolException.UNKNOWN_COMMAND, "CSP reports are not kept here");
    }
    List<CspAggregate> recent = cspReports.recent(CSP_LIST_LIMIT);
    if (recent.isEmpty()) {
      return AdminResponse.ok("no CSP violation reports");
    }
    List<List<String>> rows = new ArrayList<>();
    for (CspAggregate a : recent) {
      rows.add(
          List.of(
              AdminTable.time(a.lastSeen()),
              Long.toString(a.count()),
              AdminTable.cell(a.pagePath()),
              AdminTable.cell(a.effectiveDirective()),
              AdminTable.cell(a.blockedOrigin()),
              AdminTable.cell(a.disposition()),
              AdminTable.time(a.firstSeen()),
              AdminTable.cell(a.sampleUserAgent())));
    }
    return AdminResponse.ok(AdminTable.render(CSP_COLUMNS, rows));
  }

  /** The window {@code stripe.events} counts over when no {@code since_hours} is sent. */
  static final int STRIPE_EVENTS_DEFAULT_HOURS = 24;

  /** The longest window {@code stripe.events} counts over: a year. */
  static final int STRIPE_EVENTS_MAX_HOURS = 8760;

  static final List<String> STRIPE_EVENT_COLUMNS =
      List.of("TYPE", "OUTCOME", "COUNT", "LAST RECEIVED");

  private AdminResponse stripeEvents(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(Set.of("since_hours"));
    if (stripeEvents == null) {
      throw new AdminProtocolException(
          AdminProtocolException.UNKNOWN_COMMAND, "Stripe events are not kept here");
    }
    int hours = sinceHours(request);
    String window = "in the last " + hours + (hours == 1 ? " hour" : " hours");
    List<StripeEventCount> counts = stripeEvents.counts(Duration.ofHours(hours));
    if (counts.isEmpty()) {
      return AdminResponse.ok("no Stripe events " + window);
    }
    List<List<String>> rows = new ArrayList<>();
    long total = 0;
    Instant newest = null;
    for (StripeEventCount c : counts) {
      rows.add(
          List.of(
              AdminTable.cell(c.type()),
              AdminTable.cell(c.outcome()),
              Long.toString(c.count()),
              AdminTable.time(c.newest())));
      total += c.count();
      if (newest == null || c.newest().isAfter(newest)) {
        newest = c.newest();
      }
    }
    List<String> out = new ArrayList<>(AdminTable.render(STRIPE_EVENT_COLUMNS, rows));
    out.add(
        total
            + (total == 1 ? " event " : " events ")
            + window
            + "; newest received "
            + AdminTable.time(newest));
    return AdminResponse.ok(out);
  }

  /** The most refused events {@code payments.review} lists. */
  static final int PAYMENTS_REVIEW_LIMIT = 100;

  static final List<String> PAYMENTS_REVIEW_COLUMNS =
      List.of("RECEIVED", "EVENT", "TYPE", "PAYMENT", "OUTCOME");

  private AdminResponse paymentsReview(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(Set.of("since_hours"));
    if (paymentReview == null) {
      throw new AdminProtocolException(
          AdminProtocolException.UNKNOWN_COMMAND, "Stripe events are not kept here");
    }
    int hours = sinceHours(request);
    String window = "in the last " + hours + (hours == 1 ? " hour" : " hours");
    List<StripeEventReview> refused =
        paymentReview.review(Duration.ofHours(hours), PAYMENTS_REVIEW_LIMIT);
    if (refused.isEmpty()) {
      return AdminResponse.ok("no Stripe events to review " + window);
    }
    List<List<String>> rows = new ArrayList<>();
    for (StripeEventReview r : refused) {
      rows.add(
          List.of(
              AdminTable.time(r.received()),
              AdminTable.cell(r.eventId()),
              AdminTable.cell(r.type()),
              AdminTable.cell(r.paymentId() == null ? "-" : r.paymentId()),
              AdminTable.cell(r.outcome())));
    }
    List<String> out = new ArrayList<>(AdminTable.render(PAYMENTS_REVIEW_COLUMNS, rows));
    out.add(
        refused.size()
            + (refused.size() == 1 ? " event " : " events ")
            + window
            + " changed nothing because they did not agree with the broker's payment"
            + (refused.size() == PAYMENTS_REVIEW_LIMIT
                ? " (newest " + PAYMENTS_REVIEW_LIMIT + ")"
                : ""));
    return AdminResponse.ok(out);
  }

  private static int sinceHours(AdminRequest request) throws AdminProtocolException {
    String value =
        request.single("since_hours").orElse(Integer.toString(STRIPE_EVENTS_DEFAULT_HOURS));
    int hours = value.matches("[0-9]{1,4}") ? Integer.parseInt(value) : 0;
    if (hours < 1 || hours > STRIPE_EVENTS_MAX_HOURS) {
      throw new AdminProtocolException(
          AdminProtocolException.BAD_REQUEST,
          "\"since_hours\" must be a whole number of hours from 1 to " + STRIPE_EVENTS_MAX_HOURS);
    }
    return hours;
  }

  /** The error code of a refused backup; the message says why. */
  static final String BACKUP_REFUSED = "backup_refused";

  /** The largest recipient key accepted, decoded. */
  static final int MAX_RECIPIENT_KEY_BYTES = 40 * 1024;

  private AdminResponse backupCreate(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(Set.of("out", "recipient_key"));
    if (backups == null) {
      throw new AdminProtocolException(
          AdminProtocolException.UNKNOWN_COMMAND, "backups are not made here");
    }
    String out = request.required("out");
    byte[] key;
    try {
      key = java.util.Base64.getDecoder().decode(request.required("recipient_key"));
    } catch (IllegalArgumentException e) {
      throw new AdminProtocolException(
          AdminProtocolException.BAD_REQUEST, "\"recipient_key\" must be base64");
    }
    if (key.length == 0 || key.length > MAX_RECIPIENT_KEY_BYTES) {
      throw new AdminProtocolException(
          AdminProtocolException.BAD_REQUEST,
          "the recipient key must be 1 to " + MAX_RECIPIENT_KEY_BYTES + " bytes");
    }
    java.nio.file.Path path;
    try {
      path = java.nio.file.Path.of(out);
    } catch (java.nio.file.InvalidPathException e) {
      throw new AdminProtocolException(
          AdminProtocolException.BAD_REQUEST, "\"out\" is not a file path");
    }
    BackupReceipt receipt;
    try {
      receipt = backups.create(key, path);
    } catch (BackupException e) {
      return AdminResponse.error(BACKUP_REFUSED, e.getMessage());
    }
    return AdminResponse.ok(
        List.of(
            "backup written to " + receipt.file(),
            "  snapshot of "
                + receipt.createdAt()
                + ", schema version "
                + receipt.schemaVersion()
                + ", "
                + receipt.tables()
                + " tables, "
                + receipt.rows()
                + " rows and the data directory's master key and audit checkpoint",
            "  encrypted to key "
                + receipt.recipientKeyId()
                + (receipt.recipientUserId().isEmpty()
                    ? ""
                    : " (" + AdminTable.cell(receipt.recipientUserId()) + ")")
                + ", fingerprint "
                + receipt.recipientFingerprint(),
            "Read it with: gpg --decrypt " + receipt.file(),
            "Restore it with: broker.jar restore --in " + receipt.file() + " --key KEY.asc"));
  }

  private void requireKeys() throws AdminProtocolException {
    if (keys == null) {
      throw new AdminProtocolException(
          AdminProtocolException.UNKNOWN_COMMAND, "signing keys are not managed here");
    }
  }

  private AdminResponse dataKeysRotate(AdminRequest request) throws AdminProtocolException {
    if (dataKeys == null) {
      throw new AdminProtocolException(
          AdminProtocolException.UNKNOWN_COMMAND, "data keys are not managed here");
    }
    request.allowOnly(Set.of());
    DataKeyAdministration.Rotation r = dataKeys.rotate();
    List<String> out = new java.util.ArrayList<>();
    out.add("new data key " + r.keyId() + ": every new value is encrypted under it");
    if (!r.finished()) {
      out.add(
          "Re-encryption of the stored values goes on in the background; the server log tells"
              + " when it is done.");
      return AdminResponse.ok(out);
    }
    out.add(
        r.rewritten()
            + " stored values re-encrypted under it; "
            + r.remaining()
            + " remain under older keys");
    if (!r.failed().isEmpty()) {
      return AdminResponse.error(
          "not_decryptable",
          String.join(" ", out)
              + "; these values do not decrypt and were left as they were: "
              + String.join(", ", r.failed()));
    }
    return AdminResponse.ok(out);
  }
}
