package org.cmsbroker.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link Filter} for log handlers that rewrites each record, before it is formatted, so that what
 * looks like a secret or personal data is masked:
 *
 * <ul>
 *   <li>card numbers: 13 to 19 digits, optionally grouped with spaces or dashes, that pass the Luhn
 *       check (other digit runs, such as ids, are left alone) become {@code [card ...1234]};
 *   <li>e-mail addresses become {@code [email]};
 *   <li>{@code Bearer <token>} becomes {@code Bearer [token]};
 *   <li>JWTs and JWEs in compact form ({@code eyJ...} with three or five dot-separated parts)
 *       become {@code [jwt]};
 *   <li>values of fields named like passwords or secrets ({@code password=...}, {@code
 *       "client_secret":"..."}, {@code api_key: ...}, {@code refresh_token=...}) become {@code
 *       [masked]}.
 * </ul>
 *
 * The message is masked after its parameters are filled in; a thrown exception is replaced by a
 * copy with masked messages and the same stack when any of its messages changes. Records without
 * anything to mask pass untouched (so a formatter still sees their message keys). The previous
 * filter, if any, still decides whether a record is logged. Thread-safe.
 *
 * <p>The public no-argument constructor lets {@code logging.properties} name this class as a
 * handler's {@code .filter}.
 */
public final class SecretMaskingFilter implements Filter {
  private static final String SECRET_NAME =
      "[\\w.-]*(?:password|passwd|pwd|passphrase|secret|api[_-]?key|private[_-]?key|token"
          + "|credentials?)(?:[_.-]?(?:value|key|hash|b64|base64|hex))?(?![\\w])";
  private static final Pattern SECRET_JSON =
      Pattern.compile("(?i)(\"" + SECRET_NAME + "\"\\s*:\\s*\")((?:[^\"\\\\]|\\\\.)*)(\")");
  private static final Pattern SECRET_FIELD =
      Pattern.compile(
          "(?i)(?<![\\w.-])(" + SECRET_NAME + ")(\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;&\"'}]+)");
  private static final Pattern BEARER =
      Pattern.compile("(?i)\\b(Bearer)\\s+[A-Za-z0-9\\-._~+/]+=*");
  private static final Pattern JOSE =
      Pattern.compile(
          "\\beyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*"
              + "(?:\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*)?");
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  private static final Pattern CARD =
      Pattern.compile("(?<![0-9])(?:[0-9][ -]?){12,18}[0-9](?![0-9])");

  /** Fills in a record's parameters the way handlers' formatters do. */
  private static final SimpleFormatter MESSAGES = new SimpleFormatter();

  private final Filter previous;

  /** A filter with no previous filter (the form {@code logging.properties} instantiates). */
  public SecretMaskingFilter() {
    this(null);
  }

  /** A filter that masks, then lets {@code previous} (may be null) decide. */
  public SecretMaskingFilter(Filter previous) {
    this.previous = previous;
  }

  /**
   * Puts a masking filter in front of every handler of every logger known now, keeping each
   * handler's own filter behind it; handlers that already have one are left as they are.
   *
   * @return how many handlers were given one
   */
  public static int installOnEveryHandler() {
    return installOnEveryHandler(new ArrayList<>());
  }

  /**
   * As {@link #installOnEveryHandler()}, adding each handler given a filter to {@code installed},
   * so that {@link #uninstall} can take them away again.
   */
  public static int installOnEveryHandler(List<Handler> installed) {
    LogManager manager = LogManager.getLogManager();
    List<Logger> loggers = new ArrayList<>();
    loggers.add(Logger.getLogger(""));
    for (String name : java.util.Collections.list(manager.getLoggerNames())) {
      Logger logger = manager.getLogger(name);
      if (logger != null) {
        loggers.add(logger);
      }
    }
    int before = installed.size();
    for (Logger logger : loggers) {
      for (Handler handler : logger.getHandlers()) {
        if (install(handler)) {
          installed.add(handler);
        }
      }
    }
    return installed.size() - before;
  }

