package org.cmsbroker.persistence;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The class of a stored field in the design's data classification (DESIGN.md section 1), and how it
 * is kept at rest. Every persistent field of every entity carries one; columns no entity maps are
 * listed with theirs in {@link UnmappedColumns}. {@code DataClassificationTest} fails when one is
 * missing, and when a {@link Level#CONFIDENTIAL} value is kept {@link AtRest#PLAIN} without a
 * listed reason.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface DataClass {
  /** The field's class. */
  Level value();

  /** How the value is kept in the database; plain unless said otherwise. */
  AtRest atRest() default AtRest.PLAIN;

  /** The four classes of the design. */
  enum Level {
    /** May be shown to anyone: JWKS, key ids, discovery. */
    PUBLIC,
    /** Externally sensitive: ids, amounts, statuses, event types, times. Stored plain, logged. */
    RESTRICTED,
    /**
     * Internally sensitive: emails, names, session and refresh tokens, client and webhook secrets,
     * callback payloads, private keys. Stored encrypted (AES-256-GCM) or hashed; redacted in logs.
     */
    CONFIDENTIAL,
    /**
     * Extremely sensitive: plaintext passwords, card numbers, CVCs. Never stored, so no stored
     * field may carry this class; it exists so that the test can say so.
     */
    SECRET
  }

  /** How a value is kept in the database. */
  enum AtRest {
    /** As it is. */
    PLAIN,
    /** AES-256-GCM through {@code org.cmsbroker.crypto.FieldCipher}. */
    ENCRYPTED,
    /**
     * Only a one-way function of it: SHA-256 of a full-entropy token, an HMAC blind index, or an
     * Argon2id password hash.
     */
    HASHED
  }
}
