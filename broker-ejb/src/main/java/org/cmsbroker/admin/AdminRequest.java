package org.cmsbroker.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed admin request: the command (for example {@code user.add}) and its parameters, each name
 * with one or more decoded values in the order sent. Immutable.
 *
 * @param command the value of the first line, {@code command=...}
 * @param parameters every other line by name; never null
 */
public record AdminRequest(String command, Map<String, List<String>> parameters) {

  public AdminRequest {
    parameters = Map.copyOf(parameters);
  }

  /** The value of a parameter sent at most once, if sent. */
  public Optional<String> single(String name) throws AdminProtocolException {
    List<String> values = parameters.getOrDefault(name, List.of());
    if (values.size() > 1) {
      throw new AdminProtocolException(
          AdminProtocolException.BAD_REQUEST, "\"" + name + "\" was given more than once");
    }
    return values.stream().findFirst();
  }

  /** The value of a parameter that must be sent exactly once. */
  public String required(String name) throws AdminProtocolException {
    return single(name)
        .orElseThrow(
            () ->
                new AdminProtocolException(
                    AdminProtocolException.BAD_REQUEST, "\"" + name + "\" is missing"));
  }

  /** Every value of a repeatable parameter, possibly none. */
  public List<String> all(String name) {
    return parameters.getOrDefault(name, List.of());
  }

  /** Refuses parameters the command does not take. */
  public void allowOnly(Set<String> names) throws AdminProtocolException {
    for (String name : parameters.keySet()) {
      if (!names.contains(name)) {
        throw new AdminProtocolException(
            AdminProtocolException.BAD_REQUEST,
            command + " does not take \"" + AdminProtocol.printable(name) + "\"");
      }
    }
  }

  @Override
  public String toString() {
    // Never show values: one of them may be a password.
    return "AdminRequest[command=" + command + ", parameters=" + parameters.keySet() + "]";
  }
}
