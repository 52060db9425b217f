package org.cmsbroker.oidc;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The scopes the provider grants, and which claims each releases. */
public final class Scopes {
  /** Scopes of a person's login (authorization code flow). */
  public static final Set<String> LOGIN =
      Set.of("openid", "profile", "email", "roles", "offline_access");

  /** Scopes a CMS server may ask for with client_credentials. */
  public static final Set<String> SERVER = Set.of("payments");

  private Scopes() {}

  /** The requested scopes this provider knows, in request order; unknown ones are dropped. */
  public static List<String> grant(List<String> requested, Set<String> known) {
    Set<String> granted = new LinkedHashSet<>();
    for (String scope : requested) {
      if (known.contains(scope)) {
        granted.add(scope);
      }
    }
    return List.copyOf(granted);
  }

  public static boolean releasesProfile(List<String> scope) {
    return scope.contains("profile");
  }

  public static boolean releasesEmail(List<String> scope) {
    return scope.contains("email");
  }

  /** Roles go with {@code roles}, and with {@code profile} for plugins that ask for no more. */
  public static boolean releasesRoles(List<String> scope) {
    return scope.contains("roles") || scope.contains("profile");
  }
}
