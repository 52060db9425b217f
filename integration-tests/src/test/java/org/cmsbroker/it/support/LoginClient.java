package org.cmsbroker.it.support;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scripted browser for the broker's encrypted forms: keeps cookies, reads a page's login key and
 * challenge, builds the JWE the page's script would build (RSA-OAEP-256 + A256GCM, with Nimbus),
 * and posts forms.
 */
public final class LoginClient {
  private static final Pattern CONFIG =
      Pattern.compile(
          "<script type=\"application/json\" id=\"(?:login|form)-config\"[^>]*>(.*?)</script>",
          Pattern.DOTALL);
  private final HttpClient http;
  private final String base;
  private final javax.net.ssl.SSLContext sslContext;

  private final CookieManager cookies;

  public LoginClient(Path dataDir, String base) throws Exception {
    this(Https.servedChain(dataDir).get(0), base);
  }

  /** A client trusting only {@code served}, for a broker whose server owns TLS (the EAR). */
  public LoginClient(X509Certificate served, String base) throws Exception {
    this(base, Https.trusting(served), new CookieManager(null, CookiePolicy.ACCEPT_ALL));
  }

  private LoginClient(String base, javax.net.ssl.SSLContext sslContext, CookieManager cookies) {
    this.base = base;
    this.sslContext = sslContext;
    this.cookies = cookies;
    this.http =
        HttpClient.newBuilder()
            .sslContext(sslContext)
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /**
   * The same browser (its cookies, its trust) talking to another instance at {@code otherBase}, as
   * a load balancer would send it there. The instances must serve the same certificate.
   */
  public LoginClient on(String otherBase) {
    return new LoginClient(otherBase, sslContext, cookies);
  }

  /** What a page with an encrypted form gives its script. */
  public record FormConfig(RSAKey key, String challenge) {}

  /** The underlying client (cookies, trust), for protocol requests. */
  public HttpClient http() {
    return http;
  }

  /** GETs an absolute URL or a path on the broker. */
  public HttpResponse<String> fetch(String urlOrPath) throws Exception {
    String url = urlOrPath.startsWith("/") ? base + urlOrPath : urlOrPath;
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GETs a page and reads its form configuration. */
  public FormConfig open(String path) throws Exception {
    return config(get(path).body());
  }

  public static FormConfig config(String html) throws Exception {
    Matcher m = CONFIG.matcher(html);
    if (!m.find()) {
      throw new AssertionError("no form configuration in page:\n" + html);
    }
    Map<String, Object> json = JSONObjectUtils.parse(m.group(1));
    return new FormConfig(
        RSAKey.parse(JSONObjectUtils.getJSONObject(json, "key")),
        JSONObjectUtils.getString(json, "challenge"));
  }

  /** The JWE the page's script builds. */
  public static String jwe(RSAKey key, Map<String, Object> payload) throws Exception {
    return jwe(
        key,
        JSONObjectUtils.toJSONString(payload),
        JWEAlgorithm.RSA_OAEP_256,
        EncryptionMethod.A256GCM,
        key.getKeyID());
  }

  /** A JWE with any algorithm, method, key id and payload text, for the refusal tests. */
  public static String jwe(
      RSAKey key, String payload, JWEAlgorithm alg, EncryptionMethod enc, String kid)
      throws Exception {
    JWEObject object =
        new JWEObject(new JWEHeader.Builder(alg, enc).keyID(kid).build(), new Payload(payload));
    object.encrypt(new RSAEncrypter(key.toRSAPublicKey()));
    return object.serialize();
  }

  /** The sign-in JWE for a username and password with this page's challenge. */
  public static String loginJwe(FormConfig config, String username, String password)
      throws Exception {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("username", username);
    payload.put("password", password);
    payload.put("challenge", config.challenge());
    return jwe(config.key(), payload);
  }

  /** POSTs a form; {@code json} asks for a JSON answer. */
  public HttpResponse<String> post(String path, Map<String, String> form, boolean json)
      throws Exception {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (json) {
      request.header("Accept", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Signs in through the login page; returns the post's answer. */
  public HttpResponse<String> signIn(String username, String password) throws Exception {
    FormConfig config = open("/login");
    return post("/login", Map.of("credentials", loginJwe(config, username, password)), true);
  }

  public String allCookies() {
    return cookies.getCookieStore().getCookies().toString();
  }

  public String cookie(String name) {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .map(HttpCookie::getValue)
        .findFirst()
        .orElse(null);
  }

  /** POSTs a form with exactly this Cookie header and no cookie store (a replayed request). */
  public HttpResponse<String> postRaw(String path, Map<String, String> form, String cookieHeader)
      throws Exception {
    HttpClient plain =
        HttpClient.newBuilder()
            .sslContext(sslContext)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return plain.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header("Cookie", cookieHeader)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Copies a cookie from another client (to test binding to one browser). */
  public void useCookieOf(LoginClient other, String name) {
    for (HttpCookie existing : cookies.getCookieStore().getCookies()) {
      if (existing.getName().equals(name)) {
        cookies.getCookieStore().remove(URI.create(base), existing);
      }
    }
    HttpCookie cookie = new HttpCookie(name, other.cookie(name));
    cookie.setPath("/");
    cookie.setSecure(true);
    cookie.setVersion(0);
    cookies.getCookieStore().add(URI.create(base), cookie);
  }
}
