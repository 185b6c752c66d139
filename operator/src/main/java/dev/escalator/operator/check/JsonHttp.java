package dev.escalator.operator.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GETs JSON from a monitoring system's API (Prometheus, Alertmanager). Any failure to get an answer
 * is a {@link Unobservable}: for these probes the monitoring system is the instrument, not the
 * target, so its absence must become ERROR, never FAIL.
 */
final class JsonHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;

  JsonHttp() {
    this(HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build());
  }

  JsonHttp(HttpClient client) {
    this.client = client;
  }

  /** The HTTP status and parsed body (null when the body is not JSON). */
  record Answer(int status, JsonNode body, String rawBody) {}

  /** The system could not be asked; the message says why, deterministically. */
  static final class Unobservable extends Exception {
    Unobservable(String message) {
      super(message, null, false, false);
    }
  }

  Answer get(URI uri, Duration timeout) throws Unobservable, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Accept", "application/json")
        .GET()
        .build();
    CompletableFuture<HttpResponse<String>> future =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> response;
    String where = ProbeMessages.endpoint(uri);
    try {
      response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new Unobservable("no answer from " + where + " within " + ProbeMessages.duration(timeout));
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw new Unobservable(describe(e.getCause(), where, timeout));
    }
    JsonNode body = null;
    try {
      body = JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      // Left null: the caller reports the HTTP status with the raw body as detail.
    }
    return new Answer(response.statusCode(), body, response.body());
  }

  private static String describe(Throwable e, String where, Duration timeout) {
    if (ProbeMessages.cause(e, HttpTimeoutException.class) != null) {
      return "no answer from " + where + " within " + ProbeMessages.duration(timeout);
    }
    // Before ConnectException: the JDK client wraps a failed resolution in one.
    if (ProbeMessages.cause(e, UnresolvedAddressException.class) != null
        || ProbeMessages.cause(e, UnknownHostException.class) != null) {
      return "cannot resolve the host of " + where;
    }
    if (ProbeMessages.cause(e, ConnectException.class) != null) {
      return "cannot connect to " + where + " (connection refused)";
    }
    if (e instanceof IOException || e instanceof IllegalArgumentException) {
      return "request to " + where + " failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + ProbeMessages.detail(e.getMessage()));
    }
    return "request to " + where + " failed: " + e;
  }
}
