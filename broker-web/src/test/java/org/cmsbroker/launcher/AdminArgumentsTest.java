package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminArgumentsTest {

  private static AdminArguments parse(String... args) throws Exception {
    return AdminArguments.parse(List.of(args));
  }

  private static String refusal(String... args) {
    return assertThrows(AdminArguments.UsageException.class, () -> parse(args)).getMessage();
  }

  @Test
  void addTakesEveryOptionAndNeedsAPassword() throws Exception {
    AdminArguments a =
        parse(
            "user",
            "add",
            "--username",
            "alice",
            "--email=alice@example.org",
            "--name",
            "Alice Liddell",
            "--given-name",
            "Alice",
            "--family-name",
            "Liddell",
            "--role",
            "admin",
            "--role=editor",
            "--email-verified");

    assertEquals("user.add", a.command());
    assertTrue(a.needsPassword());
    assertEquals(
        List.of(
            Map.entry("username", "alice"),
            Map.entry("email", "alice@example.org"),
            Map.entry("name", "Alice Liddell"),
            Map.entry("given_name", "Alice"),
            Map.entry("family_name", "Liddell"),
            Map.entry("role", "admin"),
            Map.entry("role", "editor"),
            Map.entry("email_verified", "true")),
        a.fields());
  }

  @Test
  void addNeedsUsernameAndEmail() {
    assertEquals("user add needs --username", refusal("user", "add", "--email", "a@b.org"));
    assertEquals("user add needs --email", refusal("user", "add", "--username", "a"));
  }

  @Test
  void listTakesNoOptions() throws Exception {
    AdminArguments a = parse("user", "list");
    assertEquals("user.list", a.command());
    assertFalse(a.needsPassword());
    assertTrue(a.fields().isEmpty());
    assertEquals(
        "unknown option \"--username\" for user list", refusal("user", "list", "--username", "a"));
  }

  @Test
  void accountCommandsTakeTheUsername() throws Exception {
    for (String sub : List.of("disable", "enable", "unlock")) {
      AdminArguments a = parse("user", sub, "--username", "bob");
      assertEquals("user." + sub, a.command());
      assertEquals(List.of(Map.entry("username", "bob")), a.fields());
      assertFalse(a.needsPassword());
    }
  }

  @Test
  void setPasswordTakesTheUsernameAndNeedsAPassword() throws Exception {
    AdminArguments a = parse("user", "set-password", "--username=bob");
    assertEquals("user.set_password", a.command());
    assertTrue(a.needsPassword());
    assertEquals(List.of(Map.entry("username", "bob")), a.fields());
  }

  @Test
  void missingUsernameIsAUsageError() {
    assertEquals("user disable needs --username", refusal("user", "disable"));
    assertEquals("user set-password needs --username", refusal("user", "set-password"));
  }

  @Test
  void passwordIsNeverAnOption() {
    assertEquals(
        "unknown option \"--password\" for user set-password",
        refusal("user", "set-password", "--username", "bob", "--password", "x"));
  }

  @Test
  void unknownOptionAndStrayArgumentAreUsageErrors() {
    assertEquals(
        "unknown option \"--mail\" for user add",
        refusal("user", "add", "--username", "a", "--mail", "x"));
    assertEquals("unexpected argument \"bob\" for user enable", refusal("user", "enable", "bob"));
  }

  @Test
  void optionWithoutValueIsAUsageError() {
    assertEquals("--username needs a value", refusal("user", "enable", "--username"));
    assertEquals(
        "--username needs a value", refusal("user", "add", "--username", "--email", "a@b.org"));
  }

  @Test
  void repeatedOptionIsAUsageErrorButRolesRepeat() {
    assertEquals(
        "--username is given more than once",
        refusal("user", "enable", "--username", "a", "--username", "b"));
  }

  @Test
  void flagTakesNoValue() {
    assertEquals(
        "--email-verified takes no value",
        refusal("user", "add", "--username", "a", "--email", "e", "--email-verified=false"));
  }

  @Test
  void unknownCommandsAreUsageErrors() {
    assertEquals("admin needs a command", refusal());
    assertEquals("unknown admin command \"group\"", refusal("group", "list"));
    assertEquals("admin user needs a subcommand", refusal("user"));
    assertEquals("unknown subcommand \"user delete\"", refusal("user", "delete"));
  }

  @Test
  void helpIsRecognised() throws Exception {
    assertTrue(parse("help").help());
    assertTrue(parse("--help").help());
    assertTrue(AdminArguments.usage().contains("user set-password --username U"));
  }
}
