package org.cmsbroker.client;

/** Whether a client can keep a secret (RFC 6749 section 2.1). */
public enum ClientType {
  /** A server-side site that holds a secret and authenticates with it. */
  CONFIDENTIAL,
  /** A client that cannot keep a secret (a browser or mobile app); it has none and uses PKCE. */
  PUBLIC
}
