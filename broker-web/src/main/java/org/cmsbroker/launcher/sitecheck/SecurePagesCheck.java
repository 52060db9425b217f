package org.cmsbroker.launcher.sitecheck;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * TYPO3's backend and CiviCRM's administration and contribution pages ({@link
 * CmsPaths#SECURE_PAGES}) only over HTTPS: over plain HTTP each must redirect to https:// or not be
 * served at all. A 404 over plain HTTP means the page is not part of this site's layout.
 */
final class SecurePagesCheck implements Check {
  @Override
  public String name() {
    return "https-only-pages";
  }

  @Override
  public List<Finding> run(SiteProbe probe) {
    List<Finding> findings = new ArrayList<>();
    int present = 0;
    for (CmsPaths.SecurePage page : CmsPaths.SECURE_PAGES) {
      URI uri = probe.target().http(page.path());
      SiteProbe.Answer answer;
      try {
        answer = probe.get(uri);
      } catch (SiteProbe.ProbeException e) {
        if (e.refused()) {
          return List.of(
              Finding.pass(name(), probe.target().http("").toString(), "no plain HTTP at all"));
        }
        findings.add(
            Finding.warn(
                name(),
                uri.toString(),
                page.what() + " not checked: " + e.getMessage(),
                "check that plain HTTP redirects to https:// for this page"));
        continue;
      }
      if (answer.status() == 404 || answer.status() == 410) {
        continue;
      }
      present++;
      Finding judged =
          HttpsRedirectCheck.judge(
              name(),
              probe,
              uri.toString(),
              answer,
              "serve "
                  + page.what()
                  + " ("
                  + page.layout()
                  + ") only over HTTPS: redirect plain HTTP to https://"
                  + (page.layout().equals("TYPO3") ? " and set [BE][lockSSL] = true" : ""));
      if (judged.status() != Status.PASS) {
        findings.add(
            new Finding(
                judged.check(),
                judged.status(),
                judged.target(),
                page.what() + ": " + judged.seen(),
                judged.change()));
      }
    }
    if (findings.isEmpty()) {
      findings.add(
          Finding.pass(
              name(),
              probe.target().http("").toString(),
              present == 0
                  ? "none of the known admin, login or contribution pages answers over plain HTTP"
                  : present + " admin, login or contribution page(s) redirect to https://"));
    }
    return findings;
  }
}
