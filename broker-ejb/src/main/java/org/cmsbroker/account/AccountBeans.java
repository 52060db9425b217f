package org.cmsbroker.account;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.crypto.Argon2idPasswordHasher;
import org.cmsbroker.crypto.BoundedPasswordHasher;
import org.cmsbroker.crypto.PasswordHasher;

/**
 * Produces the password hasher (Argon2id, OWASP parameters, at most one hash per core at once: see
 * {@link BoundedPasswordHasher}) and the configured policy.
 */
@ApplicationScoped
public class AccountBeans {
  @Inject BrokerConfig config;

  private final PasswordHasher hasher =
      BoundedPasswordHasher.forThisMachine(new Argon2idPasswordHasher());
  private volatile PasswordPolicy policy;

  @Produces
  public PasswordHasher passwordHasher() {
    return hasher;
  }

  @Produces
  public PasswordPolicy passwordPolicy() {
    PasswordPolicy p = policy;
    if (p == null) {
      p =
          PasswordPolicy.builder()
              .requireLettersAndNumbers(config.passwordLettersAndNumbers())
              .build();
      policy = p;
    }
    return p;
  }
}
