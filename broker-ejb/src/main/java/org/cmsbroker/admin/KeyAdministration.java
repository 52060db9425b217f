package org.cmsbroker.admin;

import java.util.List;

/** What the admin commands may do with token signing keys. */
public interface KeyAdministration {

  /** One line per published key: kid, algorithm, created, current or retired. */
  List<List<String>> list();

  /** Makes a new current key for {@code algorithm} ("ES256" or "RS256"); returns its kid. */
  String rotate(String algorithm);
}
