package dev.escalator.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.demo.DemoEnvironments;
import dev.escalator.operator.demo.DemoService;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.demo.SimulatedControllers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.client.CollectorRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole operator on the in-process Kubernetes API: an escalation that converges leaves its
 * trace in the step, escalation and probe histograms, the level gauge and JOSDK's reconcile metrics.
 */
class OperatorMetricsMockTest {
  private static final String NS = "shop";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private InProcessKubernetes kube;
  private KubernetesClient client;
  private DemoService service;
  private SimulatedControllers controllers;
  private EscalatorOperator operator;
  private final CollectorRegistry registry = new CollectorRegistry();

  @BeforeEach
  void setUp() throws Exception {
    kube = new InProcessKubernetes();
    client = kube.client();
    service = new DemoService(line -> {});
    controllers = new SimulatedControllers(client, NS, line -> {}).start();
    client.apps().deployments().inNamespace(NS).resource(DemoEnvironments.shopDeployment(NS)).create();
  }

  @AfterEach
  void tearDown() {
    if (operator != null) operator.close();
    controllers.close();
    service.close();
    kube.close();
  }

  private Double value(String name, String[] labels, String... values) {
    return registry.getSampleValue(name, labels, values);
  }

  private EnvironmentStatus status() {
    Environment e = client.resources(Environment.class).inNamespace(NS).withName("shop").get();
    return e == null ? null : e.getStatus();
  }

  @Test
  void aConvergedEscalationIsMeasured() {
    OperatorSettings settings = OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(200)).withMetricsPort(0);
    operator = new EscalatorOperator(client, settings, Clock.systemUTC(), registry).start();
    client.resources(Environment.class).inNamespace(NS).resource(DemoEnvironments.shop(NS, "shop", service.baseUrl())).create();
    await().atMost(TIMEOUT).until(() -> status() != null && "Healthy".equals(status().phase));
    String[] controller = {"controller"};
    assertThat(value("escalator_operator_reconciling", new String[0])).as("leader election off: this replica acts").isEqualTo(1.0);
    assertThat(value("escalator_reconciliations_started_total", controller, "environment")).isPositive();
    assertThat(value("escalator_reconciliations_failed_total", controller, "environment")).as("initialised at 0").isZero();
    assertThat(value("escalator_controller_events_total", new String[] {"controller", "event"}, "environment", "Added")).isPositive();
    assertThat(value("escalator_environment_level", new String[] {"namespace", "environment", "level"}, NS, "shop", "none")).isZero();

    service.breakService();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s.history).isNotEmpty();
      assertThat(s.history.get(0).outcome).isEqualTo("Converged");
    });

    String[] step = {"namespace", "level", "outcome"};
    // Metrics follow a decision once its status write succeeded: a moment after the status is visible.
    await().atMost(TIMEOUT).untilAsserted(() ->
        assertThat(value("escalator_escalation_duration_seconds_count", step, NS, "restart", "Converged")).isEqualTo(1.0));
    assertThat(value("escalator_step_duration_seconds_count", step, NS, "restart", "Succeeded")).isEqualTo(1.0);
    assertThat(value("escalator_step_duration_seconds_count", step, NS, "redeploy", "Succeeded")).isEqualTo(1.0);
    assertThat(value("escalator_step_duration_seconds_count", step, NS, "reprovision", "Succeeded")).as("above the plan").isNull();
    assertThat(value("escalator_escalation_duration_seconds_count", step, NS, "restart", "Converged")).isEqualTo(1.0);
    assertThat(value("escalator_escalation_duration_seconds_sum", step, NS, "restart", "Converged")).isPositive();
    assertThat(value("escalator_environment_level", new String[] {"namespace", "environment", "level"}, NS, "shop", "none")).isZero();
    assertThat(value("escalator_probe_duration_seconds_count", new String[] {"type", "outcome"}, "http", "pass")).isPositive();
    assertThat(value("escalator_probe_duration_seconds_count", new String[] {"type", "outcome"}, "http", "fail")).isPositive();
    assertThat(value("escalator_reconcile_duration_seconds_count", new String[] {"controller", "operation", "outcome"},
        "environment", "reconcile", "success")).isPositive();
    assertThat(value("escalator_reconciliations_executing", controller, "environment")).isBetween(0.0, 1.0);
  }
}
