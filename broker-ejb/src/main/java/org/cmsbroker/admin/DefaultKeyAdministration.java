package org.cmsbroker.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.cmsbroker.token.SigningAlgorithm;
import org.cmsbroker.token.SigningKey;
import org.cmsbroker.token.SigningKeys;

/** Signing-key administration through the broker's key ring. */
@ApplicationScoped
public class DefaultKeyAdministration implements KeyAdministration {
  @Inject SigningKeys keys;

  @Override
  public List<List<String>> list() {
    List<List<String>> rows = new ArrayList<>();
    for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
      SigningKey current = keys.ring().current(algorithm);
      keys.publicJwks()
          .getKeys()
          .forEach(
              jwk -> {
                if (algorithm.jwsAlgorithm().equals(jwk.getAlgorithm())) {
                  rows.add(
                      List.of(
                          jwk.getKeyID(),
                          algorithm.name(),
                          jwk.getKeyID().equals(current.keyId()) ? "current" : "retired"));
                }
              });
    }
    return rows;
  }

  @Override
  public String rotate(String algorithm) {
    SigningAlgorithm alg =
        SigningAlgorithm.named(algorithm)
            .orElseThrow(() -> new IllegalArgumentException("unknown algorithm"));
    return keys.rotateNow(alg).keyId();
  }
}
