package org.cmsbroker.web.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTML template from {@code org/cmsbroker/web/pages/}: {@code {{name}}} is replaced by the
 * escaped value, {@code {{{name}}}} by a value that is already HTML (built from escaped parts). A
 * missing value is an error, so nothing renders half-filled. Templates are cached; thread-safe.
 */
public final class PageTemplate {
  private static final Pattern SLOT =
      Pattern.compile("\\{\\{(\\{?)([a-zA-Z][a-zA-Z0-9_]*)\\}?\\}\\}");
  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private PageTemplate() {}

  public static String render(String name, Map<String, String> values) {
    String template = CACHE.computeIfAbsent(name, PageTemplate::load);
    Matcher m = SLOT.matcher(template);
    StringBuilder out = new StringBuilder(template.length() + 512);
    while (m.find()) {
      String key = m.group(2);
      if (!values.containsKey(key)) {
        throw new IllegalArgumentException("template " + name + " needs " + key);
      }
      String value = values.get(key);
      m.appendReplacement(
          out, Matcher.quoteReplacement(m.group(1).isEmpty() ? Html.escape(value) : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String load(String name) {
    try (InputStream in =
        PageTemplate.class.getResourceAsStream("/org/cmsbroker/web/pages/" + name + ".html")) {
      if (in == null) {
        throw new IllegalArgumentException("no template " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
