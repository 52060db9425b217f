/**
 * Incoming webhooks: authenticates what Stripe posts to the broker before anything in the body is
 * believed, and reads it with Stripe's own library.
 *
 * <p><b>Stripe's library verifies and parses.</b> {@link
 * org.cmsbroker.webhook.StripeSignatureVerifier} (built once, by {@link
 * org.cmsbroker.webhook.StripeWebhookVerification}) calls {@code
 * com.stripe.net.Webhook.Signature.verifyHeader} and {@code Webhook.constructEvent}; {@link
 * org.cmsbroker.webhook.StripeWebhookEvent} reads the typed {@code checkout.Session}, {@code
 * PaymentIntent}, {@code Charge}, {@code Refund} and {@code Dispute} through {@code
 * EventDataObjectDeserializer}. What stays hand-written, and why:
 *
 * <ul>
 *   <li>the body limit (256 KiB, before any hashing) and a header length limit: the library reads
 *       whatever it is given;
 *   <li>several secrets during a rotation: the library takes one secret, so each configured one is
 *       tried in turn (a stale but authentic event is refused as stale at once);
 *   <li>strict UTF-8 and strict JSON before parsing: the library hashes a Java string (a malformed
 *       byte would become a replacement character) and its Gson reader is lenient (unquoted names,
 *       single quotes), so the body is checked to be exactly one well-formed JSON value first
 *       ({@link org.cmsbroker.json.StrictJson});
 *   <li>the refusal reason: the library says why only in its exception message, which is mapped to
 *       a fixed {@link org.cmsbroker.webhook.StripeSignatureException.Reason}; the header, body and
 *       secrets never reach a message or a log;
 *   <li>an event whose API version is not the library's: {@code getObject()} is empty, so the
 *       object is read with {@code deserializeUnsafe()}, which is safe here because the broker uses
 *       only fields that kept their name and meaning across versions (ids, amounts, currency,
 *       status, metadata) and the typed classes refuse a field whose JSON type changed. If even
 *       that fails, the event is {@code unparseable}: answered 200 (a redelivery would fail the
 *       same way), recorded, listed by {@code admin payments review}, nothing changed.
 * </ul>
 *
 * <p>Every failure before the event is read answers one {@code 400} and stores nothing; nothing
 * Stripe may send answers {@code 500}.
 */
package org.cmsbroker.webhook;
