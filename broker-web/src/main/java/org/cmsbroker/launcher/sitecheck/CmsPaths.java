package org.cmsbroker.launcher.sitecheck;

import java.util.ArrayList;
import java.util.List;

/**
 * Where CiviCRM and TYPO3 keep what must never be served, per CMS layout, and the pages that must
 * only be served over HTTPS: data, not logic. Every path is relative to the site's base path.
 *
 * <p>Where the paths come from, and the choices made:
 *
 * <ul>
 *   <li>CiviCRM's own system check ({@code CRM_Utils_Check_Component_Security}) probes its upload
 *       ({@code uploadDir}), custom-file ({@code customFileUploadDir}) and {@code ConfigAndLog}
 *       directories by guessing their URL from the "files" marker of each CMS: {@code /files/}
 *       (Drupal, Backdrop), {@code /uploads/} (WordPress), {@code /media/} (Joomla). Under that
 *       marker CiviCRM's installer puts {@code civicrm/} with {@code upload/}, {@code custom/},
 *       {@code ConfigAndLog/} and {@code templates_c/} (the Smarty compile directory). The default
 *       roots used here are Drupal's {@code sites/default/files/civicrm/}, WordPress's {@code
 *       wp-content/uploads/civicrm/}, Joomla's {@code media/civicrm/} and Backdrop's {@code
 *       files/civicrm/}; a site that moved them is not covered.
 *   <li>CiviCRM writes a {@code .htaccess} denying access into each of those four directories, so
 *       that file is the one name known to exist in every one of them: served with 200, it proves
 *       the directory is reachable (a 403 proves little: Apache denies {@code .ht*} on its own).
 *   <li>CiviCRM's log is {@code ConfigAndLog/CiviCRM.<hash>.log}; the hash comes from the site's
 *       settings and cannot be known from outside. Only {@code CiviCRM.log} (the name when {@code
 *       CIVICRM_LOG_HASH} is off) is probed, besides the directory's listing; the report says so.
 *   <li>CiviCRM Standalone keeps {@code private/} (logs in {@code private/log/}, compiled templates
 *       in {@code private/cache/}, uploads in {@code private/upload/} and {@code private/custom/})
 *       beside its web root in its settings template; installs from the tarball often have it
 *       inside the web root, which is what these probes catch.
 *   <li>TYPO3's security guidelines and its default {@code .htaccess} deny {@code typo3conf/} (bar
 *       extension resources), {@code var/} (with {@code var/log/}), {@code typo3temp/var/} (the
 *       {@code var} directory of non-Composer installs) and {@code fileadmin/_temp_/}. {@code
 *       typo3conf/ENABLE_INSTALL_TOOL} is the install tool's flag file of TYPO3 up to v11.
 *   <li>Pages only over HTTPS: TYPO3's backend ({@code typo3/}, which {@code [BE][lockSSL]}
 *       enforces), WordPress's {@code wp-login.php}, and CiviCRM's administration and contribution
 *       pages in each CMS's URL form.
 * </ul>
 */
final class CmsPaths {
  private CmsPaths() {}

  /** What a path is: a directory (probed for a listing) or a file (probed for its content). */
  enum Kind {
    DIRECTORY,
    FILE
  }

  /**
   * A path that must be neither reachable nor listable.
   *
   * @param layout the CMS layout it belongs to
   * @param path relative to the site's base path; directories end with {@code /}
   * @param kind directory or file
   * @param what what it holds, for the report
   * @param civicrmLog whether it is a probable CiviCRM log file
   */
  record KnownPath(String layout, String path, Kind kind, String what, boolean civicrmLog) {}

  /**
   * A page that must only be served over HTTPS.
   *
   * @param layout the CMS layout it belongs to
   * @param path relative to the site's base path, with its query
   * @param what the page, for the report
   */
  record SecurePage(String layout, String path, String what) {}

  static final List<String> CIVICRM_LAYOUTS =
      List.of("Drupal", "WordPress", "Joomla", "Backdrop", "Standalone");

