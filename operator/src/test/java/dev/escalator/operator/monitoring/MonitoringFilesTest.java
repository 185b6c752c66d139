package dev.escalator.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.escalator.operator.metrics.EscalatorMetrics;
import dev.escalator.operator.metrics.OperatorStatusCollector;
import dev.escalator.operator.metrics.ReconcileMetrics;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and both rule files are consistent with each other and with the metrics the
 * operator registers. (That every query returns data for real scraped metrics is proven by
 * DashboardAndAlertsIntegrationTest against a real Prometheus.)
 */
class MonitoringFilesTest {
  private static final Map<String, String> ANY = Map.of("namespace", ".*", "environment", ".*", "job", ".*", "datasource", "x",
      "__rate_interval", "1m", "__range", "1h", "__interval", "15s");
  private static final Pattern METRIC = Pattern.compile("\\bescalator_[a-z_]+");

  @Test
  void everyPrometheusAlertHasAGrafanaTwinWithTheSameDelayAndSeverity() {
    Map<String, MonitoringFiles.GrafanaRule> grafana = MonitoringFiles.grafanaRules().stream()
        .collect(Collectors.toMap(MonitoringFiles.GrafanaRule::title, Function.identity()));
    List<MonitoringFiles.PrometheusRule> prometheus = MonitoringFiles.prometheusRules();
    assertThat(prometheus).extracting(MonitoringFiles.PrometheusRule::alert).contains("EscalatorEnvironmentExhausted",
        "EscalatorEscalationStuck", "EscalatorApprovalPending", "EscalatorEnvironmentUnhealthy", "EscalatorOperatorDown",
        "EscalatorNotReconciling", "EscalatorCircuitOpen");
    for (MonitoringFiles.PrometheusRule p : prometheus) {
      MonitoringFiles.GrafanaRule g = grafana.get(p.alert());
      assertThat(g).as("Grafana rule for %s", p.alert()).isNotNull();
      assertThat(seconds(g.forDuration())).as("for of %s", p.alert()).isEqualTo(seconds(p.forDuration()));
      assertThat(g.severity()).as("severity of %s", p.alert()).isEqualTo(p.severity());
      assertThat(g.evaluator()).isIn("gt", "lt");
    }
  }

  @Test
  void dashboardPanelsAreWellFormedAndUseTheDatasourceVariable() {
    JsonNode d = MonitoringFiles.dashboard();
    assertThat(d.path("uid").asText()).isEqualTo("escalator");
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : d.path("panels")) {
      assertThat(ids.add(p.path("id").asInt())).as("unique panel id %s", p.path("id")).isTrue();
      JsonNode grid = p.path("gridPos");
      assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("panel %s fits 24 columns", p.path("title")).isLessThanOrEqualTo(24);
      if ("row".equals(p.path("type").asText())) continue;
      assertThat(p.path("datasource").path("uid").asText()).as("panel %s", p.path("title")).isEqualTo("${datasource}");
      assertThat(p.path("targets").size()).as("panel %s has queries", p.path("title")).isPositive();
      assertThat(p.path("description").asText()).as("panel %s says what it shows", p.path("title")).isNotBlank();
    }
    List<MonitoringFiles.Query> queries = MonitoringFiles.dashboardQueries();
    assertThat(queries).hasSizeGreaterThan(25);
    Set<String> used = new TreeSet<>();
    for (MonitoringFiles.Query q : queries) {
      MonitoringFiles.substitute(q.expr(), ANY); // throws on an unknown variable
      Matcher m = Pattern.compile("\\$\\{?([a-z_]+)").matcher(q.expr());
      while (m.find()) used.add(m.group(1));
    }
    assertThat(used).as("every dashboard variable is used").containsAll(
        MonitoringFiles.dashboardVariables().stream().map(MonitoringFiles.Variable::name).toList());
  }

  @Test
  void everyMetricTheFilesQueryIsOneTheOperatorExports() {
    CollectorRegistry registry = new CollectorRegistry();
    new EscalatorMetrics(registry);
    new ReconcileMetrics(registry);
    new OperatorStatusCollector(() -> true).register(registry);
    Set<String> exported = new HashSet<>();
    for (Collector.MetricFamilySamples f : Collections.list(registry.metricFamilySamples())) {
      exported.add(f.name);
      exported.add(f.name + "_total");
      exported.add(f.name + "_bucket");
      exported.add(f.name + "_sum");
      exported.add(f.name + "_count");
    }
    List<String> exprs = new ArrayList<>();
    MonitoringFiles.dashboardQueries().forEach(q -> exprs.add(q.expr()));
    MonitoringFiles.dashboardVariables().forEach(v -> exprs.add(v.selector()));
    MonitoringFiles.prometheusRules().forEach(r -> exprs.add(r.expr()));
    MonitoringFiles.grafanaRules().forEach(r -> exprs.add(r.expr()));
    Set<String> queried = new TreeSet<>();
    for (String e : exprs) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) queried.add(m.group());
    }
    assertThat(queried).hasSizeGreaterThan(10);
    assertThat(exported).as("metrics the dashboard and rules query").containsAll(queried);
  }

  private static long seconds(String duration) {
    Matcher m = Pattern.compile("(\\d+)([smh])").matcher(duration);
    long total = 0;
    while (m.find()) total += Long.parseLong(m.group(1)) * switch (m.group(2)) {
      case "s" -> 1;
      case "m" -> 60;
      default -> 3600;
    };
    return total;
  }
}
