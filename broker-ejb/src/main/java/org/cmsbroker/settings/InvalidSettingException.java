package org.cmsbroker.settings;

/**
 * A setting's value breaks its rule. The message is {@code ENVIRONMENT_NAME: problem} and never
 * contains the value of a secret setting. It is an {@link IllegalStateException} so that, inside
 * the server, a bad value stops the deployment.
 */
public final class InvalidSettingException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String setting;
  private final String problem;

  /**
   * @param setting the dotted name of the setting
   * @param problem what is wrong, in words that name no secret
   */
  public InvalidSettingException(String setting, String problem) {
    super(Setting.environmentName(setting) + ": " + problem);
    this.setting = setting;
    this.problem = problem;
  }

  /** The dotted name of the setting, for example {@code broker.https.port}. */
  public String setting() {
    return setting;
  }

  /** The environment-variable form of the setting's name, for example {@code BROKER_HTTPS_PORT}. */
  public String environmentName() {
    return Setting.environmentName(setting);
  }

  /** What is wrong, without the setting's name. */
  public String problem() {
    return problem;
  }
}
