package org.cmsbroker.launcher.sitecheck;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The findings as a table for people or as JSON for scripts. */
final class Report {
  private Report() {}

  static boolean failed(List<Finding> findings) {
    return findings.stream().anyMatch(f -> f.status() == Status.FAIL);
  }

  static long count(List<Finding> findings, Status status) {
    return findings.stream().filter(f -> f.status() == status).count();
  }

  /** One block per finding: status, check and target, then what was seen and what to change. */
  static String table(String site, Instant at, List<Finding> findings) {
    StringBuilder out = new StringBuilder();
    out.append("Site check of ").append(site).append(" at ").append(at).append("\n\n");
    out.append(String.format(Locale.ROOT, "%-6s %-17s %s%n", "STATUS", "CHECK", "TARGET"));
    for (Finding f : findings) {
      out.append(String.format(Locale.ROOT, "%-6s %-17s %s%n", f.status(), f.check(), f.target()));
      out.append("       seen:   ").append(f.seen()).append('\n');
      if (!f.change().isEmpty()) {
        out.append("       change: ").append(f.change()).append('\n');
      }
    }
    out.append('\n')
        .append(
            String.format(
                Locale.ROOT,
                "Result: %s (%d FAIL, %d WARN, %d PASS)%n",
                failed(findings) ? "FAIL" : "PASS",
                count(findings, Status.FAIL),
                count(findings, Status.WARN),
                count(findings, Status.PASS)));
    return out.toString();
  }

  /**
   * {@code {"site","checkedAt","result","findings":[{"check","status","target","seen","change"}]}};
   * {@code result} is {@code "FAIL"} when any finding failed, else {@code "PASS"}.
   */
  static String json(String site, Instant at, List<Finding> findings) {
    StringBuilder out = new StringBuilder("{");
    field(out, "site", site).append(',');
    field(out, "checkedAt", at.toString()).append(',');
    field(out, "result", failed(findings) ? "FAIL" : "PASS").append(',');
    out.append("\"findings\":[");
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      out.append(i == 0 ? "{" : ",{");
      field(out, "check", f.check()).append(',');
      field(out, "status", f.status().name()).append(',');
      field(out, "target", f.target()).append(',');
      field(out, "seen", f.seen()).append(',');
      field(out, "change", f.change()).append('}');
    }
    return out.append("]}\n").toString();
  }

  private static StringBuilder field(StringBuilder out, String name, String value) {
    return quote(quote(out, name).append(':'), value);
  }

  static StringBuilder quote(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == '<' || c == '>') {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }
}
