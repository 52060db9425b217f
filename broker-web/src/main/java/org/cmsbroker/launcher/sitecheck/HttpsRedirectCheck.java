package org.cmsbroker.launcher.sitecheck;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/** {@code http://} redirects to {@code https://} on the same host (or plain HTTP is not served). */
final class HttpsRedirectCheck implements Check {
  static final String CHANGE =
      "redirect every plain-HTTP request with 301 to the same address on https:// (nginx: return"
          + " 301 https://$host$request_uri; Apache: Redirect permanent / https://<host>/)";

  @Override
  public String name() {
    return "http-redirect";
  }

  @Override
  public List<Finding> run(SiteProbe probe) {
    URI uri = probe.target().http("");
    String target = uri.toString();
    SiteProbe.Answer answer;
    try {
      answer = probe.get(uri);
    } catch (SiteProbe.ProbeException e) {
      if (e.refused()) {
        return List.of(Finding.pass(name(), target, "nothing listens for plain HTTP"));
      }
      return List.of(
          Finding.warn(
              name(),
              target,
              "plain HTTP not checked: " + e.getMessage(),
              "check that port " + probe.target().httpPort() + " either redirects or is closed"));
    }
    return List.of(judge(name(), probe, target, answer, CHANGE));
  }

  /** A plain-HTTP answer: a redirect to https:// on this host passes, anything else fails. */
  static Finding judge(
      String check, SiteProbe probe, String target, SiteProbe.Answer answer, String change) {
    if (!answer.redirect()) {
      return Finding.fail(
          check, target, "served over plain HTTP (status " + answer.status() + ")", change);
    }
    String location = answer.header("Location").orElse("");
    URI to;
    try {
      to = URI.create(location.trim());
    } catch (IllegalArgumentException e) {
      return Finding.fail(
          check, target, "redirects to an unreadable Location: " + Remote.text(location), change);
    }
    String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https")) {
      return Finding.fail(
          check, target, "redirects to " + Remote.text(location) + ", not to https://", change);
    }
    if (!probe.sameHost(to)) {
      return Finding.warn(
          check,
          target,
          "redirects to another host: " + Remote.text(location),
          "redirect to https:// on the same host name, so that HSTS is set for it");
    }
    return Finding.pass(
        check, target, "redirects (" + answer.status() + ") to " + Remote.text(location));
  }
}
