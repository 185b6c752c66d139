package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.escalator.operator.api.AlertProbeSpec;
import dev.escalator.operator.check.ProbeResult.Outcome;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against a fake Alertmanager speaking the real /api/v2/alerts format; see MonitoringIntegrationTest for the real one. */
class AlertProbeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final FakeHttpServer alertmanager = FakeHttpServer.http();
  private final AlertProbe probe = new AlertProbe();

  @AfterEach
  void stop() {
    alertmanager.close();
  }

  private AlertProbeSpec spec(Map<String, String> matchers) {
    AlertProbeSpec s = new AlertProbeSpec();
    s.alertmanagerUrl = alertmanager.baseUrl();
    s.matchers = matchers;
    return s;
  }

  private static String alert(String state, String labels) {
    return "{\"labels\":{" + labels + "},\"status\":{\"state\":\"" + state
        + "\",\"silencedBy\":[],\"inhibitedBy\":[]},\"fingerprint\":\"abc\",\"startsAt\":\"2026-01-01T00:00:00Z\"}";
  }

  @Test
  void asksForActiveUnsilencedUninhibitedAlertsFilteredByEveryMatcher() {
    alertmanager.answer(200, "[]");
    probe.probe(spec(Map.of("alertname", "InstanceDown", "instance", "10.0.0.5:9100")), TIMEOUT);
    FakeHttpServer.Request request = alertmanager.lastRequest();
    assertThat(request.uri().getPath()).isEqualTo("/api/v2/alerts");
    assertThat(Arrays.stream(request.uri().getRawQuery().split("&"))
            .map(p -> URLDecoder.decode(p, StandardCharsets.UTF_8)))
        .containsExactly("active=true", "silenced=false", "inhibited=false",
            "filter=alertname=\"InstanceDown\"", "filter=instance=\"10.0.0.5:9100\"");
  }

  @Test
  void quotesAndBackslashesInMatcherValuesAreEscaped() {
    alertmanager.answer(200, "[]");
    probe.probe(spec(Map.of("path", "C:\\dir \"x\"")), TIMEOUT);
    assertThat(URLDecoder.decode(alertmanager.lastRequest().uri().getRawQuery(), StandardCharsets.UTF_8))
        .endsWith("filter=path=\"C:\\\\dir \\\"x\\\"\"");
  }

  @Test
  void noMatchingAlertPasses() {
    alertmanager.answer(200, "[]");
    assertThat(probe.probe(spec(Map.of("alertname", "InstanceDown")), TIMEOUT))
        .isEqualTo(ProbeResult.pass("alertmanager: no active alert matches {alertname=\"InstanceDown\"}"));
  }

  @Test
  void aMatchingActiveAlertFails() {
    alertmanager.answer(200, "[" + alert("active", "\"alertname\":\"InstanceDown\",\"instance\":\"a\"") + ","
        + alert("active", "\"alertname\":\"InstanceDown\",\"instance\":\"b\"") + "]");
    assertThat(probe.probe(spec(Map.of("alertname", "InstanceDown")), TIMEOUT))
        .isEqualTo(ProbeResult.fail("alertmanager: 2 active alerts match {alertname=\"InstanceDown\"}"));
  }

  @Test
  void alertsThatDoNotMatchEveryLabelOrAreNotActiveAreIgnoredEvenIfTheServerReturnsThem() {
    alertmanager.answer(200, "[" + alert("active", "\"alertname\":\"InstanceDown\",\"instance\":\"other\"") + ","
        + alert("suppressed", "\"alertname\":\"InstanceDown\",\"instance\":\"mine\"") + ","
        + alert("active", "\"alertname\":\"DiskFull\",\"instance\":\"mine\"") + "]");
    assertThat(probe.probe(spec(Map.of("alertname", "InstanceDown", "instance", "mine")), TIMEOUT).outcome())
        .isEqualTo(Outcome.PASS);
  }

  @Test
  void noMatchersIsAnErrorRatherThanMatchingEverything() {
    ProbeResult r = probe.probe(spec(Map.of()), TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(alertmanager.requests()).isEmpty();
  }

  @Test
  void anErrorAnswerIsAnError() {
    alertmanager.answer(400, "{\"code\":400,\"message\":\"bad matcher format\"}");
    ProbeResult r = probe.probe(spec(Map.of("alertname", "x")), TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(r.message()).contains("HTTP 400").contains("bad matcher format");
  }

  @Test
  void anUnreachableAlertmanagerIsAnError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    AlertProbeSpec s = spec(Map.of("alertname", "x"));
    s.alertmanagerUrl = "http://127.0.0.1:" + port;
    assertThat(probe.probe(s, TIMEOUT)).isEqualTo(ProbeResult.error(
        "alertmanager: cannot connect to http://127.0.0.1:" + port + "/api/v2/alerts (connection refused)"));
  }
}
