package org.cmsbroker.account;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

  private final PasswordPolicy policy = PasswordPolicy.defaults();

  @Test
  void acceptsAnEightCharacterPasswordWithNoCompositionRules() {
    assertDoesNotThrow(() -> policy.check("zebrapot"));
  }

  @Test
  void rejectsSevenCharacters() {
    PasswordPolicyException e =
        assertThrows(PasswordPolicyException.class, () -> policy.check("zebrap7"));

    assertEquals(List.of(PasswordRule.TOO_SHORT), e.failedRules());
    assertEquals("Use at least 8 characters.", e.getMessage());
  }

  @Test
  void acceptsOneHundredTwentyEightCharacters() {
    assertDoesNotThrow(() -> policy.check("a1b2".repeat(32)));
  }

  @Test
  void rejectsOneHundredTwentyNineCharactersInsteadOfTruncating() {
    PasswordPolicyException e =
        assertThrows(PasswordPolicyException.class, () -> policy.check("a1b2".repeat(32) + "x"));

    assertEquals(List.of(PasswordRule.TOO_LONG), e.failedRules());
    assertEquals("Use at most 128 characters.", e.getMessage());
  }

  @Test
  void countsCodePointsNotUtf16Units() {
    // Eight emoji are sixteen UTF-16 units but eight characters.
    assertDoesNotThrow(() -> policy.check("\uD83D\uDD12".repeat(8)));
    assertThrows(PasswordPolicyException.class, () -> policy.check("\uD83D\uDD12".repeat(7)));
  }

  @Test
  void rejectsACommonPassword() {
    PasswordPolicyException e =
        assertThrows(PasswordPolicyException.class, () -> policy.check("password1"));

    assertEquals(List.of(PasswordRule.COMMON_PASSWORD), e.failedRules());
    assertEquals("password_common", e.failedRules().get(0).code());
    assertEquals("This password is too common; choose another.", e.getMessage());
  }

  @Test
  void rejectsACommonPasswordIgnoringCase() {
    PasswordPolicyException e =
        assertThrows(PasswordPolicyException.class, () -> policy.check("BaseBall1"));

    assertTrue(e.failed(PasswordRule.COMMON_PASSWORD));
  }

  @Test
  void refusalNeverQuotesThePassword() {
    PasswordPolicyException e =
        assertThrows(PasswordPolicyException.class, () -> policy.check("qwertyuiop"));

    assertFalse(e.getMessage().contains("qwertyuiop"));
  }

  @Test
  void shortAndCommonReportsBothRules() {
    PasswordPolicyException e =
        assertThrows(PasswordPolicyException.class, () -> policy.check("dragon"));

    assertEquals(List.of(PasswordRule.TOO_SHORT, PasswordRule.COMMON_PASSWORD), e.failedRules());
    assertEquals(
        "Use at least 8 characters. This password is too common; choose another.", e.getMessage());
  }

  @Test
  void lettersAndNumbersOptionRejectsLettersOnly() {
    PasswordPolicy strict = PasswordPolicy.builder().requireLettersAndNumbers(true).build();

    PasswordPolicyException e =
        assertThrows(PasswordPolicyException.class, () -> strict.check("zebrapotato"));

    assertEquals(List.of(PasswordRule.NO_DIGIT), e.failedRules());
    assertEquals("Include at least one digit.", e.getMessage());
  }

  @Test
  void lettersAndNumbersOptionRejectsDigitsOnly() {
    PasswordPolicy strict = PasswordPolicy.builder().requireLettersAndNumbers(true).build();

    PasswordPolicyException e =
        assertThrows(PasswordPolicyException.class, () -> strict.check("9081726354"));

    assertEquals(List.of(PasswordRule.NO_LETTER), e.failedRules());
  }

  @Test
  void lettersAndNumbersOptionAcceptsNonLatinLetters() {
    PasswordPolicy strict = PasswordPolicy.builder().requireLettersAndNumbers(true).build();

    assertDoesNotThrow(() -> strict.check("пароль-из-9-букв"));
  }

  @Test
  void lettersAndNumbersIsOffByDefault() {
    assertFalse(policy.requiresLettersAndNumbers());
    assertDoesNotThrow(() -> policy.check("zebrapotato"));
  }

  @Test
  void refusesAMinimumBelowEight() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PasswordPolicy.builder().minLength(7).build());
    assertEquals("Password minimum length must be at least 8", e.getMessage());
  }

  @Test
  void refusesAMaximumBelowSixtyFour() {
    assertThrows(
        IllegalArgumentException.class, () -> PasswordPolicy.builder().maxLength(63).build());
  }

  @Test
  void usesAGivenList() {
    PasswordPolicy custom =
        PasswordPolicy.builder().commonPasswords(CommonPasswords.of(List.of("Zebrapot"))).build();

    assertThrows(PasswordPolicyException.class, () -> custom.check("zebraPOT"));
    assertDoesNotThrow(() -> custom.check("password1"));
  }

  @Test
  void bundledListHoldsAtLeastTenThousandPasswords() {
    CommonPasswords bundled = CommonPasswords.bundled();

    assertTrue(bundled.size() >= 10_000, "size " + bundled.size());
    assertTrue(bundled.contains("123456"));
    assertTrue(bundled.contains("iloveyou"));
    assertFalse(bundled.contains("correct horse battery staple zebra"));
  }
}