  /**
   * Puts a masking filter in front of one handler; false if it already had one (compared by class
   * name: the copy {@code broker.jar} carries and the application's own may come from different
   * class loaders).
   */
  public static boolean install(Handler handler) {
    synchronized (handler) {
      Filter current = handler.getFilter();
      if (current != null
          && current.getClass().getName().equals(SecretMaskingFilter.class.getName())) {
        return false;
      }
      handler.setFilter(new SecretMaskingFilter(current));
      return true;
    }
  }

  /**
   * Takes this class's filter away from a handler, putting back the filter it had before; a handler
   * whose filter has since been replaced by someone else is left alone.
   *
   * @return whether the handler's filter was this class's
   */
  public static boolean uninstall(Handler handler) {
    synchronized (handler) {
      if (handler.getFilter() instanceof SecretMaskingFilter mine) {
        handler.setFilter(mine.previous);
        return true;
      }
      return false;
    }
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    if (previous != null && !previous.isLoggable(record)) {
      return false;
    }
    if (record.getMessage() != null) {
      String formatted = MESSAGES.formatMessage(record);
      String masked = mask(formatted);
      if (!masked.equals(formatted)) {
        record.setMessage(masked);
        record.setParameters(null);
        record.setResourceBundle(null);
        record.setResourceBundleName(null);
      }
    }
    Throwable thrown = record.getThrown();
    if (thrown != null && needsMasking(thrown, 0)) {
      record.setThrown(MaskedThrowable.of(thrown, 0));
    }
    return true;
  }

  /** The text with every pattern above masked; null stays null. */
  public static String mask(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = SECRET_JSON.matcher(text).replaceAll("$1[masked]$3");
    out = SECRET_FIELD.matcher(out).replaceAll("$1$2[masked]");
    out = BEARER.matcher(out).replaceAll("$1 [token]");
    out = JOSE.matcher(out).replaceAll("[jwt]");
    out = EMAIL.matcher(out).replaceAll("[email]");
    return maskCards(out);
  }

  private static String maskCards(String text) {
    Matcher m = CARD.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String digits = m.group().replaceAll("[ -]", "");
      String replacement =
          digits.length() >= 13 && digits.length() <= 19 && luhn(digits)
              ? "[card ..." + digits.substring(digits.length() - 4) + "]"
              : m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The Luhn (mod 10) check every payment card number passes. */
  static boolean luhn(String digits) {
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  private static final int MAX_DEPTH = 16;

  private static boolean needsMasking(Throwable t, int depth) {
    if (t == null || depth > MAX_DEPTH) {
      return false;
    }
    String message = t.getMessage();
    if (message != null && !mask(message).equals(message)) {
      return true;
    }
    for (Throwable suppressed : t.getSuppressed()) {
      if (needsMasking(suppressed, depth + 1)) {
        return true;
      }
    }
    return t.getCause() != t && needsMasking(t.getCause(), depth + 1);
  }

  /**
   * A stand-in for a thrown exception whose message held something to mask: it prints as the
   * original class with the masked message, with the original stack, cause and suppressed ones.
   */
  static final class MaskedThrowable extends Throwable {
    private static final long serialVersionUID = 1L;
    private final String original;

    private MaskedThrowable(String original, String message, Throwable cause) {
      super(message, cause, true, true);
      this.original = original;
    }

    static MaskedThrowable of(Throwable t, int depth) {
      Throwable cause =
          depth < MAX_DEPTH && t.getCause() != null && t.getCause() != t
              ? of(t.getCause(), depth + 1)
              : null;
      MaskedThrowable copy =
          new MaskedThrowable(t.getClass().getName(), mask(t.getMessage()), cause);
      copy.setStackTrace(t.getStackTrace());
      if (depth < MAX_DEPTH) {
        for (Throwable suppressed : t.getSuppressed()) {
          copy.addSuppressed(of(suppressed, depth + 1));
        }
      }
      return copy;
    }

    /** The original exception's class name. */
    String originalClass() {
      return original;
    }

    @Override
    public String toString() {
      String message = getLocalizedMessage();
      return message == null ? original : original + ": " + message;
    }
  }
}
