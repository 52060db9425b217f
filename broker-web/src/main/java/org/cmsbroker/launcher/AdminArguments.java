package org.cmsbroker.launcher;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cmsbroker.audit.AuditQuery;

/**
 * The arguments of {@code broker.jar admin ...}, checked and turned into a request. Immutable.
 *
 * @param help whether only the usage was asked for
 * @param command the wire command, for example {@code user.add} or {@code client.add}; null for
 *     help
 * @param fields the request's parameters in order (wire names), no password
 * @param needsPassword whether the command sends a password read from standard input
 * @param needsCiviCrmKeys whether the command sends a CiviCRM API key and optional site key read
 *     from standard input
 */
record AdminArguments(
    boolean help,
    String command,
    List<Map.Entry<String, String>> fields,
    boolean needsPassword,
    boolean needsCiviCrmKeys) {

  AdminArguments(
      boolean help, String command, List<Map.Entry<String, String>> fields, boolean needsPassword) {
    this(help, command, fields, needsPassword, false);
  }

  /** A wrong command line: the message says what, in one line. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  private static final String USERNAME = "--username";
  private static final String EMAIL = "--email";
  private static final String ROLE = "--role";
  private static final String EMAIL_VERIFIED = "--email-verified";
  private static final Set<String> ADD_OPTIONS =
      Set.of(USERNAME, EMAIL, "--name", "--given-name", "--family-name", ROLE, EMAIL_VERIFIED);

  private static final String CLIENT_ID = "--client-id";
  private static final String CLIENT_NAME = "--name";
  private static final String PUBLIC = "--public";
  private static final String ENABLE = "--enable";
  private static final String DISABLE = "--disable";
  private static final Set<String> CLIENT_LISTS =
      Set.of("--redirect-uri", "--post-logout-redirect-uri", "--web-origin", "--grant-type");
  private static final Set<String> CLIENT_SETTINGS =
      union(
          CLIENT_LISTS,
          Set.of(CLIENT_NAME, "--id-token-alg", "--backchannel-logout-uri", "--roles-claim"));
  private static final Set<String> CLIENT_ADD_OPTIONS =
      union(CLIENT_SETTINGS, Set.of(CLIENT_ID, PUBLIC));
  private static final String CALLBACK_URL = "--callback-url";
  private static final String CALLBACK_FORMAT = "--callback-format";
  private static final Set<String> CALLBACK_FORMATS = Set.of("standard-webhooks", "civicrm");
  private static final String CIVICRM_TIMEZONE = "--civicrm-timezone";
  private static final Set<String> CLIENT_UPDATE_OPTIONS =
      union(
          CLIENT_SETTINGS,
          Set.of(CLIENT_ID, ENABLE, DISABLE, CALLBACK_URL, CALLBACK_FORMAT, CIVICRM_TIMEZONE));

  private static final String CLIENT = "--client";
  private static final String STATUS = "--status";
  private static final String LIMIT = "--limit";
  private static final String SINCE = "--since";
  private static final String UNTIL = "--until";
  private static final int MAX_SINCE_HOURS = 8760;
  private static final Set<String> STATUSES = Set.of("pending", "delivering", "delivered", "dead");

  /** Options that take no value; each stands for this wire parameter and value. */
  private static final Map<String, Map.Entry<String, String>> FLAGS =
      Map.of(
          EMAIL_VERIFIED, Map.entry("email_verified", "true"),
          PUBLIC, Map.entry("public", "true"),
          ENABLE, Map.entry("enabled", "true"),
          DISABLE, Map.entry("enabled", "false"));

  /** Options that may be given more than once. */
  private static final Set<String> REPEATABLE = union(CLIENT_LISTS, Set.of(ROLE));

  AdminArguments {
    fields = List.copyOf(fields);
  }

  /** Parses the arguments after {@code admin}. */
  static AdminArguments parse(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("admin needs a command");
    }
    String first = args.get(0);
    if (args.size() == 1 && Set.of("help", "--help", "-h").contains(first)) {
      return new AdminArguments(true, null, List.of(), false);
    }
    if (first.equals("client")) {
      return client(args.subList(1, args.size()));
    }
    if (first.equals("keys")) {
      return keys(args.subList(1, args.size()));
    }
    if (first.equals("callbacks")) {
      return callbacks(args.subList(1, args.size()));
    }
    if (first.equals("csp")) {
      return csp(args.subList(1, args.size()));
    }
    if (first.equals("stripe-events")) {
      return stripeEvents(args.subList(1, args.size()));
    }
    if (first.equals("payments")) {
      return payments(args.subList(1, args.size()));
    }
    if (first.equals("audit")) {
      return audit(args.subList(1, args.size()));
    }
    if (first.equals("rotate-data-key")) {
      options("rotate-data-key", "", args.subList(1, args.size()), Set.of());
      return new AdminArguments(false, "data_keys.rotate", List.of(), false);
    }
    if (first.equals("self-check")) {
      List<String> rest = args.subList(1, args.size());
      List<String> withoutJson = rest.stream().filter(a -> !a.equals(JSON)).toList();
      options("self-check", "", withoutJson, Set.of());
      return new AdminArguments(
          false,
          "check.self",
          withoutJson.size() == rest.size()
              ? List.of()
              : List.of(new SimpleImmutableEntry<>("format", "json")),
          false);
    }
    if (!first.equals("user")) {
      throw new UsageException("unknown admin command \"" + SettingsLoader.printable(first) + "\"");
    }
    if (args.size() < 2) {
      throw new UsageException("admin user needs a subcommand");
    }
    String sub = args.get(1);
    List<String> options = args.subList(2, args.size());
    return switch (sub) {
      case "add" -> add(options);
      case "list" -> {
        options("user", sub, options, Set.of());
        yield new AdminArguments(false, "user.list", List.of(), false);
      }
      case "disable", "enable", "unlock" -> byUsername("user." + sub, sub, options, false);
      case "set-password" -> byUsername("user.set_password", sub, options, true);
      default ->
          throw new UsageException(
              "unknown subcommand \"user " + SettingsLoader.printable(sub) + "\"");
    };
  }

  private static AdminArguments client(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("admin client needs a subcommand");
    }
    String sub = args.get(0);
    List<String> options = args.subList(1, args.size());
    return switch (sub) {
      case "add" -> {
        List<Map.Entry<String, String>> given = options("client", sub, options, CLIENT_ADD_OPTIONS);
        require("client", sub, given, CLIENT_NAME);
        yield new AdminArguments(false, "client.add", wire(given), false);
      }
      case "list" -> {
        options("client", sub, options, Set.of());
        yield new AdminArguments(false, "client.list", List.of(), false);
      }
      case "update" -> {
        List<Map.Entry<String, String>> given =
            options("client", sub, options, CLIENT_UPDATE_OPTIONS);
        require("client", sub, given, CLIENT_ID);
        if (given.size() == 1) {
          throw new UsageException("client update needs something to change");
        }
        if (given.stream().anyMatch(o -> o.getKey().equals(ENABLE))
            && given.stream().anyMatch(o -> o.getKey().equals(DISABLE))) {
          throw new UsageException("--enable and --disable exclude each other");
        }
        for (Map.Entry<String, String> option : given) {
          if (option.getKey().equals(CALLBACK_FORMAT)
              && !CALLBACK_FORMATS.contains(option.getValue())) {
            throw new UsageException("--callback-format must be standard-webhooks or civicrm");
          }
        }
        yield new AdminArguments(false, "client.update", wire(given), false);
      }
      case "rotate-secret" -> byClientId("client.rotate_secret", sub, options);
      case "rotate-callback-secret" -> byClientId("client.rotate_callback_secret", sub, options);
      case "set-civicrm-credentials" -> {
        AdminArguments byId = byClientId("client.set_civicrm_credentials", sub, options);
        yield new AdminArguments(false, byId.command(), byId.fields(), false, true);
      }
      case "remove" -> byClientId("client.remove", sub, options);
      default ->
          throw new UsageException(
              "unknown subcommand \"client " + SettingsLoader.printable(sub) + "\"");
    };
  }

  /** {@code keys list}, {@code keys rotate [--alg ES256|RS256]} (both when none given). */
  private static AdminArguments keys(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("admin keys needs a subcommand");
    }
    String sub = args.get(0);
    List<String> options = args.subList(1, args.size());
    return switch (sub) {
      case "list" -> {
        options("keys", sub, options, Set.of());
        yield new AdminArguments(false, "keys.list", List.of(), false);
      }
      case "rotate" -> {
        List<Map.Entry<String, String>> given = options("keys", sub, options, Set.of("--alg"));
        for (Map.Entry<String, String> option : given) {
          if (!Set.of("ES256", "RS256").contains(option.getValue())) {
            throw new UsageException("--alg must be ES256 or RS256");
          }
        }
        yield new AdminArguments(false, "keys.rotate", wire(given), false);
      }
      default ->
          throw new UsageException(
              "unknown subcommand \"keys " + SettingsLoader.printable(sub) + "\"");
    };
  }

  /**
   * {@code callbacks list [--client ID] [--status S] [--limit N]}, {@code callbacks replay ID},
   * {@code callbacks replay --client ID --status dead}.
   */
  private static AdminArguments callbacks(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("admin callbacks needs a subcommand");
    }
    String sub = args.get(0);
    List<String> options = args.subList(1, args.size());
    return switch (sub) {
      case "list" -> {
        List<Map.Entry<String, String>> given =
            options("callbacks", sub, options, Set.of(CLIENT, STATUS, LIMIT));
        for (Map.Entry<String, String> option : given) {
          if (option.getKey().equals(STATUS)) {
            status(option.getValue());
          }
          if (option.getKey().equals(LIMIT) && !option.getValue().matches("[0-9]{1,4}")) {
            throw new UsageException("--limit must be a whole number from 1 to 1000");
          }
        }
        yield new AdminArguments(false, "callbacks.list", callbackWire(given), false);
      }
      case "replay" -> {
        if (!options.isEmpty() && !options.get(0).startsWith("-")) {
          if (options.size() > 1) {
            throw new UsageException(
                "callbacks replay takes a message id, or --client ID --status dead, not both");
          }
          yield new AdminArguments(
              false,
              "callbacks.replay",
              List.of(new SimpleImmutableEntry<>("id", options.get(0))),
              false);
        }
        List<Map.Entry<String, String>> given =
            options("callbacks", sub, options, Set.of(CLIENT, STATUS));
        if (given.isEmpty()) {
          throw new UsageException(
              "callbacks replay needs a message id, or --client ID --status dead");
        }
        require("callbacks", sub, given, CLIENT);
        require("callbacks", sub, given, STATUS);
        for (Map.Entry<String, String> option : given) {
          if (option.getKey().equals(STATUS) && !status(option.getValue()).equals("dead")) {
            throw new UsageException(
                "callbacks replay --client replays dead messages: --status dead");
          }
        }
        yield new AdminArguments(false, "callbacks.replay", callbackWire(given), false);
      }
      default ->
          throw new UsageException(
              "unknown subcommand \"callbacks " + SettingsLoader.printable(sub) + "\"");
    };
  }

  private static String status(String value) throws UsageException {
    if (!STATUSES.contains(value)) {
      throw new UsageException("--status must be pending, delivering, delivered or dead");
    }
    return value;
  }

  /** {@code --client} is the wire's {@code client_id}; the others map by name. */
  private static List<Map.Entry<String, String>> callbackWire(
      List<Map.Entry<String, String>> given) {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (Map.Entry<String, String> option : given) {
      String name = option.getKey().equals(CLIENT) ? "client_id" : option.getKey().substring(2);
      fields.add(new SimpleImmutableEntry<>(name, option.getValue()));
    }
    return fields;
  }

  /** {@code csp list}: the CSP violation aggregates seen most recently. */
  private static AdminArguments csp(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("admin csp needs a subcommand");
    }
    String sub = args.get(0);
    if (!sub.equals("list")) {
      throw new UsageException("unknown subcommand \"csp " + SettingsLoader.printable(sub) + "\"");
    }
    options("csp", sub, args.subList(1, args.size()), Set.of());
    return new AdminArguments(false, "csp.list", List.of(), false);
  }

  /** {@code stripe-events [--since HOURS]}: Stripe events counted by type and outcome. */
  private static AdminArguments stripeEvents(List<String> args) throws UsageException {
    List<Map.Entry<String, String>> given = options("stripe-events", "", args, Set.of(SINCE));
    return new AdminArguments(false, "stripe.events", sinceHours(given), false);
  }

  /**
   * {@code payments review [--since HOURS]}: the Stripe events that changed nothing because they
   * did not agree with the broker's payment.
   */
  private static AdminArguments payments(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("admin payments needs a subcommand");
    }
    String sub = args.get(0);
    if (!sub.equals("review")) {
      throw new UsageException(
          "unknown payments command \"" + SettingsLoader.printable(sub) + "\"");
    }
    List<Map.Entry<String, String>> given =
        options("payments", sub, args.subList(1, args.size()), Set.of(SINCE));
    return new AdminArguments(false, "payments.review", sinceHours(given), false);
  }

  private static final String JSON = "--json";

  /**
   * {@code audit verify [--json]} and {@code audit list [--since WHEN] [--until WHEN] [--account
   * ID] [--client ID] [--type TYPE] [--limit N] [--json]}, WHEN being hours ago or an ISO-8601
   * instant, read by {@link AuditQuery#time} (in broker.jar: see src/assembly/launcher.xml).
   */
  private static AdminArguments audit(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("admin audit needs a subcommand (verify or list)");
    }
    String sub = args.get(0);
    List<String> rest = args.subList(1, args.size());
    List<String> withoutJson = rest.stream().filter(a -> !a.equals(JSON)).toList();
    boolean json = withoutJson.size() != rest.size();
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    switch (sub) {
      case "verify" -> options("audit", sub, withoutJson, Set.of());
      case "prune" -> {
        if (json) {
          throw new UsageException("audit prune has no --json");
        }
        List<Map.Entry<String, String>> given =
            options("audit", sub, withoutJson, Set.of("--older-than"));
        require("audit", sub, given, "--older-than");
        String days = given.get(0).getValue();
        if (!days.matches("[0-9]{1,5}") || Integer.parseInt(days) > 36_500) {
          throw new UsageException("--older-than must be a whole number of days from 0 to 36500");
        }
        fields.add(new SimpleImmutableEntry<>("older_than_days", days));
      }
      case "list" -> {
        Instant now = Instant.now();
        OffsetDateTime since = now.minus(Duration.ofHours(24)).atOffset(ZoneOffset.UTC);
        OffsetDateTime until = null;
        for (Map.Entry<String, String> o :
            options(
                "audit",
                sub,
                withoutJson,
                Set.of(SINCE, UNTIL, "--account", "--client", "--type", LIMIT))) {
          try {
            if (o.getKey().equals(SINCE)) {
              since = AuditQuery.time(SINCE, o.getValue(), now);
            } else if (o.getKey().equals(UNTIL)) {
              until = AuditQuery.time(UNTIL, o.getValue(), now);
            }
          } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
          }
          if (o.getKey().equals(LIMIT) && !o.getValue().matches("[1-9][0-9]{0,8}")) {
            throw new UsageException(o.getKey() + " must be a whole number");
          }
          // The broker reads the bound again itself (AuditQuery.time), against its own clock.
          fields.add(new SimpleImmutableEntry<>(o.getKey().substring(2), o.getValue()));
        }
        if (until != null && !until.isAfter(since)) {
          throw new UsageException(
              UNTIL + " must be later than " + SINCE + " (by default 24 hours ago)");
        }
      }
      default ->
          throw new UsageException(
              "unknown audit command \"" + SettingsLoader.printable(sub) + "\"");
    }
    if (json) {
      fields.add(new SimpleImmutableEntry<>("format", "json"));
    }
    return new AdminArguments(false, "audit." + sub, fields, false);
  }

  private static List<Map.Entry<String, String>> sinceHours(List<Map.Entry<String, String>> given)
      throws UsageException {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (Map.Entry<String, String> option : given) {
      String hours = option.getValue();
      if (!hours.matches("[0-9]{1,4}")
          || Integer.parseInt(hours) < 1
          || Integer.parseInt(hours) > MAX_SINCE_HOURS) {
        throw new UsageException(
            "--since must be a whole number of hours from 1 to " + MAX_SINCE_HOURS);
      }
      fields.add(new SimpleImmutableEntry<>("since_hours", hours));
    }
    return fields;
  }

  private static AdminArguments byClientId(String command, String sub, List<String> options)
      throws UsageException {
    List<Map.Entry<String, String>> given = options("client", sub, options, Set.of(CLIENT_ID));
    require("client", sub, given, CLIENT_ID);
    return new AdminArguments(false, command, wire(given), false);
  }

  /** Options as wire parameters: {@code --redirect-uri} is {@code redirect_uri}; flags map. */
  private static List<Map.Entry<String, String>> wire(List<Map.Entry<String, String>> given) {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (Map.Entry<String, String> option : given) {
      Map.Entry<String, String> flag = FLAGS.get(option.getKey());
      fields.add(
          flag != null
              ? new SimpleImmutableEntry<>(flag.getKey(), flag.getValue())
              : new SimpleImmutableEntry<>(
                  option.getKey().substring(2).replace('-', '_'), option.getValue()));
    }
    return fields;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  private static AdminArguments add(List<String> options) throws UsageException {
    List<Map.Entry<String, String>> given = options("user", "add", options, ADD_OPTIONS);
    require("user", "add", given, USERNAME);
    require("user", "add", given, EMAIL);
    return new AdminArguments(false, "user.add", wire(given), true);
  }

  private static AdminArguments byUsername(
      String command, String sub, List<String> options, boolean needsPassword)
      throws UsageException {
    List<Map.Entry<String, String>> given = options("user", sub, options, Set.of(USERNAME));
    require("user", sub, given, USERNAME);
    return new AdminArguments(
        false,
        command,
        List.of(new SimpleImmutableEntry<>("username", given.get(0).getValue())),
        needsPassword);
  }

  /**
   * {@code --name value}, {@code --name=value} and flags, in order; each option at most once except
   * the {@link #REPEATABLE} ones. A value may be empty ({@code --web-origin ""}).
   */
  private static List<Map.Entry<String, String>> options(
      String group, String sub, List<String> args, Set<String> allowed) throws UsageException {
    List<Map.Entry<String, String>> options = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      if (!name.startsWith("--") || !allowed.contains(name)) {
        throw new UsageException(
            (name.startsWith("-") ? "unknown option \"" : "unexpected argument \"")
                + SettingsLoader.printable(name)
                + "\" for "
                + (group + " " + sub).strip());
      }
      String value;
      if (FLAGS.containsKey(name)) {
        if (equals >= 0) {
          throw new UsageException(name + " takes no value");
        }
        value = "true";
      } else if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        value = args.get(++i);
      } else {
        throw new UsageException(name + " needs a value");
      }
      if (!REPEATABLE.contains(name) && options.stream().anyMatch(o -> o.getKey().equals(name))) {
        throw new UsageException(name + " is given more than once");
      }
      options.add(new SimpleImmutableEntry<>(name, value));
    }
    return options;
  }

  private static void require(
      String group, String sub, List<Map.Entry<String, String>> given, String name)
      throws UsageException {
    if (given.stream().noneMatch(o -> o.getKey().equals(name))) {
      throw new UsageException(group + " " + sub + " needs " + name);
    }
  }

  static String usage() {
    return """
        Usage: java -jar broker.jar admin user <command> [options]
               java -jar broker.jar admin client <command> [options]
               java -jar broker.jar admin callbacks <command> [options]
               java -jar broker.jar admin stripe-events [--since HOURS]
               java -jar broker.jar admin payments review [--since HOURS]
               java -jar broker.jar admin audit verify|list [options] [--json]
               java -jar broker.jar admin self-check [--json]
               java -jar broker.jar admin rotate-data-key

          user add --username U --email E [--name "Given Family"] [--given-name G]
                   [--family-name F] [--role R]... [--email-verified]
                                           create an account (password from standard input)
          user list                        the accounts: username, id, email, verified, roles,
                                           state, locked until, last login
          user disable --username U        refuse the account's logins and end its sessions
          user enable --username U         allow a disabled account again
          user unlock --username U         clear an administrator's lock and the login throttle
          user set-password --username U   set a new password (from standard input) and end
                                           the account's sessions

          client add --name "Site" [--client-id ID] [--public] --redirect-uri URI
                     [--redirect-uri URI]... [--post-logout-redirect-uri URI]...
                     [--web-origin ORIGIN]... [--grant-type T]... [--id-token-alg ES256|RS256]
                     [--backchannel-logout-uri URI] [--roles-claim NAME]
                                           register an OpenID Connect client (a CMS site);
                                           prints its id and, unless --public, its secret once
          client list                      the clients and their settings (never a secret)
          client update --client-id ID [the options of add, except --client-id and --public]
                        [--enable | --disable] [--callback-url URL|""]
                        [--callback-format standard-webhooks|civicrm]
                        [--civicrm-timezone ZONE]
                                           change a client; a list option given replaces the
                                           whole list, and given once as "" empties it;
                                           --callback-url "" stops its callbacks;
                                           --civicrm-timezone (e.g. Europe/Berlin, default
                                           UTC) is the CiviCRM site's time zone for dates
          client rotate-callback-secret --client-id ID
                                           a new whsec_ secret that signs the client's
                                           callbacks (standard-webhooks), printed once
          client set-civicrm-credentials --client-id ID
                                           store the CiviCRM API key (first line of standard
                                           input) and optional site key (second line) the
                                           broker records payments with (civicrm); never shown
          client rotate-secret --client-id ID
                                           a new secret, printed once; the old one stops working
          client remove --client-id ID     remove a client
          keys list                        the token signing keys (kid, algorithm, status)
          keys rotate [--alg ES256|RS256]  a new signing key now (both algorithms when no
                                           --alg); old keys stay published until their tokens
                                           have expired
          callbacks list [--client ID] [--status pending|delivering|delivered|dead]
                         [--limit N]       callbacks to the CRMs, newest first (default 50):
                                           state, attempts, last answer; never payloads
          callbacks replay MESSAGE-ID      send a dead or delivered callback again, with the
                                           same webhook-id
          callbacks replay --client ID --status dead
                                           send every dead callback of a client again
          csp list                         CSP violation reports of the broker's pages, counted
                                           by page, directive and blocked origin (latest 50)
          stripe-events [--since HOURS]    the Stripe events of the last HOURS (default 24, at
                                           most 8760) counted by type and outcome, most
                                           frequent first (ignore_unknown_type: a type the
                                           endpoint need not send); never payloads
          payments review [--since HOURS]  the Stripe events of the last HOURS (default 24)
                                           that changed nothing because they did not agree
                                           with the broker's payment (a Checkout Session it
                                           did not create, another amount or currency, a
                                           PaymentIntent of another payment, unparseable),
                                           newest first (at most 100); never payloads
          audit verify [--json]            recompute the audit log's hash chain and compare it
                                           with the signed checkpoint in <data dir>/audit; names
                                           the first changed, removed or moved row (exit 1)
          audit list [--since WHEN] [--until WHEN] [--account ID] [--client ID]
                     [--type TYPE] [--limit N]
                                           audit events, newest first (default: since 24 hours
                                           ago, 100 rows); WHEN is a number of hours ago or an
                                           ISO-8601 instant (2026-12-05T08:00:00Z); --account
                                           takes an account id, a payment id or admin-socket;
                                           --json for machines
          audit prune --older-than DAYS    archive the sealed rows older than DAYS to a signed
                                           file in <data dir>/audit/archive and delete them;
                                           what remains still verifies (a broken chain is
                                           never pruned)
          self-check [--json]              the broker's security self-check (also
                                           "broker.jar check"): certificate days left, plain
                                           HTTP, default keystore, file permissions, database
                                           credentials, weak secrets (named, never shown),
                                           plaintext login, clock, last backup, audit chain;
                                           exit 1 when something fails
          rotate-data-key                  a new data key for the encrypted fields (emails,
                                           names, secrets, payloads, private keys): new values
                                           use it at once, and every stored value is
                                           re-encrypted under it in batches while the broker
                                           runs; older keys stay readable
          help                             this text

        The password is the first line of standard input; on a terminal it is asked for twice,
        without echo. A client secret is printed only when it is made and stored only as a hash.
        Redirect URIs must be https (http only on localhost, 127.0.0.1 or [::1]) and are matched
        exactly; grant types are authorization_code, refresh_token, client_credentials (default:
        all three, or the first two for --public). The broker must be running: these commands
        talk to it through <data dir>/run/admin.sock, which only the owner of the data directory
        can open.
        Exit codes: 0 done, 1 refused by the broker or no broker running, 2 wrong usage.
        """;
  }
}
