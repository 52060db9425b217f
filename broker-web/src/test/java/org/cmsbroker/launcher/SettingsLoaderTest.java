package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsLoaderTest {
  private static final String PASSWORD = "pw-9f3c-never-printed";

  @TempDir Path dataDir;

  /** Settings as system properties, with the data directory pointing at the test's own. */
  private LauncherSettings load(String... nameValuePairs) throws ConfigException {
    return loader(nameValuePairs).load();
  }

  private SettingsLoader loader(String... nameValuePairs) {
    Map<String, String> props = new HashMap<>();
    props.put("broker.data.dir", dataDir.toString());
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      props.put(nameValuePairs[i], nameValuePairs[i + 1]);
    }
    return new SettingsLoader(props, Map.of());
  }

  private ConfigException refused(String... nameValuePairs) {
    return assertThrows(ConfigException.class, () -> load(nameValuePairs));
  }

  private void writeProperties(String content) throws IOException {
    Files.writeString(dataDir.resolve("broker.properties"), content, StandardCharsets.ISO_8859_1);
  }

  @Test
  void defaultsApplyWhenNothingIsSet() throws ConfigException {
    LauncherSettings s = new SettingsLoader(Map.of(), Map.of()).load();

    Path expectedDir = Path.of("broker-data").toAbsolutePath().normalize();
    assertEquals(expectedDir, s.dataDir());
    assertTrue(s.dataDir().isAbsolute());
    assertEquals(8443, s.httpsPort());
    assertEquals(OptionalInt.of(8080), s.httpPort());
    assertEquals("0.0.0.0", s.bindAddress().getHostAddress());
    assertEquals(URI.create("https://localhost:8443"), s.publicUrl());
    assertEquals(Optional.empty(), s.tlsCert());
    assertEquals(Optional.empty(), s.tlsKey());
    assertEquals("jdbc:h2:file:" + expectedDir.resolve("db").resolve("broker"), s.dbUrl());
    assertEquals("broker", s.dbUser());
    assertEquals("", s.dbPassword());
    assertEquals(262144, s.maxBodyBytes());
  }

  @Test
  void defaultPublicUrlFollowsTheHttpsPort() throws ConfigException {
    assertEquals(
        URI.create("https://localhost:9443"), load("broker.https.port", "9443").publicUrl());
  }

  @Test
  void defaultDatabaseLivesInTheConfiguredDataDirectory() throws ConfigException {
    LauncherSettings s = load();

    assertEquals(dataDir.toAbsolutePath().normalize(), s.dataDir());
    assertEquals("jdbc:h2:file:" + s.dataDir().resolve("db").resolve("broker"), s.dbUrl());
  }

  @Test
  void configuredDatabaseUrlHasNoDefaultUser() throws ConfigException {
    LauncherSettings s = load("broker.db.url", "jdbc:postgresql://db.example/broker");

    assertEquals("jdbc:postgresql://db.example/broker", s.dbUrl());
    assertEquals("", s.dbUser());
  }

  @Test
  void systemPropertyBeatsEnvironmentAndFile() throws Exception {
    writeProperties("broker.https.port=7443\n");
    SettingsLoader loader =
        new SettingsLoader(
            Map.of("broker.data.dir", dataDir.toString(), "broker.https.port", "9443"),
            Map.of("BROKER_HTTPS_PORT", "8444"));

    assertEquals(9443, loader.load().httpsPort());
  }

  @Test
  void environmentBeatsFile() throws Exception {
    writeProperties("broker.https.port=7443\n");
    SettingsLoader loader =
        new SettingsLoader(
            Map.of("broker.data.dir", dataDir.toString()), Map.of("BROKER_HTTPS_PORT", "8444"));

    assertEquals(8444, loader.load().httpsPort());
  }

  @Test
  void fileBeatsDefault() throws Exception {
    writeProperties("broker.https.port=7443\nbroker.db.user=cms\n");

    LauncherSettings s = load();

    assertEquals(7443, s.httpsPort());
    assertEquals("cms", s.dbUser());
  }

  @Test
  void dataDirectoryComesFromTheEnvironment() throws Exception {
    writeProperties("broker.https.port=7443\n");
    SettingsLoader loader =
        new SettingsLoader(Map.of(), Map.of("BROKER_DATA_DIR", dataDir.toString()));

    assertEquals(7443, loader.load().httpsPort());
  }

  @Test
  void emptySystemPropertyUnsetsTheSettingLikeMicroProfileConfig() throws Exception {
    // As in MicroProfile Config: an empty value in a higher source removes the setting there and
    // below, so the default applies rather than the environment's value.
    SettingsLoader loader =
        new SettingsLoader(
            Map.of("broker.data.dir", dataDir.toString(), "broker.https.port", "  "),
            Map.of("BROKER_HTTPS_PORT", "8444"));

    assertEquals(8443, loader.load().httpsPort());
  }

  @Test
  void valuesAreTrimmed() throws ConfigException {
    assertEquals(9443, load("broker.https.port", " 9443 ").httpsPort());
  }

  @Test
  void unreadablePropertiesFileIsRefused() throws IOException {
    writeProperties("broker.db.user=\\uZZZZ\n");

    ConfigException e = refused();

    assertEquals("BROKER_DATA_DIR", e.setting());
    assertEquals(
        "BROKER_DATA_DIR: cannot read "
            + dataDir.resolve("broker.properties")
            + ": Malformed \\uxxxx encoding.",
        e.getMessage());
  }

  @Test
  void nonNumericHttpsPortIsRefused() {
    ConfigException e = refused("broker.https.port", "https");

    assertEquals("BROKER_HTTPS_PORT", e.setting());
    assertEquals("BROKER_HTTPS_PORT: \"https\" is not a port number (1-65535)", e.getMessage());
  }

  @Test
  void httpsPortZeroIsRefused() {
    assertEquals(
        "BROKER_HTTPS_PORT: \"0\" is not a port number (1-65535)",
        refused("broker.https.port", "0").getMessage());
  }

  @Test
  void httpsPortAbove65535IsRefused() {
    assertEquals(
        "BROKER_HTTPS_PORT: \"70000\" is not a port number (1-65535)",
        refused("broker.https.port", "70000").getMessage());
  }

  @Test
  void portBoundariesAreAccepted() throws ConfigException {
    LauncherSettings s = load("broker.https.port", "65535", "broker.http.port", "1");

    assertEquals(65535, s.httpsPort());
    assertEquals(OptionalInt.of(1), s.httpPort());
  }

  @Test
  void nonNumericHttpPortIsRefusedMentioningOff() {
    assertEquals(
        "BROKER_HTTP_PORT: \"none\" is not a port number (1-65535 or off)",
        refused("broker.http.port", "none").getMessage());
  }

  @Test
  void controlCharactersAreNotEchoed() {
    assertEquals(
        "BROKER_HTTPS_PORT: \"84?43\" is not a port number (1-65535)",
        refused("broker.https.port", "84\n43").getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"off", "OFF", "Off"})
  void httpPortOffTurnsPlainHttpOffInAnyCase(String off) throws ConfigException {
    assertEquals(OptionalInt.empty(), load("broker.http.port", off).httpPort());
  }

  @Test
  void httpPortEqualToHttpsPortIsRefused() {
    ConfigException e = refused("broker.https.port", "8443", "broker.http.port", "8443");

    assertEquals("BROKER_HTTP_PORT", e.setting());
    assertEquals(
        "BROKER_HTTP_PORT: must differ from BROKER_HTTPS_PORT (both are 8443)", e.getMessage());
  }

  @Test
  void plainHttpPublicUrlIsRefused() {
    ConfigException e = refused("broker.public.url", "http://broker.example.org");

    assertEquals("BROKER_PUBLIC_URL", e.setting());
    assertEquals("BROKER_PUBLIC_URL: must be an https:// URL", e.getMessage());
  }

  @Test
  void publicUrlWithPathIsRefused() {
    assertEquals(
        "BROKER_PUBLIC_URL: must not have a path: the broker is served at the root of its host",
        refused("broker.public.url", "https://cms.example.org/broker").getMessage());
  }

  @Test
  void publicUrlWithQueryIsRefused() {
    assertEquals(
        "BROKER_PUBLIC_URL: must not contain user information, a query or a fragment",
        refused("broker.public.url", "https://broker.example.org?x=1").getMessage());
  }

  @Test
  void publicUrlWithUserInformationIsRefused() {
    assertEquals(
        "BROKER_PUBLIC_URL: must not contain user information, a query or a fragment",
        refused("broker.public.url", "https://admin@broker.example.org").getMessage());
  }

  @Test
  void publicUrlWithFragmentIsRefused() {
    assertEquals(
        "BROKER_PUBLIC_URL: must not contain user information, a query or a fragment",
        refused("broker.public.url", "https://broker.example.org#top").getMessage());
  }

  @Test
  void publicUrlWithoutHostIsRefused() {
    assertEquals(
        "BROKER_PUBLIC_URL: has no host name",
        refused("broker.public.url", "https:///").getMessage());
  }

  @Test
  void publicUrlThatIsNoUrlIsRefused() {
    assertEquals(
        "BROKER_PUBLIC_URL: \"https://bro ker\" is not a URL",
        refused("broker.public.url", "https://bro ker").getMessage());
  }

  @Test
  void publicUrlIsNormalisedToLowerCaseHostWithoutTrailingSlash() throws ConfigException {
    assertEquals(
        URI.create("https://broker.example.org:9443"),
        load("broker.public.url", "HTTPS://Broker.Example.ORG:9443/").publicUrl());
  }

  @Test
  void certificateWithoutKeyIsRefused() {
    ConfigException e = refused("broker.tls.cert", "/etc/broker/cert.pem");

    assertEquals("BROKER_TLS_KEY", e.setting());
    assertEquals("BROKER_TLS_KEY: must be set when BROKER_TLS_CERT is set", e.getMessage());
  }

  @Test
  void keyWithoutCertificateIsRefused() {
    ConfigException e = refused("broker.tls.key", "/etc/broker/key.pem");

    assertEquals("BROKER_TLS_CERT", e.setting());
    assertEquals("BROKER_TLS_CERT: must be set when BROKER_TLS_KEY is set", e.getMessage());
  }

  @Test
  void certificateAndKeyPathsAreMadeAbsolute() throws ConfigException {
    LauncherSettings s = load("broker.tls.cert", "tls/./cert.pem", "broker.tls.key", "key.pem");

    assertEquals(Optional.of(Path.of("tls/cert.pem").toAbsolutePath()), s.tlsCert());
    assertEquals(Optional.of(Path.of("key.pem").toAbsolutePath()), s.tlsKey());
  }

  @Test
  void databaseUrlNotStartingWithJdbcIsRefused() {
    ConfigException e = refused("broker.db.url", "postgresql://db.example/broker");

    assertEquals("BROKER_DB_URL", e.setting());
    assertEquals("BROKER_DB_URL: is not a JDBC URL (it must start with jdbc:)", e.getMessage());
  }

  @Test
  void bodyLimitBelowMinimumIsRefused() {
    assertEquals(
        "BROKER_MAX_BODY_BYTES: must be between 4096 and 67108864 bytes",
        refused("broker.max.body.bytes", "4095").getMessage());
  }

  @Test
  void bodyLimitAboveMaximumIsRefused() {
    assertEquals(
        "BROKER_MAX_BODY_BYTES: must be between 4096 and 67108864 bytes",
        refused("broker.max.body.bytes", "67108865").getMessage());
  }

  @Test
  void nonNumericBodyLimitIsRefused() {
    assertEquals(
        "BROKER_MAX_BODY_BYTES: \"256k\" is not a whole number",
        refused("broker.max.body.bytes", "256k").getMessage());
  }

  @Test
  void bodyLimitBoundariesAreAccepted() throws ConfigException {
    assertEquals(4096, load("broker.max.body.bytes", "4096").maxBodyBytes());
    assertEquals(67108864, load("broker.max.body.bytes", "67108864").maxBodyBytes());
  }

  static Stream<Arguments> badSettings() {
    return Stream.of(
        Arguments.of("broker.https.port", "0"),
        Arguments.of("broker.http.port", "8443"),
        Arguments.of("broker.public.url", "http://broker.example.org"),
        Arguments.of("broker.public.url", "https://u:" + PASSWORD + "@broker.example.org"),
        Arguments.of("broker.tls.cert", "/etc/broker/cert.pem"),
        Arguments.of("broker.db.url", "postgresql://broker:" + PASSWORD + "@db.example/broker"),
        Arguments.of("broker.max.body.bytes", "1"));
  }

  @ParameterizedTest
  @MethodSource("badSettings")
  void databasePasswordNeverAppearsInTheMessage(String name, String value) {
    Map<String, String> props = new HashMap<>();
    props.put("broker.data.dir", dataDir.toString());
    props.put("broker.db.password", PASSWORD);
    props.put(name, value);
    SettingsLoader loader = new SettingsLoader(props, Map.of());

    ConfigException e = assertThrows(ConfigException.class, loader::load);

    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void passwordIsLoadedButNeverInToString() throws ConfigException {
    LauncherSettings s = load("broker.db.password", PASSWORD);

    assertEquals(PASSWORD, s.dbPassword());
    assertFalse(s.toString().contains(PASSWORD));
  }

  @Test
  void certificateNamesStartWithThePublicHost() throws ConfigException {
    LauncherSettings s = load("broker.public.url", "https://broker.example.org");

    assertEquals(
        java.util.List.of("broker.example.org", "localhost", "127.0.0.1"),
        java.util.List.copyOf(s.certificateNames()));
  }

  @Test
  void environmentFormOfASettingName() {
    assertEquals("BROKER_MAX_BODY_BYTES", SettingsLoader.env("broker.max.body.bytes"));
  }

  @Test
  void masterKeyThatIsNot32BytesIsRefusedWithoutEchoingIt() {
    ConfigException e = refused("broker.master.key", "c2hvcnQ=");
    assertEquals(
        "BROKER_MASTER_KEY: must be 32 random bytes, base64-encoded (for example from openssl rand"
            + " -base64 32)",
        e.getMessage());
    assertFalse(e.getMessage().contains("c2hvcnQ="));
  }

  @Test
  void masterKeyThatIsNotBase64IsRefused() {
    assertEquals("BROKER_MASTER_KEY", refused("broker.master.key", "not base64 !").setting());
  }

  @Test
  void wellFormedMasterKeyIsAccepted() throws ConfigException {
    load("broker.master.key", java.util.Base64.getEncoder().encodeToString(new byte[32]));
  }

  @Test
  void sessionIdleOutOfRangeIsRefused() {
    assertEquals(
        "BROKER_SESSION_IDLE_MINUTES: must be between 1 and 1440",
        refused("broker.session.idle.minutes", "0").getMessage());
  }

  @Test
  void callbackPollIntervalOutOfRangeIsRefused() {
    assertEquals(
        "BROKER_CALLBACK_POLL_INTERVAL: must be between 1 and 3600",
        refused("broker.callback.poll.interval", "0").getMessage());
    assertEquals(
        "BROKER_CALLBACK_POLL_INTERVAL: \"soon\" is not a whole number",
        refused("broker.callback.poll.interval", "soon").getMessage());
  }

  @Test
  void callbackRetryBaseOutOfRangeIsRefused() {
    assertEquals(
        "BROKER_CALLBACK_RETRY_BASE: must be between 1 and 3600",
        refused("broker.callback.retry.base", "3601").getMessage());
  }

  @Test
  void callbackSettingsInRangeAreAccepted() throws ConfigException {
    load("broker.callback.poll.interval", "1", "broker.callback.retry.base", "3600");
  }

  @Test
  void sessionIdleLongerThanAbsoluteIsRefused() {
    assertEquals(
        "BROKER_SESSION_IDLE_MINUTES: must not be longer than BROKER_SESSION_ABSOLUTE_HOURS",
        refused("broker.session.idle.minutes", "600", "broker.session.absolute.hours", "2")
            .getMessage());
  }

  @Test
  void flagThatIsNotABooleanIsRefused() {
    assertEquals(
        "BROKER_LOGIN_ALLOW_PLAINTEXT: \"yes\" is not true or false",
        refused("broker.login.allow.plaintext", "yes").getMessage());
  }

  @Test
  void unknownSmtpSecurityIsRefused() {
    assertEquals(
        "BROKER_SMTP_SECURITY: must be starttls, tls or none",
        refused("broker.smtp.security", "ssl3").getMessage());
  }

  @Test
  void stripeSecretKeyThatIsNotASecretKeyIsRefusedWithoutEchoingIt() {
    ConfigException e = refused("broker.stripe.secret.key", "pk_test_publishable");
    assertEquals(
        "BROKER_STRIPE_SECRET_KEY: must be a Stripe secret or restricted key (sk_... or rk_...)",
        e.getMessage());
  }

  @Test
  void stripeWebhookSecretsAcceptARotationList() throws ConfigException {
    load("broker.stripe.webhook.secret", "whsec_oldOldOldOldOld0001, whsec_newNewNewNewNew0002");
    ConfigException e =
        refused("broker.stripe.webhook.secret", "whsec_oldOldOldOldOld0001,plainPlainPlainPlain");
    assertEquals("BROKER_STRIPE_WEBHOOK_SECRET", e.setting());
    assertTrue(
        e.getMessage().contains("secret number 2 is not a Stripe webhook signing secret"),
        e.getMessage());
    assertFalse(e.getMessage().contains("plainPlain"), e.getMessage());
  }

  @Test
  void stripePublishableKeyMustBeAPublishableKey() throws ConfigException {
    load("broker.stripe.publishable.key", "pk_test_51Abc");
    load("broker.stripe.publishable.key", "pk_live_51Abc");
    for (String bad : new String[] {"sk_test_51Abc", "pk_test_", "pk_test_a\"b", "pk_other_x"}) {
      assertEquals(
          "BROKER_STRIPE_PUBLISHABLE_KEY: must be a Stripe publishable key (pk_live_... or"
              + " pk_test_...)",
          refused("broker.stripe.publishable.key", bad).getMessage());
    }
  }

  @Test
  void stripeWebhookSecretTooShortForTheVerifierStopsStartUpWithoutEchoingIt() {
    ConfigException e = refused("broker.stripe.webhook.secret", "whsec_short");
    assertEquals("BROKER_STRIPE_WEBHOOK_SECRET", e.setting());
    assertTrue(e.getMessage().contains("whsec_ followed by at least 16"), e.getMessage());
    assertFalse(e.getMessage().contains("whsec_short"), e.getMessage());
  }

  @Test
  void stripeApiBaseOverPlainHttpIsRefusedOffLoopback() throws ConfigException {
    assertEquals(
        "BROKER_STRIPE_API_BASE: must be an https:// URL (http only to localhost, 127.0.0.0/8 or"
            + " [::1])",
        refused("broker.stripe.api.base", "http://stripe.example.org").getMessage());
    load("broker.stripe.api.base", "http://127.0.0.1:8099/");
    load("broker.stripe.api.base", "https://api.stripe.com");
  }

  @Test
  void stripeApiBaseMustBeAnHttpUrl() {
    assertEquals(
        "BROKER_STRIPE_API_BASE: \"ftp://x\" is not an http(s) URL",
        refused("broker.stripe.api.base", "ftp://x").getMessage());
  }

  @Test
  void paymentCurrencyThatIsNotAnIsoCodeIsRefused() {
    assertEquals(
        "BROKER_PAYMENT_CURRENCIES: \"euro\" is not a three-letter ISO 4217 code (for example"
            + " eur,usd,gbp,chf)",
        refused("broker.payment.currencies", "usd,euro").getMessage());
  }

  @Test
  void paymentAmountBoundsAreWholeNumbersWithinStripesRange() throws ConfigException {
    load("broker.payment.amount.min", "100", "broker.payment.amount.max", "500000");
    assertEquals(
        "BROKER_PAYMENT_AMOUNT_MIN: \"ten\" is not a whole number",
        refused("broker.payment.amount.min", "ten").getMessage());
    assertEquals(
        "BROKER_PAYMENT_AMOUNT_MIN: must be between 1 and 99999999",
        refused("broker.payment.amount.min", "0").getMessage());
    assertEquals(
        "BROKER_PAYMENT_AMOUNT_MAX: must be between 1 and 99999999",
        refused("broker.payment.amount.max", "100000000").getMessage());
  }

  @Test
  void paymentAmountMinimumAboveTheMaximumIsRefused() {
    assertEquals(
        "BROKER_PAYMENT_AMOUNT_MIN: must not be larger than BROKER_PAYMENT_AMOUNT_MAX",
        refused("broker.payment.amount.min", "5000", "broker.payment.amount.max", "4999")
            .getMessage());
    assertEquals(
        "BROKER_PAYMENT_AMOUNT_MIN: must not be larger than BROKER_PAYMENT_AMOUNT_MAX",
        refused("broker.payment.amount.max", "49").getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "broker.payment.rate.client.per.minute",
        "broker.payment.rate.ip.per.minute",
        "broker.pay.page.rate.ip.per.minute"
      })
  void rateLimitsArePositiveAndBounded(String name) throws ConfigException {
    load(name, "1");
    load(name, "100000");
    String env = SettingsLoader.env(name);
    assertEquals(env + ": must be between 1 and 100000", refused(name, "0").getMessage());
    assertEquals(env + ": must be between 1 and 100000", refused(name, "100001").getMessage());
    assertEquals(env + ": \"lots\" is not a whole number", refused(name, "lots").getMessage());
  }
}
