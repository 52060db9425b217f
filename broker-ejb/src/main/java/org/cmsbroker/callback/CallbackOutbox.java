package org.cmsbroker.callback;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.SecretTokens;

/**
 * The outbox of callbacks to the CRM (table {@code callback_message}).
 *
 * <p>{@link #enqueue} joins the caller's transaction, so a message exists exactly when the change
 * it reports was committed. Dispatchers on any number of broker instances {@link #claimDue lease}
 * due messages with conditional updates: a message is held by one dispatcher at a time, and a lease
 * that runs out (the instance died mid-delivery) lets another take it, so a restart loses nothing.
 * Delivery is at least once; the message id is the {@code webhook-id} the CRM uses to drop repeats.
 * Lease times compare against this instance's clock: keep the instances' clocks in sync (NTP) well
 * within the lease duration. Messages of one subject (a payment) are leased one at a time, in the
 * order of their sequence numbers: a later one waits until the earlier one is delivered (or dead).
 *
 * <p>Each message made or replayed fires a {@link CallbackEnqueued} event, which a transactional
 * observer turns into a prompt delivery once the transaction has committed; the periodic sweep
 * delivers whatever that misses. Retries follow {@link RetrySchedule#withBase} with the configured
 * base.
 *
 * <p>Payloads are encrypted at rest with {@link FieldCipher}. Arguments must not be null unless
 * said otherwise.
 */
@Stateless
public class CallbackOutbox {
  /** Payloads are small JSON documents; a larger one is a bug in the caller. */
  public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

  public static final String PAYLOAD = "callback_message.payload";

  /** The security event type of a message the CRM took (a 2xx answer). */
  public static final String DELIVERED_EVENT = "callback.delivered";

  private static final Pattern EVENT_TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
  private static final int MAX_ERROR_CHARS = 200;
  private static final String OPEN = "m.status IN ('pending', 'delivering')";
  private static final String LEASE_FREE = "(m.leaseUntil IS NULL OR m.leaseUntil < :now)";

  /** Pages of candidates one claim looks through for messages it may lease. */
  private static final int CANDIDATE_PAGES = 5;

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject FieldCipher cipher;
  @Inject SecureRandom random;
  @Inject BrokerConfig config;
  @Inject Event<CallbackEnqueued> enqueued;
  @Inject SecurityEvents events;

  /** The broker's clock ({@link org.cmsbroker.time.Clocks}); tests set their own. */
  @Inject Clock clock;

  /** Tests set this to fix the jitter; null uses {@link #random}. */
  RandomGenerator jitter;

  RetrySchedule schedule = RetrySchedule.DEFAULT;

  @PostConstruct
  void configure() {
    schedule = RetrySchedule.withBase(config.callbackRetryBase());
  }

