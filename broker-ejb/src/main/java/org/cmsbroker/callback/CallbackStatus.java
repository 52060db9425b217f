package org.cmsbroker.callback;

/** Where a callback message is in its delivery. */
public enum CallbackStatus {
  /** Waiting for its next attempt. */
  PENDING,
  /** Leased by a dispatcher; when its lease has run out, another dispatcher may take it. */
  DELIVERING,
  /** The CRM answered 2xx. */
  DELIVERED,
  /** Given up: an operator may replay it. */
  DEAD;

  /** The value stored in {@code callback_message.status}. */
  String column() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  static CallbackStatus ofColumn(String value) {
    return valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}
