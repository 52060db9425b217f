package org.cmsbroker.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.cmsbroker.audit.AuditCheckpoint;
import org.cmsbroker.audit.AuditSigner;

/**
 * Signs audit checkpoints with the broker's current ES256 signing key, as a compact JWS of type
 * {@value #TYPE} (never a token: no audience, and userinfo, introspection and ID-token checks all
 * refuse its type). Verifies with any key the broker still publishes, so a checkpoint made just
 * before a rotation still verifies.
 */
@ApplicationScoped
public class AuditCheckpointSigner implements AuditSigner {
  static final String TYPE = "audit-checkpoint+jws";

  @Inject SigningKeys keys;

  @Override
  public String sign(AuditCheckpoint checkpoint) {
    if (keys.ring() == null) {
      throw new IllegalStateException("the signing keys are not loaded yet");
    }
    SigningKey key = keys.ring().current(SigningAlgorithm.ES256);
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", keys.settings().issuer());
    claims.put("seq", checkpoint.seq());
    claims.put("hash", checkpoint.hash());
    claims.put("at", checkpoint.at().getEpochSecond());
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(key.keyId())
                .type(new JOSEObjectType(TYPE))
                .build(),
            new Payload(claims));
    try {
      jws.sign(key.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("the audit checkpoint could not be signed", e);
    }
    return jws.serialize();
  }

  @Override
  public Optional<AuditCheckpoint> verify(String compact) {
    if (compact == null || keys.ring() == null) {
      return Optional.empty();
    }
    try {
      JWSObject jws = JWSObject.parse(compact);
      JWSHeader header = jws.getHeader();
      if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())
          || header.getType() == null
          || !TYPE.equals(header.getType().getType())
          || header.getKeyID() == null) {
        return Optional.empty();
      }
      Optional<SigningKey> key = keys.ring().findPublished(header.getKeyID());
      if (key.isEmpty()
          || key.get().algorithm() != SigningAlgorithm.ES256
          || !jws.verify(key.get().verifier())) {
        return Optional.empty();
      }
      Map<String, Object> claims = jws.getPayload().toJSONObject();
      if (claims == null || !keys.settings().issuer().equals(claims.get("iss"))) {
        return Optional.empty();
      }
      return Optional.of(
          new AuditCheckpoint(
              ((Number) claims.get("seq")).longValue(),
              (String) claims.get("hash"),
              Instant.ofEpochSecond(((Number) claims.get("at")).longValue())));
    } catch (ParseException | JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
