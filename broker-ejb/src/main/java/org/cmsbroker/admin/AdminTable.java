package org.cmsbroker.admin;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Plain-text tables for list commands: a header, columns padded to their widest cell. */
final class AdminTable {
  private AdminTable() {}

  /** The header and rows as lines; every row has as many cells as the header. */
  static List<String> render(List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] widths = new int[header.size()];
    for (List<String> row : all) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        line.append(i == widths.length - 1 ? row.get(i) : pad(row.get(i), widths[i] + 2));
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  private static String pad(String value, int width) {
    return value + " ".repeat(width - value.length());
  }

  /** Stored values may hold anything; keep terminal control characters out of the table. */
  static String cell(String value) {
    return value == null || value.isEmpty()
        ? "-"
        : value.replaceAll("[\\p{Cntrl}\\p{Cf}\\p{Zl}\\p{Zp}]", "?");
  }

  /** An instant to the second, or "-". */
  /** {@code instant} to the next whole second (for a time from which something holds), or "-". */
  static String timeFrom(Instant instant) {
    if (instant == null) {
      return "-";
    }
    Instant whole = instant.truncatedTo(ChronoUnit.SECONDS);
    return (whole.equals(instant) ? whole : whole.plusSeconds(1)).toString();
  }

  static String time(Instant instant) {
    return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
