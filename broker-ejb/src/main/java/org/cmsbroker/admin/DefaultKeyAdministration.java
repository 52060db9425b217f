package org.cmsbroker.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cmsbroker.token.SigningAlgorithm;
import org.cmsbroker.token.SigningKey;
import org.cmsbroker.token.SigningKeyRing.ScheduledKey;
import org.cmsbroker.token.SigningKeys;

/** Signing-key administration through the broker's key ring. */
@ApplicationScoped
public class DefaultKeyAdministration implements KeyAdministration {
  @Inject SigningKeys keys;

  @Override
  public List<List<String>> list() {
    List<List<String>> rows = new ArrayList<>();
    for (ScheduledKey k : keys.ring().schedule()) {
      rows.add(
          List.of(
              k.key().keyId(),
              k.key().algorithm().name(),
              k.status().name().toLowerCase(Locale.ROOT),
              AdminTable.timeFrom(k.signsFrom()),
              AdminTable.time(k.publishedUntil().orElse(null))));
    }
    return rows;
  }

  @Override
  public Rotated rotate(String algorithm) {
    SigningAlgorithm alg =
        SigningAlgorithm.named(algorithm)
            .orElseThrow(() -> new IllegalArgumentException("unknown algorithm"));
    SigningKey before = keys.ring().current(alg);
    SigningKey made = keys.rotateNow(alg);
    return new Rotated(
        made.keyId(), keys.ring().signsFrom(made.keyId()).orElse(made.createdAt()), before.keyId());
  }
}
