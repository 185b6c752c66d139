package dev.escalator.operator.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.escalator.operator.api.AlertProbeSpec;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fails while Alertmanager holds an active, unsilenced, uninhibited alert whose labels equal all the
 * matchers. The matchers go to Alertmanager as filters and are applied again here, so an
 * Alertmanager that ignores a filter cannot turn an unrelated alert into a repair. Alertmanager
 * unreachable or answering with an error is ERROR.
 */
public final class AlertProbe implements Probe<AlertProbeSpec> {
  private final JsonHttp http;

  public AlertProbe() {
    this(new JsonHttp());
  }

  AlertProbe(JsonHttp http) {
    this.http = http;
  }

  @Override
  public ProbeResult probe(AlertProbeSpec spec, Duration timeout) {
    if (spec.alertmanagerUrl == null) return ProbeResult.error("alert: alertmanagerUrl is required");
    Map<String, String> matchers = new TreeMap<>(spec.matchers == null ? Map.of() : spec.matchers);
    if (matchers.isEmpty()) {
      // Without matchers every alert of the organisation would trigger this environment's repair.
      return ProbeResult.error("alert: at least one matcher is required");
    }
    StringBuilder query = new StringBuilder("/api/v2/alerts?active=true&silenced=false&inhibited=false");
    matchers.forEach((name, value) -> query.append("&filter=")
        .append(URLEncoder.encode(name + "=\"" + escape(value) + "\"", StandardCharsets.UTF_8)));
    String selector = selector(matchers);
    URI uri;
    try {
      uri = URI.create(PrometheusProbe.stripSlash(spec.alertmanagerUrl) + query);
    } catch (IllegalArgumentException e) {
      return ProbeResult.error("alert: invalid alertmanagerUrl");
    }
    JsonHttp.Answer answer;
    try {
      answer = http.get(uri, timeout);
    } catch (JsonHttp.Unobservable e) {
      return ProbeResult.error("alertmanager: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ProbeResult.error("alertmanager: interrupted");
    }
    if (answer.status() / 100 != 2 || answer.body() == null || !answer.body().isArray()) {
      return ProbeResult.error("alertmanager: unexpected answer, HTTP " + answer.status() + ": "
          + ProbeMessages.detail(answer.rawBody()));
    }
    int matching = 0;
    for (JsonNode alert : answer.body()) {
      if (matches(alert, matchers)) matching++;
    }
    if (matching == 0) return ProbeResult.pass("alertmanager: no active alert matches " + selector);
    return ProbeResult.fail("alertmanager: " + matching + (matching == 1 ? " active alert matches " : " active alerts match ")
        + selector);
  }

  private static boolean matches(JsonNode alert, Map<String, String> matchers) {
    JsonNode state = alert.path("status").path("state");
    if (!state.isMissingNode() && !"active".equals(state.asText())) return false;
    JsonNode labels = alert.path("labels");
    return matchers.entrySet().stream()
        .allMatch(m -> labels.path(m.getKey()).isTextual() && labels.path(m.getKey()).asText().equals(m.getValue()));
  }

  /** Alertmanager's matcher syntax quotes values; a quote or backslash inside must be escaped. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String selector(Map<String, String> matchers) {
    StringBuilder s = new StringBuilder("{");
    matchers.forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append(k).append("=\"").append(escape(v)).append('"'));
    return s.append('}').toString();
  }
}