  private static final List<String[]> CIVICRM_ROOTS =
      List.of(
          new String[] {"Drupal", "sites/default/files/civicrm/"},
          new String[] {"WordPress", "wp-content/uploads/civicrm/"},
          new String[] {"Joomla", "media/civicrm/"},
          new String[] {"Backdrop", "files/civicrm/"});

  static final List<KnownPath> PRIVATE_PATHS = privatePaths();

  static final List<SecurePage> SECURE_PAGES =
      List.of(
          new SecurePage("TYPO3", "typo3/", "TYPO3 backend login"),
          new SecurePage("Drupal/Backdrop/Standalone", "civicrm/admin", "CiviCRM administration"),
          new SecurePage(
              "Drupal/Backdrop/Standalone",
              "civicrm/contribute/transact",
              "CiviCRM contribution page"),
          new SecurePage("WordPress", "wp-login.php", "WordPress login"),
          new SecurePage(
              "WordPress",
              "wp-admin/admin.php?page=CiviCRM&q=civicrm/admin",
              "CiviCRM administration"),
          new SecurePage(
              "WordPress",
              "civicrm/?civiwp=CiviCRM&q=civicrm/contribute/transact",
              "CiviCRM contribution page"),
          new SecurePage(
              "Joomla",
              "administrator/index.php?option=com_civicrm&task=civicrm/admin",
              "CiviCRM administration"),
          new SecurePage(
              "Joomla",
              "index.php?option=com_civicrm&task=civicrm/contribute/transact",
              "CiviCRM contribution page"));

  private static List<KnownPath> privatePaths() {
    List<KnownPath> paths = new ArrayList<>();
    for (String[] root : CIVICRM_ROOTS) {
      String layout = root[0];
      String base = root[1];
      civicrmDirectory(paths, layout, base + "upload/", "CiviCRM uploads");
      civicrmDirectory(paths, layout, base + "custom/", "CiviCRM custom-field files");
      civicrmDirectory(paths, layout, base + "ConfigAndLog/", "CiviCRM configuration and log");
      civicrmDirectory(paths, layout, base + "templates_c/", "CiviCRM compiled templates");
      paths.add(
          new KnownPath(
              layout, base + "ConfigAndLog/CiviCRM.log", Kind.FILE, "CiviCRM log file", true));
    }
    String standalone = "Standalone";
    paths.add(dir(standalone, "private/", "CiviCRM Standalone private files"));
    paths.add(dir(standalone, "private/log/", "CiviCRM Standalone log"));
    paths.add(dir(standalone, "private/cache/", "CiviCRM Standalone compiled templates"));
    paths.add(dir(standalone, "private/upload/", "CiviCRM Standalone uploads"));
    paths.add(dir(standalone, "private/custom/", "CiviCRM Standalone custom-field files"));
    paths.add(
        new KnownPath(standalone, "private/log/CiviCRM.log", Kind.FILE, "CiviCRM log file", true));
    String typo3 = "TYPO3";
    paths.add(dir(typo3, "typo3conf/", "TYPO3 configuration"));
    paths.add(
        new KnownPath(
            typo3,
            "typo3conf/ENABLE_INSTALL_TOOL",
            Kind.FILE,
            "TYPO3 install tool flag file",
            false));
    paths.add(dir(typo3, "var/log/", "TYPO3 log"));
    paths.add(dir(typo3, "typo3temp/var/", "TYPO3 var directory (non-Composer install)"));
    paths.add(dir(typo3, "typo3temp/var/log/", "TYPO3 log (non-Composer install)"));
    paths.add(dir(typo3, "fileadmin/_temp_/", "TYPO3 temporary uploads"));
    return List.copyOf(paths);
  }

  private static void civicrmDirectory(
      List<KnownPath> paths, String layout, String path, String what) {
    paths.add(dir(layout, path, what));
    paths.add(
        new KnownPath(
            layout, path + ".htaccess", Kind.FILE, "CiviCRM's deny file in " + what, false));
  }

  private static KnownPath dir(String layout, String path, String what) {
    return new KnownPath(layout, path, Kind.DIRECTORY, what, false);
  }
}
