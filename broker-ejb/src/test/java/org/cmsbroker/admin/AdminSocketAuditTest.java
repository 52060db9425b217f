package org.cmsbroker.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cmsbroker.audit.SecurityEvents;
import org.junit.jupiter.api.Test;

/**
 * Each admin socket command is recorded with actor {@code admin-socket}, source {@code local} and
 * the OS user the kernel reported, never a user name or secret the command carried.
 */
class AdminSocketAuditTest {
  private final List<String> recorded = new ArrayList<>();
  private final SecurityEvents events =
      new SecurityEvents() {
        @Override
        public void record(
            String type,
            Outcome outcome,
            String subjectId,
            String clientId,
            String remoteIp,
            String detail) {
          recorded.add(
              String.join(
                  "|",
                  type,
                  outcome.name(),
                  subjectId,
                  String.valueOf(clientId),
                  remoteIp,
                  detail));
        }
      };

  @Test
  void aCommandIsRecordedWithTheAdminSocketAsActorAndLocalAsSource() {
    AdminRequest request =
        new AdminRequest(
            "client.rotate_secret",
            Map.of("client_id", List.of("civicrm"), "secret", List.of("s3")));

    AdminSocketServer.record(events, request, AdminResponse.ok("done"), "broker");

    assertEquals(
        List.of(
            "admin.client.rotate_secret|SUCCESS|admin-socket|civicrm|local"
                + "|via=admin-socket os_user=broker client_id=civicrm"),
        recorded);
  }

  @Test
  void aFailedCommandWithoutAKnownOsUserStillNamesActorAndSource() {
    AdminRequest request =
        new AdminRequest(
            "user.add", Map.of("username", List.of("ada"), "password", List.of("secret pw")));

    AdminSocketServer.record(events, request, AdminResponse.error("bad_request", "nope"), null);

    assertEquals(
        List.of(
            "admin.user.add|FAILURE|admin-socket|null|local|via=admin-socket error=bad_request"),
        recorded);
  }

  @Test
  void anOsUserNameThatIsNotAPlainNameIsLeftOut() {
    AdminSocketServer.record(
        events, new AdminRequest("audit.verify", Map.of()), AdminResponse.ok(""), "x y=z");

    assertEquals(
        List.of("admin.audit.verify|SUCCESS|admin-socket|null|local|via=admin-socket"), recorded);
  }
}
