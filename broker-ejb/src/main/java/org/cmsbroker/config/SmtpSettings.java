package org.cmsbroker.config;

import java.util.Locale;

/**
 * Where password-reset mail goes out. Immutable; {@link #toString()} hides the password.
 *
 * @param host SMTP server
 * @param port its port (587 for STARTTLS, 465 for TLS)
 * @param username login, or null for none
 * @param password login password, or null
 * @param from the sender address
 * @param security how the connection is protected
 */
public record SmtpSettings(
    String host, int port, String username, String password, String from, Security security) {

  /** Transport security of the SMTP connection. */
  public enum Security {
    /** STARTTLS required (port 587). */
    STARTTLS,
    /** TLS from the first byte (port 465). */
    TLS,
    /** None: only for a relay on the same host or in tests. */
    NONE;

    static Security parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            SettingNames.SMTP_SECURITY + " must be starttls, tls or none");
      }
    }
  }

  @Override
  public String toString() {
    return "SmtpSettings[host=" + host + ", port=" + port + ", security=" + security + "]";
  }
}
