package org.cmsbroker.launcher.sitecheck;

/** Text the site sent, made safe to print: no control characters, at most 160 characters. */
final class Remote {
  static final int MAX = 160;

  private Remote() {}

  static String text(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < MAX; i++) {
      char c = value.charAt(i);
      out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
    }
    if (value.length() > MAX) {
      out.append("...");
    }
    return out.toString();
  }
}
