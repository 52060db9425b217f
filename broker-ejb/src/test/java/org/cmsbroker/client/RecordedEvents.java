package org.cmsbroker.client;

import java.util.ArrayList;
import java.util.List;
import org.cmsbroker.audit.SecurityEvents;

/** Security events kept in a list, for tests: "type client_id detail". */
final class RecordedEvents extends SecurityEvents {
  final List<String> recorded = new ArrayList<>();

  @Override
  public void record(
      String type,
      Outcome outcome,
      String subjectId,
      String clientId,
      String remoteIp,
      String detail) {
    recorded.add(type + " " + clientId + (detail == null ? "" : " " + detail));
  }

  @Override
  public void record(
      String type, Outcome outcome, String subjectId, String remoteIp, String detail) {
    record(type, outcome, subjectId, null, remoteIp, detail);
  }
}
