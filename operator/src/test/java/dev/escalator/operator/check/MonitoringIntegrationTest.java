package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.escalator.operator.api.AlertProbeSpec;
import dev.escalator.operator.api.PrometheusProbeSpec;
import dev.escalator.operator.api.ThresholdSpec;
import dev.escalator.operator.check.ProbeResult.Outcome;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus and Alertmanager probes against the real servers started by
 * {@code hack/start-monitoring.sh} (which loads the always-firing rule EscalatorAlwaysFiring). Run:
 *
 * <pre>
 *   eval "$(hack/start-monitoring.sh | grep ^export)"
 *   mvn -o test -Dgroups=integration -DexcludedGroups=none
 * </pre>
 *
 * Without the URLs these tests fail rather than skip: a green build must mean they ran.
 */
@Tag("integration")
class MonitoringIntegrationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String ALWAYS_FIRING = "EscalatorAlwaysFiring";
  private static String prometheusUrl;
  private static String alertmanagerUrl;

  @BeforeAll
  static void urls() {
    prometheusUrl = setting("escalator.prometheus.url", "ESCALATOR_PROMETHEUS_URL");
    alertmanagerUrl = setting("escalator.alertmanager.url", "ESCALATOR_ALERTMANAGER_URL");
  }

  private static String setting(String property, String env) {
    String value = System.getProperty(property, System.getenv(env));
    if (value == null || value.isBlank()) {
      fail(env + " (or -D" + property + ") is not set: start the servers with hack/start-monitoring.sh and export"
          + " the URLs it prints");
    }
    return value;
  }

  private static PrometheusProbeSpec query(String query, String op, Double value) {
    PrometheusProbeSpec s = new PrometheusProbeSpec();
    s.url = prometheusUrl;
    s.query = query;
    if (op != null) {
      s.threshold = new ThresholdSpec();
      s.threshold.op = op;
      s.threshold.value = value;
    }
    return s;
  }

  private static AlertProbeSpec alert(Map<String, String> matchers) {
    AlertProbeSpec s = new AlertProbeSpec();
    s.alertmanagerUrl = alertmanagerUrl;
    s.matchers = matchers;
    return s;
  }

  @Test
  void aNonEmptyResultFailsAndAnEmptyOnePasses() {
    PrometheusProbe probe = new PrometheusProbe();
    assertThat(probe.probe(query("vector(1)", null, null), TIMEOUT))
        .isEqualTo(ProbeResult.fail("prometheus: query returned 1 series: {}"));
    assertThat(probe.probe(query("vector(1) > 2", null, null), TIMEOUT))
        .isEqualTo(ProbeResult.pass("prometheus: query returned no series"));
  }

  @Test
  void thresholdsAreComparedWithRealSamples() {
    PrometheusProbe probe = new PrometheusProbe();
    assertThat(probe.probe(query("vector(42)", "<", 100.0), TIMEOUT).outcome()).isEqualTo(Outcome.PASS);
    assertThat(probe.probe(query("vector(42)", ">", 100.0), TIMEOUT).outcome()).isEqualTo(Outcome.FAIL);
    assertThat(probe.probe(query("scalar(vector(3))", "==", 3.0), TIMEOUT).outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void theFiringRuleIsVisibleThroughPrometheus() {
    assertThat(new PrometheusProbe().probe(query("ALERTS{alertname=\"" + ALWAYS_FIRING + "\",alertstate=\"firing\"}",
            null, null), TIMEOUT).outcome())
        .isEqualTo(Outcome.FAIL);
  }

  @Test
  void badPromqlIsAnError() {
    ProbeResult r = new PrometheusProbe().probe(query("sum(", null, null), TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(r.message()).startsWith("prometheus: query rejected: bad_data:");
  }

  @Test
  void theAlwaysFiringAlertFailsTheAlertProbe() {
    assertThat(new AlertProbe().probe(alert(Map.of("alertname", ALWAYS_FIRING, "severity", "test")), TIMEOUT))
        .isEqualTo(ProbeResult.fail("alertmanager: 1 active alert matches {alertname=\"" + ALWAYS_FIRING
            + "\", severity=\"test\"}"));
  }

  @Test
  void anAlertThatIsNotFiringPasses() {
    assertThat(new AlertProbe().probe(alert(Map.of("alertname", "NothingFiresThis")), TIMEOUT).outcome())
        .isEqualTo(Outcome.PASS);
    // The real filter is an AND: one label off means no match.
    assertThat(new AlertProbe().probe(alert(Map.of("alertname", ALWAYS_FIRING, "severity", "page")), TIMEOUT)
            .outcome())
        .isEqualTo(Outcome.PASS);
  }

  @Test
  void aValueWithQuotesIsAcceptedByTheRealMatcherParser() {
    ProbeResult r = new AlertProbe().probe(alert(Map.of("alertname", "say \"hi\" \\ bye")), TIMEOUT);
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.PASS);
  }
}
