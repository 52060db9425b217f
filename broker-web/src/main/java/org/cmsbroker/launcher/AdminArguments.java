package org.cmsbroker.launcher;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of {@code broker.jar admin ...}, checked and turned into a request. Immutable.
 *
 * @param help whether only the usage was asked for
 * @param command the wire command, for example {@code user.add}; null for help
 * @param fields the request's parameters in order (wire names), no password
 * @param needsPassword whether the command sends a password read from standard input
 */
record AdminArguments(
    boolean help, String command, List<Map.Entry<String, String>> fields, boolean needsPassword) {

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
  private static final Set<String> FLAGS = Set.of(EMAIL_VERIFIED);

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
        options(sub, options, Set.of());
        yield new AdminArguments(false, "user.list", List.of(), false);
      }
      case "disable", "enable", "unlock" -> byUsername("user." + sub, sub, options, false);
      case "set-password" -> byUsername("user.set_password", sub, options, true);
      default ->
          throw new UsageException(
              "unknown subcommand \"user " + SettingsLoader.printable(sub) + "\"");
    };
  }

  private static AdminArguments add(List<String> options) throws UsageException {
    List<Map.Entry<String, String>> given = options("add", options, ADD_OPTIONS);
    require("add", given, USERNAME);
    require("add", given, EMAIL);
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (Map.Entry<String, String> option : given) {
      String wireName = option.getKey().substring(2).replace('-', '_');
      fields.add(new SimpleImmutableEntry<>(wireName, option.getValue()));
    }
    return new AdminArguments(false, "user.add", fields, true);
  }

  private static AdminArguments byUsername(
      String command, String sub, List<String> options, boolean needsPassword)
      throws UsageException {
    List<Map.Entry<String, String>> given = options(sub, options, Set.of(USERNAME));
    require(sub, given, USERNAME);
    return new AdminArguments(
        false,
        command,
        List.of(new SimpleImmutableEntry<>("username", given.get(0).getValue())),
        needsPassword);
  }

  /**
   * {@code --name value}, {@code --name=value} and flags, in order; each option at most once except
   * {@code --role}.
   */
  private static List<Map.Entry<String, String>> options(
      String sub, List<String> args, Set<String> allowed) throws UsageException {
    List<Map.Entry<String, String>> options = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      if (!name.startsWith("--") || !allowed.contains(name)) {
        throw new UsageException(
            (name.startsWith("-") ? "unknown option \"" : "unexpected argument \"")
                + SettingsLoader.printable(name)
                + "\" for user "
                + sub);
      }
      String value;
      if (FLAGS.contains(name)) {
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
      if (!name.equals(ROLE) && options.stream().anyMatch(o -> o.getKey().equals(name))) {
        throw new UsageException(name + " is given more than once");
      }
      options.add(new SimpleImmutableEntry<>(name, value));
    }
    return options;
  }

  private static void require(String sub, List<Map.Entry<String, String>> given, String name)
      throws UsageException {
    if (given.stream().noneMatch(o -> o.getKey().equals(name))) {
      throw new UsageException("user " + sub + " needs " + name);
    }
  }

  static String usage() {
    return """
        Usage: java -jar broker.jar admin user <command> [options]

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
          help                             this text

        The password is the first line of standard input; on a terminal it is asked for twice,
        without echo. The broker must be running: these commands talk to it through
        <data dir>/run/admin.sock, which only the owner of the data directory can open.
        Exit codes: 0 done, 1 refused by the broker or no broker running, 2 wrong usage.
        """;
  }
}
