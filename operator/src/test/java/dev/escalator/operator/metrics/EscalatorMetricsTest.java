package dev.escalator.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.escalator.operator.check.CheckVerdict;
import dev.escalator.operator.check.ProbeResult;
import dev.escalator.operator.ladder.DomainEvent;
import dev.escalator.operator.ladder.Target;
import io.prometheus.client.CollectorRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class EscalatorMetricsTest {
  private final CollectorRegistry registry = new CollectorRegistry();
  private final EscalatorMetrics metrics = new EscalatorMetrics(registry);

  private Double checkUp(String target) {
    return registry.getSampleValue("escalator_check_up", new String[] {"namespace", "environment", "check", "target"},
        new String[] {"ns", "shop", "ping", target});
  }

  private Double phase(String p) {
    return registry.getSampleValue("escalator_environment_phase", new String[] {"namespace", "environment", "phase"}, new String[] {"ns", "shop", p});
  }

  private static CheckVerdict verdict(String node, Boolean healthy) {
    return new CheckVerdict("ping", Target.node("web", node), "one-vm", healthy, "m", Instant.EPOCH, ProbeResult.Outcome.PASS);
  }

  @Test
  void checkSeriesFollowTheTargetsAndUnknownHasNoSeries() {
    metrics.environment("ns", "shop", "Escalating", List.of(verdict("web-1", true), verdict("web-2", false), verdict("web-3", null)));
    assertThat(checkUp("node/web/web-1")).isEqualTo(1.0);
    assertThat(checkUp("node/web/web-2")).isEqualTo(0.0);
    assertThat(checkUp("node/web/web-3")).isNull();
    assertThat(phase("Escalating")).isEqualTo(1.0);
    assertThat(phase("Healthy")).isEqualTo(0.0);

    metrics.environment("ns", "shop", "Healthy", List.of(verdict("web-1", true)));
    assertThat(checkUp("node/web/web-2")).as("a target that went away loses its series").isNull();
    assertThat(phase("Healthy")).isEqualTo(1.0);

    metrics.forget("ns", "shop");
    assertThat(checkUp("node/web/web-1")).isNull();
    assertThat(phase("Healthy")).isNull();
  }

  @Test
  void finishedEpisodesAreCountedByOutcomeAndEveryEventByReason() {
    metrics.event("ns", "shop", new DomainEvent(DomainEvent.Kind.ESCALATION_STARTED, "x"));
    metrics.event("ns", "shop", new DomainEvent(DomainEvent.Kind.CONVERGED, "x"));
    metrics.event("ns", "shop", new DomainEvent(DomainEvent.Kind.EXHAUSTED, "x"));
    String[] names = {"namespace", "environment", "outcome"};
    assertThat(registry.getSampleValue("escalator_escalations_total", names, new String[] {"ns", "shop", "Converged"})).isEqualTo(1.0);
    assertThat(registry.getSampleValue("escalator_escalations_total", names, new String[] {"ns", "shop", "Exhausted"})).isEqualTo(1.0);
    assertThat(registry.getSampleValue("escalator_escalations_total", names, new String[] {"ns", "shop", "EscalationStarted"})).isNull();
    assertThat(registry.getSampleValue("escalator_escalation_events_total", new String[] {"namespace", "environment", "reason"},
        new String[] {"ns", "shop", "EscalationStarted"})).isEqualTo(1.0);
  }

  @Test
  void httpServerServesMetricsHealthAndReadiness() throws Exception {
    metrics.action("job", "started");
    AtomicBoolean ready = new AtomicBoolean(false);
    try (OperatorHttpServer server = new OperatorHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), registry, ready::get);
        HttpClient http = HttpClient.newHttpClient()) {
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(m.body()).contains("escalator_actions_total{type=\"job\",outcome=\"started\",} 1.0");
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
  }
}
