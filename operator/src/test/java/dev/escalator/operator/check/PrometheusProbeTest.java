package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.escalator.operator.api.PrometheusProbeSpec;
import dev.escalator.operator.api.ThresholdSpec;
import dev.escalator.operator.check.ProbeResult.Outcome;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Against a fake Prometheus speaking the real /api/v1/query wire format; see MonitoringIntegrationTest for the real one. */
class PrometheusProbeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final FakeHttpServer prometheus = FakeHttpServer.http();
  private final PrometheusProbe probe = new PrometheusProbe();

  @AfterEach
  void stop() {
    prometheus.close();
  }

  private PrometheusProbeSpec spec(String query) {
    PrometheusProbeSpec s = new PrometheusProbeSpec();
    s.url = prometheus.baseUrl() + "/";
    s.query = query;
    return s;
  }

  private static ThresholdSpec threshold(String op, double value) {
    ThresholdSpec t = new ThresholdSpec();
    t.op = op;
    t.value = value;
    return t;
  }

  private static String vector(String... series) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + String.join(",", series) + "]}}";
  }

  private static String series(String labels, String value) {
    return "{\"metric\":{" + labels + "},\"value\":[1700000000.123,\"" + value + "\"]}";
  }

  @Test
  void sendsTheQueryUrlEncodedToTheInstantQueryApi() {
    prometheus.answer(200, vector());
    probe.probe(spec("sum(rate(http_requests_total{code=~\"5..\"}[5m])) > 0 & on() up"), TIMEOUT);
    FakeHttpServer.Request request = prometheus.lastRequest();
    assertThat(request.uri().getPath()).isEqualTo("/api/v1/query");
    String raw = request.uri().getRawQuery();
    assertThat(raw).startsWith("query=");
    assertThat(URLDecoder.decode(raw.substring("query=".length()), StandardCharsets.UTF_8))
        .isEqualTo("sum(rate(http_requests_total{code=~\"5..\"}[5m])) > 0 & on() up");
  }

  @Test
  void withoutThresholdAnEmptyResultPasses() {
    prometheus.answer(200, vector());
    assertThat(probe.probe(spec("up == 0"), TIMEOUT)).isEqualTo(ProbeResult.pass("prometheus: query returned no series"));
  }

  @Test
  void withoutThresholdAnySeriesFailsNamedByLabelsNotValues() {
    prometheus.answer(200, vector(
        series("\"job\":\"web\",\"instance\":\"b:9100\"", "0"),
        series("\"instance\":\"a:9100\",\"job\":\"web\"", "0")));
    ProbeResult r = probe.probe(spec("up == 0"), TIMEOUT);
    assertThat(r).isEqualTo(ProbeResult.fail(
        "prometheus: query returned 2 series: {instance=\"a:9100\", job=\"web\"} {instance=\"b:9100\", job=\"web\"}"));
  }

  @Test
  void manySeriesAreSummarised() {
    prometheus.answer(200, vector(series("\"i\":\"1\"", "1"), series("\"i\":\"2\"", "1"), series("\"i\":\"3\"", "1"),
        series("\"i\":\"4\"", "1"), series("\"i\":\"5\"", "1")));
    assertThat(probe.probe(spec("x"), TIMEOUT).message()).endsWith("{i=\"3\"} and 2 more");
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource({
    "5, <, 10, PASS", "10, <, 10, FAIL",
    "10, <=, 10, PASS", "11, <=, 10, FAIL",
    "11, >, 10, PASS", "10, >, 10, FAIL",
    "10, >=, 10, PASS", "9.5, >=, 10, FAIL",
    "10, ==, 10, PASS", "10.5, ==, 10, FAIL",
    "3, !=, 10, PASS", "10, !=, 10, FAIL",
    "+Inf, >, 10, PASS", "-Inf, >, 10, FAIL", "NaN, <, 10, FAIL"
  })
  void thresholdIsAppliedToEverySample(String value, String op, double limit, Outcome expected) {
    prometheus.answer(200, vector(series("\"job\":\"probe\"", value)));
    PrometheusProbeSpec s = spec("metric");
    s.threshold = threshold(op, limit);
    assertThat(probe.probe(s, TIMEOUT).outcome()).isEqualTo(expected);
  }

  @Test
  void thresholdFailureNamesTheViolatingSeriesOnly() {
    prometheus.answer(200, vector(series("\"disk\":\"sda\"", "0.42"), series("\"disk\":\"sdb\"", "0.97")));
    PrometheusProbeSpec s = spec("disk_used_ratio");
    s.threshold = threshold("<", 0.9);
    assertThat(probe.probe(s, TIMEOUT))
        .isEqualTo(ProbeResult.fail("prometheus: 1 of 2 series violate value < 0.9: {disk=\"sdb\"}"));
    prometheus.answer(200, vector(series("\"disk\":\"sda\"", "0.42"), series("\"disk\":\"sdb\"", "0.5")));
    assertThat(probe.probe(s, TIMEOUT)).isEqualTo(ProbeResult.pass("prometheus: 2 series satisfy value < 0.9"));
  }

  @Test
  void aThresholdOverNoSeriesIsAnError() {
    prometheus.answer(200, vector());
    PrometheusProbeSpec s = spec("typo_in_metric_name");
    s.threshold = threshold(">", 0);
    assertThat(probe.probe(s, TIMEOUT).outcome()).isEqualTo(Outcome.ERROR);
  }

  @Test
  void scalarResultsNeedAThreshold() {
    prometheus.answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000000,\"3\"]}}");
    assertThat(probe.probe(spec("scalar(x)"), TIMEOUT).outcome()).isEqualTo(Outcome.ERROR);
    PrometheusProbeSpec s = spec("scalar(x)");
    s.threshold = threshold(">=", 3);
    assertThat(probe.probe(s, TIMEOUT).outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void aRejectedQueryIsAnError() {
    prometheus.answer(400, "{\"status\":\"error\",\"errorType\":\"bad_data\","
        + "\"error\":\"invalid parameter \\\"query\\\": 1:5: parse error: unclosed left parenthesis\"}");
    ProbeResult r = probe.probe(spec("sum("), TIMEOUT);
    assertThat(r).isEqualTo(ProbeResult.error(
        "prometheus: query rejected: bad_data: invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis"));
  }

  @Test
  void aNonJsonAnswerIsAnError() {
    prometheus.answer(502, "<html>bad gateway</html>");
    ProbeResult r = probe.probe(spec("up"), TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(r.message()).contains("HTTP 502");
  }

  @Test
  void anUnreachablePrometheusIsAnErrorNotAFailure() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PrometheusProbeSpec s = spec("up");
    s.url = "http://127.0.0.1:" + port;
    assertThat(probe.probe(s, TIMEOUT)).isEqualTo(ProbeResult.error(
        "prometheus: cannot connect to http://127.0.0.1:" + port + "/api/v1/query (connection refused)"));
  }
}
