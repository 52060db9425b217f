package org.cmsbroker.mail;

import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Logger;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.config.SettingNames;
import org.cmsbroker.config.SmtpSettings;

/**
 * Sends plain-text mail through the configured SMTP server, asynchronously, so that whether a mail
 * was sent never shows in a response's timing. Never logs a message body (it may hold a link that
 * works like a password).
 */
@Stateless
public class Mailer {
  private static final Logger LOG = Logger.getLogger(Mailer.class.getName());

  @Inject BrokerConfig config;

  /** Whether an SMTP server is configured. */
  public boolean configured() {
    return config.smtp().isPresent();
  }

  /** Sends one message in the background; failures are logged without the body. */
  @Asynchronous
  public void send(String to, String subject, String body) {
    Optional<SmtpSettings> smtp = config.smtp();
    if (smtp.isEmpty()) {
      LOG.warning(
          "A mail was due but "
              + SettingNames.environmentName(SettingNames.SMTP_HOST)
              + " is not set; nothing was sent");
      return;
    }
    try {
      Session session = Session.getInstance(properties(smtp.get()));
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress(smtp.get().from(), true));
      message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
      message.setSubject(subject, "UTF-8");
      message.setText(body, "UTF-8");
      message.setSentDate(new Date());
      if (smtp.get().username() != null) {
        Transport.send(message, smtp.get().username(), smtp.get().password());
      } else {
        Transport.send(message);
      }
    } catch (MessagingException e) {
      LOG.warning(
          "Mail could not be sent: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  static Properties properties(SmtpSettings smtp) {
    Properties p = new Properties();
    p.put("mail.transport.protocol", "smtp");
    p.put("mail.smtp.host", smtp.host());
    p.put("mail.smtp.port", Integer.toString(smtp.port()));
    p.put("mail.smtp.auth", Boolean.toString(smtp.username() != null));
    p.put("mail.smtp.connectiontimeout", "10000");
    p.put("mail.smtp.timeout", "10000");
    p.put("mail.smtp.writetimeout", "10000");
    switch (smtp.security()) {
      case STARTTLS -> {
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.checkserveridentity", "true");
      }
      case TLS -> {
        p.put("mail.smtp.ssl.enable", "true");
        p.put("mail.smtp.ssl.checkserveridentity", "true");
      }
      case NONE -> {
        // Only for a relay on the same host, or tests.
      }
    }
    return p;
  }
}
