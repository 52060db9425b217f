package org.cmsbroker.web.login;

/** Where to go after login: only a path on this broker, never another site. */
public final class ReturnTo {
  public static final String DEFAULT = "/account";

  private ReturnTo() {}

  /** {@code value} when it is a safe local path, else {@link #DEFAULT}. */
  public static String sanitise(String value) {
    if (value == null
        || value.isEmpty()
        || value.length() > 4096
        || value.charAt(0) != '/'
        || value.startsWith("//")
        || value.startsWith("/\\")
        || value.chars().anyMatch(c -> c < 0x21 || c == '\\' || c == 0x7f)) {
      return DEFAULT;
    }
    return value;
  }
}
