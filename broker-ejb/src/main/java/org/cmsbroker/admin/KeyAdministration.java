package org.cmsbroker.admin;

import java.time.Instant;
import java.util.List;

/** What the admin commands may do with token signing keys. */
public interface KeyAdministration {

  /**
   * One line per published key: kid, algorithm, status ({@code next}, {@code current} or {@code
   * retired}), signs from, published until ({@code -} while not retired).
   */
  List<List<String>> list();

  /**
   * Makes a new key for {@code algorithm} ("ES256" or "RS256"), published at once.
   *
   * @return its kid, from when it signs, and the key that signed when it was made (and goes on
   *     signing until then)
   */
  Rotated rotate(String algorithm);

  /** A key just made by {@link #rotate}. */
  record Rotated(String keyId, Instant signsFrom, String previousKeyId) {}
}
