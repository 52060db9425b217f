package org.cmsbroker.payment;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds text that looks like a payment card number (PAN): 13 to 19 ASCII digits, written together
 * or in groups separated by single spaces or dashes, that pass the Luhn check. Card data must never
 * reach the broker, so anything that looks like a card number is refused or scrubbed.
 *
 * <p>Digit groups are never split: a run of 20 or more digits written together is not a card
 * number, but a card number written next to other groups ({@code "Order 12345 4242 4242 4242
 * 4242"}) is found. Digits touching letters count ({@code "ref4242424242424242"}). Thread-safe and
 * stateless; never returns the digits it found.
 */
public final class CardNumberDetector {

  /** The fewest digits of a card number (ISO/IEC 7812). */
  public static final int MIN_DIGITS = 13;

  /** The most digits of a card number (ISO/IEC 7812). */
  public static final int MAX_DIGITS = 19;

  private CardNumberDetector() {}

  /** Whether {@code text} holds something that looks like a card number; false for null. */
  public static boolean containsCardNumber(CharSequence text) {
    if (text == null) {
      return false;
    }
    List<int[]> groups = digitGroups(text);
    for (int first = 0; first < groups.size(); first++) {
      int digits = 0;
      for (int last = first; last < groups.size(); last++) {
        if (last > first && !joined(text, groups.get(last - 1), groups.get(last))) {
          break;
        }
        int[] group = groups.get(last);
        digits += group[1] - group[0];
        if (digits > MAX_DIGITS) {
          break;
        }
        if (digits >= MIN_DIGITS && passesLuhn(text, groups.subList(first, last + 1))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Maximal runs of ASCII digits, as {start, end} index pairs. */
  private static List<int[]> digitGroups(CharSequence text) {
    List<int[]> groups = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      if (isDigit(text.charAt(i))) {
        int start = i;
        while (i < text.length() && isDigit(text.charAt(i))) {
          i++;
        }
        groups.add(new int[] {start, i});
      } else {
        i++;
      }
    }
    return groups;
  }

  /** Whether two neighbouring groups are separated by exactly one space or dash. */
  private static boolean joined(CharSequence text, int[] left, int[] right) {
    if (right[0] - left[1] != 1) {
      return false;
    }
    char separator = text.charAt(left[1]);
    return separator == ' ' || separator == '-';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The Luhn (mod 10) check over the groups' digits, rightmost digit first. */
  private static boolean passesLuhn(CharSequence text, List<int[]> groups) {
    int sum = 0;
    boolean doubled = false;
    for (int g = groups.size() - 1; g >= 0; g--) {
      int[] group = groups.get(g);
      for (int i = group[1] - 1; i >= group[0]; i--) {
        int digit = text.charAt(i) - '0';
        if (doubled) {
          digit *= 2;
          if (digit > 9) {
            digit -= 9;
          }
        }
        sum += digit;
        doubled = !doubled;
      }
    }
    return sum % 10 == 0;
  }
}
