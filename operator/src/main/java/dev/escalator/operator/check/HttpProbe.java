package dev.escalator.operator.check;

import dev.escalator.operator.api.HttpProbeSpec;
import dev.escalator.operator.net.TrustAll;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * An HTTP(S) request whose answer must have an expected status (default 200-399), optionally a body
 * matching a regular expression and response headers matching regular expressions. The target not
 * answering (refused, unresolvable, timed out, TLS rejected) is FAIL; a spec the probe cannot even
 * send (bad URL, bad regular expression, forbidden header) is ERROR.
 */
public final class HttpProbe implements Probe<HttpProbeSpec> {
  private final HttpClient verifying;
  private final HttpClient trustingAll;

  public HttpProbe() {
    this.verifying = baseClient().build();
    this.trustingAll = baseClient().sslContext(TrustAll.context()).build();
  }

  private static HttpClient.Builder baseClient() {
    // HTTP/1.1: the JDK's default h2c upgrade attempt on plain http confuses some health endpoints.
    // No redirects: a 3xx is itself an answer, and following it could leave the target.
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER);
  }

  @Override
  public ProbeResult probe(HttpProbeSpec spec, Duration timeout) {
    URI uri;
    try {
      uri = URI.create(spec.url);
    } catch (IllegalArgumentException | NullPointerException e) {
      return ProbeResult.error("invalid url");
    }
    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      return ProbeResult.error("invalid url: an http or https URL with a host is required");
    }
    String method = spec.method == null ? "GET" : spec.method;
    String where = method + " " + ProbeMessages.endpoint(uri);

    Pattern body;
    Map<String, Pattern> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    try {
      body = spec.bodyRegex == null ? null : Pattern.compile(spec.bodyRegex);
      if (spec.expectHeaders != null) {
        spec.expectHeaders.forEach((name, regex) -> headers.put(name, Pattern.compile(regex)));
      }
    } catch (PatternSyntaxException e) {
      return ProbeResult.error(where + ": invalid regular expression: " + ProbeMessages.detail(e.getDescription()));
    }

    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (spec.headers != null) {
      for (var header : new TreeMap<>(spec.headers).entrySet()) {
        try {
          request.header(header.getKey(), header.getValue());
        } catch (IllegalArgumentException e) {
          // Never echo the value: request headers are where tokens live.
          return ProbeResult.error(where + ": request header " + header.getKey() + " cannot be set");
        }
      }
    }

    HttpClient client = spec.insecureSkipVerify ? trustingAll : verifying;
    HttpResponse.BodyHandler<String> handler = body == null
        ? HttpResponse.BodyHandlers.replacing("")
        : HttpResponse.BodyHandlers.ofString();
    CompletableFuture<HttpResponse<String>> future;
    try {
      future = client.sendAsync(request.build(), handler);
    } catch (IllegalArgumentException e) {
      return ProbeResult.error(where + ": " + ProbeMessages.detail(e.getMessage()));
    }
    HttpResponse<String> response;
    try {
      // The request timeout covers the exchange; this bound also covers connecting and TLS.
      response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return ProbeResult.fail(where + ": no response within " + ProbeMessages.duration(timeout));
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      return ProbeResult.error(where + ": interrupted");
    } catch (ExecutionException e) {
      return notAnswered(where, e.getCause(), timeout);
    }
    return judge(where, spec, response, body, headers);
  }

  private static ProbeResult judge(
      String where, HttpProbeSpec spec, HttpResponse<String> response, Pattern body, Map<String, Pattern> headers) {
    int status = response.statusCode();
    boolean statusOk = spec.expectStatus == null || spec.expectStatus.isEmpty()
        ? status >= 200 && status <= 399
        : spec.expectStatus.contains(status);
    if (!statusOk) {
      String expected = spec.expectStatus == null || spec.expectStatus.isEmpty()
          ? "200-399"
          : "one of " + spec.expectStatus;
      return ProbeResult.fail(where + ": status " + status + ", expected " + expected);
    }
    List<String> problems = new ArrayList<>();
    headers.forEach((name, regex) -> {
      List<String> values = response.headers().allValues(name);
      if (values.isEmpty()) {
        problems.add("response header " + name + " missing");
      } else if (values.stream().noneMatch(v -> regex.matcher(v).find())) {
        problems.add("response header " + name + " does not match " + regex.pattern());
      }
    });
    if (body != null && !body.matcher(response.body()).find()) {
      problems.add("body does not match " + body.pattern());
    }
    if (!problems.isEmpty()) {
      return ProbeResult.fail(where + ": status " + status + ", " + String.join(", ", problems));
    }
    return ProbeResult.pass(where + ": status " + status);
  }

  private static ProbeResult notAnswered(String where, Throwable e, Duration timeout) {
    if (ProbeMessages.cause(e, HttpTimeoutException.class) != null) {
      return ProbeResult.fail(where + ": no response within " + ProbeMessages.duration(timeout));
    }
    // Before ConnectException: the JDK client wraps a failed resolution in one.
    if (ProbeMessages.cause(e, UnresolvedAddressException.class) != null
        || ProbeMessages.cause(e, UnknownHostException.class) != null) {
      return ProbeResult.fail(where + ": cannot resolve host");
    }
    if (ProbeMessages.cause(e, ConnectException.class) != null) {
      return ProbeResult.fail(where + ": connection refused");
    }
    SSLException tls = ProbeMessages.cause(e, SSLException.class);
    if (tls != null) {
      return ProbeResult.fail(where + ": TLS handshake failed: " + ProbeMessages.detail(tls.getMessage()));
    }
    if (e instanceof IOException) {
      return ProbeResult.fail(where + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + ProbeMessages.detail(e.getMessage())));
    }
    if (e instanceof IllegalArgumentException) {
      return ProbeResult.error(where + ": " + ProbeMessages.detail(e.getMessage()));
    }
    return ProbeResult.error(where + ": " + e);
  }

}
