package org.cmsbroker.json;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Parses untrusted JSON bodies strictly: well-formed UTF-8 only (no replacement characters), no
 * lenient syntax (comments, single quotes, unquoted names, trailing commas), exactly one value and
 * nothing after it. Used for the bodies strangers send (Stripe webhooks, CSP reports), so that what
 * is parsed is exactly what was signed or sent. Stateless and thread-safe.
 */
public final class StrictJson {
  private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

  /** Why a body was refused. */
  public enum Problem {
    /** Not well-formed UTF-8. */
    NOT_UTF8,
    /** UTF-8, but not exactly one strict JSON value. */
    NOT_JSON
  }

  /** A body that is not strict JSON; says which {@link Problem}, never the body. */
  public static final class InvalidJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Problem problem;

    InvalidJsonException(Problem problem) {
      super(problem == Problem.NOT_UTF8 ? "not UTF-8" : "not valid JSON", null, false, false);
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  private StrictJson() {}

  /**
   * The one JSON value in {@code body}; a JSON {@code null} is {@link
   * com.google.gson.JsonNull#INSTANCE}.
   *
   * @throws InvalidJsonException if the body is not UTF-8 or not exactly one strict JSON value
   */
  public static JsonElement parse(byte[] body) throws InvalidJsonException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidJsonException(Problem.NOT_UTF8);
    }
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      reader.setLenient(false);
      JsonElement element = ELEMENTS.read(reader);
      if (element == null || reader.peek() != JsonToken.END_DOCUMENT) {
        throw new InvalidJsonException(Problem.NOT_JSON);
      }
      return element;
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw new InvalidJsonException(Problem.NOT_JSON);
    }
  }
}
