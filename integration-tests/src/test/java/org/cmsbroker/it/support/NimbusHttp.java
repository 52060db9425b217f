package org.cmsbroker.it.support;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * Sends Nimbus SDK client-side requests through a JDK HttpClient (which trusts only the broker's
 * certificate) and turns the answers back into Nimbus responses: the relying party's side of the
 * protocol is entirely Nimbus's, with no broker-specific code.
 */
public final class NimbusHttp {
  private NimbusHttp() {}

  public static HTTPResponse send(HttpClient client, HTTPRequest request) throws Exception {
    URI uri = request.getURI();
    if (request.getMethod() == HTTPRequest.Method.GET
        && request.getURL().getQuery() == null
        && request.getQuery() != null) {
      uri = URI.create(uri + "?" + request.getQuery());
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
    for (Map.Entry<String, List<String>> header : request.getHeaderMap().entrySet()) {
      for (String value : header.getValue()) {
        builder.header(header.getKey(), value);
      }
    }
    String body = request.getBody();
    builder.method(
        request.getMethod().name(),
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> answer =
        client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    HTTPResponse nimbus = new HTTPResponse(answer.statusCode());
    answer
        .headers()
        .map()
        .forEach((name, values) -> nimbus.setHeader(name, values.toArray(String[]::new)));
    nimbus.setBody(answer.body());
    return nimbus;
  }
}
