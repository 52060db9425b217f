package org.cmsbroker.token;

import java.util.Set;

/** Claim names and the checks on values that become claims. */
final class Claims {
  static final String SCOPE = "scope";
  static final String CLIENT_ID = "client_id";
  static final String AUTH_TIME = "auth_time";
  static final String SID = "sid";
  static final String NONCE = "nonce";
  static final String AZP = "azp";
  static final String AT_HASH = "at_hash";
  static final String EMAIL = "email";
  static final String EMAIL_VERIFIED = "email_verified";
  static final String PREFERRED_USERNAME = "preferred_username";
  static final String NAME = "name";
  static final String GIVEN_NAME = "given_name";
  static final String FAMILY_NAME = "family_name";

  /** Names a per-client roles claim may not take: it would overwrite a claim the broker sets. */
  static final Set<String> RESERVED =
      Set.of(
          "iss",
          "sub",
          "aud",
          "exp",
          "nbf",
          "iat",
          "jti",
          "typ",
          SCOPE,
          CLIENT_ID,
          AUTH_TIME,
          SID,
          NONCE,
          AZP,
          AT_HASH,
          "c_hash",
          "acr",
          "amr",
          EMAIL,
          EMAIL_VERIFIED,
          PREFERRED_USERNAME,
          NAME,
          GIVEN_NAME,
          FAMILY_NAME,
          "cnf");

  /** OpenID Connect Core 2: {@code sub} is at most 255 ASCII characters. */
  static final int MAX_IDENTIFIER_LENGTH = 255;

  private Claims() {}

  static void requireIdentifier(String value, String what) {
    if (value.isBlank()
        || value.length() > MAX_IDENTIFIER_LENGTH
        || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "The " + what + " must be 1 to 255 printable ASCII characters without spaces");
    }
  }

  /** RFC 6749 3.3: a scope token is one or more of %x21 / %x23-5B / %x5D-7E. */
  static void requireScopeValue(String value) {
    if (value.isEmpty()
        || !value.chars().allMatch(c -> c == 0x21 || (c >= 0x23 && c <= 0x7e && c != 0x5c))) {
      throw new IllegalArgumentException("A scope value must be RFC 6749 scope-token characters");
    }
  }
}
