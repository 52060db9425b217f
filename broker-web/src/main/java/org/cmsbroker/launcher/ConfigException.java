package org.cmsbroker.launcher;

/**
 * A setting that stops start-up: names the setting (in its environment-variable form) and the
 * problem, in one line, never with a secret value in it.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String setting;
  private final String problem;

  public ConfigException(String setting, String problem) {
    super(setting + ": " + problem);
    this.setting = setting;
    this.problem = problem;
  }

  public String setting() {
    return setting;
  }

  public String problem() {
    return problem;
  }
}
