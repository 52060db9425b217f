package org.cmsbroker.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.passay.dictionary.ArrayWordList;
import org.passay.dictionary.Dictionary;
import org.passay.dictionary.WordListDictionary;
import org.passay.dictionary.sort.ArraysSort;

/**
 * A list of common and breached passwords as a case-insensitive Passay {@link Dictionary}. {@link
 * #bundled()} is the list shipped in this package ({@code common-passwords.txt}; source and license
 * in the README beside it). Immutable and thread-safe.
 */
public final class CommonPasswords {

  static final String BUNDLED_RESOURCE = "common-passwords.txt";

  private static volatile CommonPasswords bundled;

  private final Dictionary dictionary;

  private CommonPasswords(List<String> words) {
    // Case-insensitive: the shipped list is lower case, and "Password123" is as weak.
    this.dictionary =
        new WordListDictionary(
            new ArrayWordList(words.toArray(new String[0]), false, new ArraysSort()));
  }

  /** The shipped list, read once and then shared. */
  public static CommonPasswords bundled() {
    CommonPasswords list = bundled;
    if (list == null) {
      synchronized (CommonPasswords.class) {
        list = bundled;
        if (list == null) {
          list = bundled = new CommonPasswords(readBundled());
        }
      }
    }
    return list;
  }

  /** A list of the given passwords (for tests, or an operator's own list). */
  public static CommonPasswords of(List<String> passwords) {
    List<String> words = new ArrayList<>(passwords.size());
    for (String p : passwords) {
      words.add(p.toLowerCase(Locale.ROOT));
    }
    return new CommonPasswords(words);
  }

  /** Number of passwords on the list. */
  public long size() {
    return dictionary.size();
  }

  /** Whether {@code password} is on the list, ignoring case. */
  public boolean contains(CharSequence password) {
    return dictionary.search(password);
  }

  Dictionary dictionary() {
    return dictionary;
  }

  private static List<String> readBundled() {
    InputStream in = CommonPasswords.class.getResourceAsStream(BUNDLED_RESOURCE);
    if (in == null) {
      throw new IllegalStateException("Missing resource " + BUNDLED_RESOURCE);
    }
    List<String> words = new ArrayList<>(50_000);
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isEmpty()) {
          words.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + BUNDLED_RESOURCE, e);
    }
    return words;
  }
}
