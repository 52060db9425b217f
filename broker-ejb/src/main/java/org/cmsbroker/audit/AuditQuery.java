package org.cmsbroker.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Which audit rows to list: from {@code since} (and before {@code until}, if given), optionally of
 * one account ({@code subject}), client and event type; at most {@code limit}, newest first.
 */
public record AuditQuery(
    OffsetDateTime since,
    OffsetDateTime until,
    String subject,
    String client,
    String type,
    int limit) {
  /** The most rows one listing returns. */
  public static final int MAX_LIMIT = 10_000;

  /** The most hours back a time given in hours may reach (ten years). */
  public static final int MAX_HOURS = 24 * 3660;

  public AuditQuery {
    Objects.requireNonNull(since, "since");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    }
    if (until != null && !until.isAfter(since)) {
      throw new IllegalArgumentException("until must be later than since");
    }
  }

  /**
   * A time bound of a listing as an operator gives it: a whole number of hours before {@code now}
   * (1 to {@value #MAX_HOURS}), or an ISO-8601 instant such as {@code 2026-12-05T08:00:00Z} or
   * {@code 2026-12-05T09:00:00+01:00}; in UTC. The one reading of {@code --since} and {@code
   * --until}, for the launcher's check and the broker's query alike.
   *
   * @param option how the operator named it, for the message (for example {@code --since})
   * @throws IllegalArgumentException saying what is accepted
   */
  public static OffsetDateTime time(String option, String value, Instant now) {
    if (value != null && value.matches("[0-9]{1,9}")) {
      int hours = Integer.parseInt(value);
      if (hours >= 1 && hours <= MAX_HOURS) {
        return now.minus(Duration.ofHours(hours)).atOffset(ZoneOffset.UTC);
      }
    } else if (value != null && value.length() <= 64) {
      try {
        return OffsetDateTime.parse(value).withOffsetSameInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        // said below
      }
    }
    throw new IllegalArgumentException(
        option
            + " must be a whole number of hours from 1 to "
            + MAX_HOURS
            + " or an ISO-8601 instant with its offset, such as 2026-12-05T08:00:00Z");
  }
}
