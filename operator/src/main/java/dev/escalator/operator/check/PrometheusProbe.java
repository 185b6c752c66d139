package dev.escalator.operator.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.escalator.operator.api.PrometheusProbeSpec;
import dev.escalator.operator.api.ThresholdSpec;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoublePredicate;

/**
 * A PromQL instant query. Without a threshold, any returned series is a failure (the expression is
 * written like an alert condition); with one, every sample must satisfy {@code value op threshold}.
 * Prometheus being unreachable or rejecting the query is ERROR: the instrument failed, not the
 * target. Messages name series by their labels, never by their values, which change every scrape.
 */
public final class PrometheusProbe implements Probe<PrometheusProbeSpec> {
  private static final int SERIES_SHOWN = 3;

  private final JsonHttp http;

  public PrometheusProbe() {
    this(new JsonHttp());
  }

  PrometheusProbe(JsonHttp http) {
    this.http = http;
  }

  @Override
  public ProbeResult probe(PrometheusProbeSpec spec, Duration timeout) {
    if (spec.url == null || spec.query == null) return ProbeResult.error("prometheus: url and query are required");
    URI uri;
    try {
      uri = URI.create(stripSlash(spec.url) + "/api/v1/query?query="
          + URLEncoder.encode(spec.query, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return ProbeResult.error("prometheus: invalid url");
    }
    JsonHttp.Answer answer;
    try {
      answer = http.get(uri, timeout);
    } catch (JsonHttp.Unobservable e) {
      return ProbeResult.error("prometheus: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ProbeResult.error("prometheus: interrupted");
    }
    JsonNode body = answer.body();
    if (body == null || !body.path("status").isTextual()) {
      return ProbeResult.error("prometheus: unexpected answer, HTTP " + answer.status() + ": "
          + ProbeMessages.detail(answer.rawBody()));
    }
    if (!"success".equals(body.path("status").asText())) {
      return ProbeResult.error("prometheus: query rejected: " + body.path("errorType").asText("error") + ": "
          + ProbeMessages.detail(body.path("error").asText()));
    }
    List<Sample> samples;
    JsonNode data = body.path("data");
    switch (data.path("resultType").asText()) {
      case "vector" -> {
        samples = new ArrayList<>();
        for (JsonNode series : data.path("result")) {
          samples.add(new Sample(labels(series.path("metric")), value(series.path("value"))));
        }
      }
      case "scalar" -> {
        if (spec.threshold == null) {
          return ProbeResult.error("prometheus: the query returns a scalar, which needs a threshold");
        }
        samples = List.of(new Sample("{}", value(data.path("result"))));
      }
      default -> {
        return ProbeResult.error("prometheus: unsupported result type '" + data.path("resultType").asText()
            + "'; an instant vector or scalar is needed");
      }
    }
    return spec.threshold == null ? judgeEmpty(samples) : judgeThreshold(samples, spec.threshold);
  }

  private static ProbeResult judgeEmpty(List<Sample> samples) {
    if (samples.isEmpty()) return ProbeResult.pass("prometheus: query returned no series");
    return ProbeResult.fail("prometheus: query returned " + count(samples.size()) + ": " + shown(samples));
  }

  private static ProbeResult judgeThreshold(List<Sample> samples, ThresholdSpec threshold) {
    DoublePredicate ok;
    try {
      ok = predicate(threshold);
    } catch (IllegalArgumentException e) {
      return ProbeResult.error("prometheus: " + e.getMessage());
    }
    String rule = "value " + threshold.op + " " + format(threshold.value);
    if (samples.isEmpty()) {
      // Nothing to hold to the threshold: the usual cause is a typo in a metric name, and a check
      // that passes on a typo is worse than one that says it observes nothing.
      return ProbeResult.error("prometheus: query returned no series to compare with " + rule);
    }
    List<Sample> violating = samples.stream().filter(s -> !ok.test(s.value())).toList();
    if (violating.isEmpty()) {
      return ProbeResult.pass("prometheus: " + count(samples.size()) + " satisfy " + rule);
    }
    return ProbeResult.fail("prometheus: " + violating.size() + " of " + count(samples.size()) + " violate "
        + rule + ": " + shown(violating));
  }

  private static DoublePredicate predicate(ThresholdSpec t) {
    double limit = t.value;
    return switch (t.op == null ? "" : t.op) {
      case "<" -> v -> v < limit;
      case "<=" -> v -> v <= limit;
      case ">" -> v -> v > limit;
      case ">=" -> v -> v >= limit;
      case "==" -> v -> v == limit;
      case "!=" -> v -> v != limit;
      default -> throw new IllegalArgumentException("invalid threshold operator '" + t.op + "'");
    };
  }

  private record Sample(String labels, double value) {}

  private static String labels(JsonNode metric) {
    Map<String, String> sorted = new TreeMap<>();
    metric.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
    StringBuilder s = new StringBuilder("{");
    sorted.forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append(k).append("=\"").append(v).append('"'));
    return s.append('}').toString();
  }

  /** Prometheus sends [timestamp, "value"], with "+Inf", "-Inf" and "NaN" spelled its own way. */
  private static double value(JsonNode pair) {
    String text = pair.path(1).asText("NaN");
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          yield Double.NaN;
        }
      }
    };
  }

  private static String shown(List<Sample> samples) {
    List<String> names = samples.stream().map(Sample::labels).sorted().toList();
    String head = String.join(" ", names.subList(0, Math.min(SERIES_SHOWN, names.size())));
    return names.size() > SERIES_SHOWN ? head + " and " + (names.size() - SERIES_SHOWN) + " more" : head;
  }

  private static String count(int n) {
    return n == 1 ? "1 series" : n + " series";
  }

  private static String format(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
