package dev.escalator.operator.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queries of monitoring/: the dashboard's panels, annotations and variables, the Prometheus
 * alert rules and the Grafana-managed alert rules, read from the files themselves so that tests
 * prove what ships, never a copy.
 */
public final class MonitoringFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\)$");

  /** One PromQL expression and where it is (for messages). */
  public record Query(String where, String expr) {}

  /** A dashboard variable backed by {@code label_values(selector, label)}. */
  public record Variable(String name, String selector, String label) {}

  /** A Grafana rule: its query A and the threshold its condition applies to it. */
  public record GrafanaRule(String title, String expr, String evaluator, double param, String forDuration, String severity) {}

  /** A Prometheus alerting rule. */
  public record PrometheusRule(String alert, String expr, String forDuration, String severity) {}

  private MonitoringFiles() {}

  public static Path dir() {
    return Path.of(System.getProperty("escalator.monitoring.dir", "../monitoring"));
  }

  public static Path dashboardFile() {
    return dir().resolve("grafana/escalator-dashboard.json");
  }

  public static Path grafanaAlertsFile() {
    return dir().resolve("grafana/escalator-alerts.yaml");
  }

  public static Path prometheusRulesFile() {
    return dir().resolve("escalator-rules.yml");
  }

  public static JsonNode dashboard() {
    return read(JSON, dashboardFile());
  }

  /** Every Prometheus query of every panel (rows included) and of every Prometheus annotation. */
  public static List<Query> dashboardQueries() {
    JsonNode d = dashboard();
    List<Query> out = new ArrayList<>();
    panels(d.path("panels"), out);
    for (JsonNode a : d.path("annotations").path("list")) {
      if (a.hasNonNull("expr")) out.add(new Query("annotation '" + a.path("name").asText() + "'", a.path("expr").asText()));
    }
    return out;
  }

  private static void panels(JsonNode panels, List<Query> out) {
    for (JsonNode p : panels) {
      for (JsonNode t : p.path("targets")) {
        if (t.hasNonNull("expr")) out.add(new Query("panel '" + p.path("title").asText() + "' " + t.path("refId").asText(), t.path("expr").asText()));
      }
      panels(p.path("panels"), out);
    }
  }

  /** The dashboard's query variables. */
  public static List<Variable> dashboardVariables() {
    List<Variable> out = new ArrayList<>();
    for (JsonNode v : dashboard().path("templating").path("list")) {
      if (!"query".equals(v.path("type").asText())) continue;
      String q = v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText();
      Matcher m = LABEL_VALUES.matcher(q.trim());
      if (!m.matches()) throw new IllegalStateException("variable " + v.path("name").asText() + ": not label_values(selector, label): " + q);
      out.add(new Variable(v.path("name").asText(), m.group(1).trim(), m.group(2)));
    }
    return out;
  }

  public static List<PrometheusRule> prometheusRules() {
    List<PrometheusRule> out = new ArrayList<>();
    for (JsonNode g : read(YAML, prometheusRulesFile()).path("groups")) {
      for (JsonNode r : g.path("rules")) {
        if (!r.hasNonNull("alert")) continue;
        out.add(new PrometheusRule(r.path("alert").asText(), r.path("expr").asText().trim(), r.path("for").asText("0s"),
            r.path("labels").path("severity").asText(null)));
      }
    }
    return out;
  }

  public static List<GrafanaRule> grafanaRules() {
    List<GrafanaRule> out = new ArrayList<>();
    for (JsonNode g : read(YAML, grafanaAlertsFile()).path("groups")) {
      for (JsonNode r : g.path("rules")) {
        String condition = r.path("condition").asText();
        JsonNode threshold = null;
        JsonNode query = null;
        for (JsonNode d : r.path("data")) {
          if ("__expr__".equals(d.path("datasourceUid").asText())) {
            if (condition.equals(d.path("refId").asText())) threshold = d.path("model");
          } else {
            if (query != null) throw new IllegalStateException(r.path("title").asText() + ": more than one query");
            query = d;
          }
        }
        if (query == null || threshold == null || !"threshold".equals(threshold.path("type").asText())
            || !query.path("refId").asText().equals(threshold.path("expression").asText())) {
          throw new IllegalStateException(r.path("title").asText() + ": expected one query and a threshold condition on it");
        }
        JsonNode evaluator = threshold.path("conditions").path(0).path("evaluator");
        out.add(new GrafanaRule(r.path("title").asText(), query.path("model").path("expr").asText(), evaluator.path("type").asText(),
            evaluator.path("params").path(0).asDouble(), r.path("for").asText(), r.path("labels").path("severity").asText(null)));
      }
    }
    return out;
  }

  /**
   * Replaces Grafana's variables with concrete values, as Grafana does before it sends a query;
   * fails on a variable it does not know, so a new one cannot slip through unproven.
   */
  public static String substitute(String expr, Map<String, String> values) {
    Matcher m = Pattern.compile("\\$\\{?([a-zA-Z_][a-zA-Z0-9_]*)}?").matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) throw new IllegalArgumentException("unknown variable $" + m.group(1) + " in " + expr);
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static JsonNode read(ObjectMapper mapper, Path file) {
    try {
      return mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
  }
}