  /** Tells the observers, once the transaction commits, that a message is due now. */
  private void announce(String id) {
    // Null only in tests that build the outbox by hand.
    if (enqueued != null) {
      enqueued.fire(new CallbackEnqueued(id));
    }
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  private RandomGenerator jitter() {
    return jitter != null ? jitter : random;
  }

  /**
   * Adds a message for {@code clientId}'s CRM, due at once, in the caller's transaction. The
   * payload gets two more members a receiver orders messages by: {@value #OCCURRED_AT} ({@code
   * occurredAt} in RFC 3339, UTC) and {@value #SEQUENCE} ({@code sequence}).
   *
   * @param eventType lower case, for example {@code payment.succeeded}
   * @param payloadJson the JSON object to send, at most {@link #MAX_PAYLOAD_BYTES} in UTF-8 with
   *     the two members added, without members of those names
   * @param occurredAt when what the message reports happened: Stripe's {@code created} of the
   *     event, or the time the broker made the outcome itself
   * @param sequence the message's number among its subject's messages (for a payment: strictly
   *     increasing per payment, given in this same transaction), at least 1
   * @return the message id, which is also its {@code webhook-id}
   * @throws IllegalArgumentException for a malformed event type or payload, or an oversized payload
   *     (a bug)
   */
  public String enqueue(
      String clientId, String eventType, String payloadJson, Instant occurredAt, long sequence) {
    return enqueue(clientId, null, eventType, payloadJson, occurredAt, sequence);
  }

  /**
   * {@link #enqueue(String, String, String, Instant, long) Adds} a message about {@code subject}
   * (for a payment callback, the payment id). Messages of one subject are delivered in the order of
   * their {@code sequence}: one is leased only once every message of the subject with a smaller
   * sequence has been delivered (or has gone dead), so they are never in flight together.
   *
   * @param subject at most 40 characters, or null for a message that keeps no order with others
   */
  public String enqueue(
      String clientId,
      String subject,
      String eventType,
      String payloadJson,
      Instant occurredAt,
      long sequence) {
    if (subject != null && (subject.isEmpty() || subject.length() > 40)) {
      throw new IllegalArgumentException("subject must be 1 to 40 characters");
    }
    if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
      throw new IllegalArgumentException("client id must be 1 to 128 characters");
    }
    if (eventType == null || !EVENT_TYPE.matcher(eventType).matches()) {
      throw new IllegalArgumentException("event type must match " + EVENT_TYPE.pattern());
    }
    if (occurredAt == null || sequence < 1) {
      throw new IllegalArgumentException("a message needs its time and a positive sequence");
    }
    String payload = withOrder(payloadJson, occurredAt, sequence);
    if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("payload must be present and at most 64 KiB");
    }
    String id = newId();
    em.persist(
        new CallbackMessage(
            id,
            clientId,
            subject,
            eventType,
            cipher.encrypt(PAYLOAD, id, payload),
            now(),
            occurredAt.atOffset(ZoneOffset.UTC),
            sequence));
    announce(id);
    return id;
  }

  /** Payload member: when what the message reports happened (RFC 3339, UTC, seconds). */
  public static final String OCCURRED_AT = "occurred_at";

  /** Payload member: the message's number in its payment's sequence. */
  public static final String SEQUENCE = "sequence";

  /** {@code payloadJson} with {@link #OCCURRED_AT} and {@link #SEQUENCE} added. */
  static String withOrder(String payloadJson, Instant occurredAt, long sequence) {
    if (payloadJson == null || payloadJson.length() > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("payload must be present and at most 64 KiB");
    }
    JsonObject object;
    try {
      JsonElement parsed = JsonParser.parseString(payloadJson);
      if (!parsed.isJsonObject()) {
        throw new IllegalArgumentException("payload must be a JSON object");
      }
      object = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("payload must be a JSON object");
    }
    if (object.has(OCCURRED_AT) || object.has(SEQUENCE)) {
      throw new IllegalArgumentException(
          "the payload must leave the ordering members to the outbox");
    }
    object.addProperty(
        OCCURRED_AT,
        DateTimeFormatter.ISO_INSTANT.format(occurredAt.truncatedTo(ChronoUnit.SECONDS)));
    object.addProperty(SEQUENCE, sequence);
    return object.toString();
  }

  private String newId() {
    return SecretTokens.randomId("msg_", 16, random);
  }

  /**
   * Leases up to {@code max} due messages to {@code owner}; {@link #claimDue(String, ClaimLimits,
   * Duration)} with no limit per client.
   */
  public List<LeasedMessage> claimDue(String owner, int max, Duration lease) {
    if (max < 1 || max > 100) {
      throw new IllegalArgumentException("max must be 1 to 100");
    }
    return claimDue(owner, ClaimLimits.of(max), lease);
  }

  /**
   * Leases due messages to {@code owner} for {@code lease}, within {@code limits}, counting the
   * attempt each is leased for. A message of a subject is due only while no message of the same
   * subject with a smaller sequence is pending or being delivered (see {@link #enqueue(String,
   * String, String, String, Instant, long)}), which is checked in the same transaction. Each
   * message is taken by a conditional update that succeeds only while the message is open and its
   * lease free, so two dispatchers never hold the same message. Call it in a transaction of its
   * own, and send outside any transaction.
   *
   * @param owner this dispatcher, unique per broker instance (at most 64 characters)
   * @return the leased messages, payloads decrypted, earliest due first; possibly fewer than due
   *     when another dispatcher took some or the limits left no room
   */
  public List<LeasedMessage> claimDue(String owner, ClaimLimits limits, Duration lease) {
    if (owner == null || owner.isEmpty() || owner.length() > 64) {
      throw new IllegalArgumentException("owner must be 1 to 64 characters");
    }
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive");
    }
    OffsetDateTime now = now();
    Set<String> closed = limits.closed();
    // More candidates than leases, so that clients with little room leave some to others.
    int window = Math.min(4 * limits.total(), 200);
    Map<String, Integer> taken = new HashMap<>();
    List<Object[]> chosen = new ArrayList<>();
    for (int page = 0; page < CANDIDATE_PAGES && chosen.size() < limits.total(); page++) {
      TypedQuery<Object[]> query =
          em.createQuery(
                  "SELECT m.id, m.clientId, m.subject, m.sequenceNumber FROM CallbackMessage m"
                      + " WHERE "
                      + OPEN
                      + " AND m.nextAttemptAt <= :now AND "
                      + LEASE_FREE
                      + (closed.isEmpty() ? "" : " AND m.clientId NOT IN :closed")
                      + " ORDER BY m.nextAttemptAt, m.id",
                  Object[].class)
              .setParameter("now", now)
              .setFirstResult(page * window)
              .setMaxResults(window);
      if (!closed.isEmpty()) {
        query.setParameter("closed", closed);
      }
      List<Object[]> candidates = query.getResultList();
      Map<String, Long> firstOpen = firstOpenSequences(candidates);
      for (Object[] candidate : candidates) {
        if (chosen.size() >= limits.total()) {
          break;
        }
        String clientId = (String) candidate[1];
        String subject = (String) candidate[2];
        // Only the earliest open message of a subject may go: the later ones wait for it.
        if (subject != null && !candidate[3].equals(firstOpen.get(subject))) {
          continue;
        }
        int already = taken.getOrDefault(clientId, 0);
        if (already < limits.roomOf(clientId)) {
          taken.put(clientId, already + 1);
          chosen.add(candidate);
        }
      }
      if (candidates.size() < window) {
        break;
      }
    }
    // Take row locks in one global order (the immutable id), so concurrent claimers cannot
    // deadlock on each other.
    chosen.sort(Comparator.comparing(c -> (String) c[0]));
    List<String> claimed = new ArrayList<>();
    for (Object[] candidate : chosen) {
      int updated =
          em.createQuery(
                  "UPDATE CallbackMessage m SET m.status = 'delivering', m.leaseOwner = :owner,"
                      + " m.leaseUntil = :until, m.attempts = m.attempts + 1"
                      + " WHERE m.id = :id AND "
                      + OPEN
                      + " AND m.nextAttemptAt <= :now AND "
                      + LEASE_FREE)
              .setParameter("owner", owner)
              .setParameter("until", now.plus(lease))
              .setParameter("id", candidate[0])
              .setParameter("now", now)
              .executeUpdate();
      if (updated == 1) {
        claimed.add((String) candidate[0]);
      }
    }
    if (claimed.isEmpty()) {
      return List.of();
    }
    List<LeasedMessage> leased = new ArrayList<>();
    for (CallbackMessage m :
        em.createQuery(
                "SELECT m FROM CallbackMessage m WHERE m.id IN :ids AND m.leaseOwner = :owner"
                    + " ORDER BY m.nextAttemptAt, m.id",
                CallbackMessage.class)
            .setParameter("ids", claimed)
            .setParameter("owner", owner)
            .setHint("jakarta.persistence.cache.retrieveMode", "BYPASS")
            .setHint("eclipselink.refresh", "true")
            .getResultList()) {
      leased.add(
          new LeasedMessage(
              m.id(),
              m.clientId(),
              m.eventType(),
              cipher.decrypt(PAYLOAD, m.id(), m.payloadCiphertext()),
              m.attempts(),
              m.createdAt().toInstant(),
              owner,
              m.leaseUntil().toInstant()));
    }
    return leased;
  }

  /**
   * The smallest sequence number among the open (pending or being delivered) messages of each
   * subject of {@code candidates}: one indexed query ({@code callback_message_subject}) rather than
   * a correlated subquery per row.
   */
  private Map<String, Long> firstOpenSequences(List<Object[]> candidates) {
    Set<String> subjects = new java.util.HashSet<>();
    for (Object[] candidate : candidates) {
      if (candidate[2] != null) {
        subjects.add((String) candidate[2]);
      }
    }
    Map<String, Long> first = new HashMap<>();
    if (subjects.isEmpty()) {
      return first;
    }
    for (Object[] row :
        em.createQuery(
                "SELECT e.subject, MIN(e.sequenceNumber) FROM CallbackMessage e"
                    + " WHERE e.subject IN :subjects AND "
                    + OPEN.replace("m.", "e.")
                    + " GROUP BY e.subject",
                Object[].class)
            .setParameter("subjects", subjects)
            .getResultList()) {
      first.put((String) row[0], ((Number) row[1]).longValue());
    }
    return first;
  }

  /**
   * Records that {@code clientId}'s CRM took message {@code id}, with the security event {@value
   * #DELIVERED_EVENT} in the same transaction.
   *
   * @return false when {@code owner} no longer holds its lease (another dispatcher took it over
   *     after the lease ran out; the CRM then sees the message twice, with the same id), or the
   *     message is not {@code clientId}'s; nothing is recorded then
   */
  public boolean markDelivered(String id, String clientId, String owner, int statusCode) {
    OffsetDateTime now = now();
    boolean marked =
        em.createQuery(
                    "UPDATE CallbackMessage m SET m.status = 'delivered', m.deliveredAt = :now,"
                        + " m.leaseOwner = NULL, m.leaseUntil = NULL, m.lastStatusCode = :code,"
                        + " m.lastError = NULL"
                        + " WHERE m.id = :id AND m.clientId = :client AND m.leaseOwner = :owner"
                        + " AND m.status = 'delivering'")
                .setParameter("now", now)
                .setParameter("code", statusCode)
                .setParameter("id", id)
                .setParameter("client", clientId)
                .setParameter("owner", owner)
                .executeUpdate()
            == 1;
    if (marked) {
      events.recordWithCaller(
          DELIVERED_EVENT,
          SecurityEvents.Outcome.SUCCESS,
          null,
          clientId,
          "message=" + id + " status=" + statusCode);
    }
    return marked;
  }

  /**
   * Records a failed attempt: {@link DeliveryOutcome.GiveUp} sends the message to the dead letter;
   * {@link DeliveryOutcome.Retry} schedules the next attempt on the {@link RetrySchedule}, or the
   * dead letter once the message's window (3 days from creation or replay) has closed.
   *
   * @return the message's new status; empty when {@code owner} no longer holds its lease
   */
  public Optional<CallbackStatus> markFailed(
      String id, String owner, DeliveryOutcome.Failure failure) {
    CallbackMessage m = em.find(CallbackMessage.class, id);
    if (m == null) {
      return Optional.empty();
    }
    em.refresh(m);
    if (!owner.equals(m.leaseOwner()) || m.status() != CallbackStatus.DELIVERING) {
      return Optional.empty();
    }
    OffsetDateTime now = now();
    Optional<Instant> next = Optional.empty();
    if (failure instanceof DeliveryOutcome.Retry) {
      OffsetDateTime windowStart = m.replayedAt() != null ? m.replayedAt() : m.createdAt();
      next = schedule.next(m.attempts(), windowStart.toInstant(), now.toInstant(), jitter());
    }
    CallbackStatus status = next.isPresent() ? CallbackStatus.PENDING : CallbackStatus.DEAD;
    int updated =
        em.createQuery(
                "UPDATE CallbackMessage m SET m.status = :status, m.nextAttemptAt = :next,"
                    + " m.leaseOwner = NULL, m.leaseUntil = NULL, m.lastStatusCode = :code,"
                    + " m.lastError = :error"
                    + " WHERE m.id = :id AND m.leaseOwner = :owner AND m.status = 'delivering'")
            .setParameter("status", status.column())
            .setParameter("next", next.map(t -> t.atOffset(ZoneOffset.UTC)).orElse(now))
            .setParameter("code", failure.statusCode())
            .setParameter("error", shorten(failure.error()))
            .setParameter("id", id)
            .setParameter("owner", owner)
            .executeUpdate();
    return updated == 1 ? Optional.of(status) : Optional.empty();
  }

  private static String shorten(String error) {
    if (error == null) {
      return null;
    }
    return error.length() <= MAX_ERROR_CHARS ? error : error.substring(0, MAX_ERROR_CHARS);
  }

  /**
   * Puts a dead or delivered message back in the queue, due now, with a fresh 3-day window. Its id
   * (the {@code webhook-id}) and attempt count are kept.
   *
   * @return false when there is no such message or it is still pending or being delivered
   */
  public boolean replay(String id) {
    OffsetDateTime now = now();
    boolean replayed =
        em.createQuery(
                    "UPDATE CallbackMessage m SET m.status = 'pending', m.nextAttemptAt = :now,"
                        + " m.replayedAt = :now, m.leaseOwner = NULL, m.leaseUntil = NULL"
                        + " WHERE m.id = :id AND m.status IN ('dead', 'delivered')")
                .setParameter("now", now)
                .setParameter("id", id)
                .executeUpdate()
            == 1;
    if (replayed) {
      announce(id);
    }
    return replayed;
  }

  /**
   * {@link #replay Replays} every dead message of {@code clientId}, oldest first.
   *
   * @return the ids of the messages put back in the queue
   */
  public List<String> replayDead(String clientId) {
    List<String> dead =
        em.createQuery(
                "SELECT m.id FROM CallbackMessage m WHERE m.clientId = :client"
                    + " AND m.status = 'dead' ORDER BY m.createdAt, m.id",
                String.class)
            .setParameter("client", clientId)
            .getResultList();
    List<String> replayed = new ArrayList<>();
    for (String id : dead) {
      if (replay(id)) {
        replayed.add(id);
      }
    }
    return replayed;
  }

  /** One message's state, without its payload; empty when unknown. */
  public Optional<OutboxEntry> find(String id) {
    CallbackMessage m = em.find(CallbackMessage.class, id);
    if (m == null) {
      return Optional.empty();
    }
    em.refresh(m);
    return Optional.of(entry(m));
  }

  /** Messages matching {@code filter}, newest first, without payloads. */
  public List<OutboxEntry> list(OutboxFilter filter) {
    StringBuilder jpql = new StringBuilder("SELECT m FROM CallbackMessage m WHERE 1 = 1");
    if (filter.clientId() != null) {
      jpql.append(" AND m.clientId = :client");
    }
    if (filter.status() != null) {
      jpql.append(" AND m.status = :status");
    }
    jpql.append(" ORDER BY m.createdAt DESC, m.id");
    TypedQuery<CallbackMessage> query =
        em.createQuery(jpql.toString(), CallbackMessage.class)
            .setHint("jakarta.persistence.cache.retrieveMode", "BYPASS")
            .setHint("eclipselink.refresh", "true")
            .setMaxResults(filter.limit());
    if (filter.clientId() != null) {
      query.setParameter("client", filter.clientId());
    }
    if (filter.status() != null) {
      query.setParameter("status", filter.status().column());
    }
    return query.getResultList().stream().map(CallbackOutbox::entry).toList();
  }

  private static OutboxEntry entry(CallbackMessage m) {
    return new OutboxEntry(
        m.id(),
        m.clientId(),
        m.eventType(),
        m.status(),
        m.attempts(),
        m.nextAttemptAt().toInstant(),
        m.lastStatusCode(),
        m.lastError(),
        m.createdAt().toInstant(),
        m.deliveredAt() == null ? null : m.deliveredAt().toInstant());
  }
}
