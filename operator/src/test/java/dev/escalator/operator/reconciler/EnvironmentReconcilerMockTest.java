package dev.escalator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.api.Mode;
import dev.escalator.operator.demo.DemoEnvironments;
import dev.escalator.operator.demo.DemoService;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.demo.SimulatedControllers;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.client.CollectorRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole operator (JOSDK, reconciler, real check probes, real actions) against the in-process
 * Kubernetes API and a real local HTTP service that the tests break.
 */
class EnvironmentReconcilerMockTest {
  private static final String NS = "shop";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private InProcessKubernetes kube;
  private KubernetesClient client;
  private DemoService service;
  private SimulatedControllers controllers;
  private EscalatorOperator operator;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final CollectorRegistry registry = new CollectorRegistry();

  @BeforeEach
  void setUp() throws Exception {
    kube = new InProcessKubernetes();
    client = kube.client();
    service = new DemoService(log::add);
    controllers = new SimulatedControllers(client, NS, log::add).start();
    client.apps().deployments().inNamespace(NS).resource(DemoEnvironments.shopDeployment(NS)).create();
  }

  @AfterEach
  void tearDown() {
    if (operator != null) operator.close();
    controllers.close();
    service.close();
    kube.close();
  }

  private EscalatorOperator startOperator() {
    OperatorSettings settings = OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(200)).withMetricsPort(0);
    return new EscalatorOperator(client, settings, Clock.systemUTC(), registry).start();
  }

  /** Starts the operator, creates the Environment and waits until its checks pass. */
  private void startHealthy(Environment environment) {
    operator = startOperator();
    client.resources(Environment.class).inNamespace(NS).resource(environment).create();
    await().atMost(TIMEOUT).until(() -> status() != null && "Healthy".equals(status().phase));
  }

  private Environment env() {
    return client.resources(Environment.class).inNamespace(NS).withName("shop").get();
  }

  private EnvironmentStatus status() {
    Environment e = env();
    return e == null ? null : e.getStatus();
  }

  private List<String> eventReasons() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .sorted(Comparator.comparing(Event::getLastTimestamp).thenComparing(e -> e.getMetadata().getCreationTimestamp() == null ? "" : e.getMetadata().getCreationTimestamp()))
        .map(Event::getReason).toList();
  }

  private static String condition(EnvironmentStatus s, String type) {
    return s.conditions.stream().filter(c -> c.getType().equals(type)).map(Condition::getStatus).findFirst().orElse(null);
  }

  @Test
  void healthyEnvironmentIsRecordedOnceAndThenNotWrittenAgain() {
    operator = startOperator();
    client.resources(Environment.class).inNamespace(NS).resource(DemoEnvironments.shop(NS, "shop", service.baseUrl())).create();

    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s).isNotNull();
      assertThat(s.phase).isEqualTo("Healthy");
      assertThat(condition(s, "Ready")).isEqualTo("True");
      assertThat(s.healthyChecks).isEqualTo("2/2");
    });
    long writes = kube.environmentStatusWrites();
    // Probes keep running every second; a healthy environment's status must not change.
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> kube.environmentStatusWrites() == writes);
    assertThat(status().escalation).isNull();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void failingCheckRunsThePlannedLevelsInOrderAndConverges() {
    startHealthy(DemoEnvironments.shop(NS, "shop", service.baseUrl()));

    service.breakService();

    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s.history).isNotEmpty();
      assertThat(s.history.get(0).outcome).isEqualTo("Converged");
      assertThat(s.phase).isEqualTo("Healthy");
    });
    // Events and metrics follow a decision once its status write succeeded: a moment after the status is visible.
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(eventReasons()).contains("Converged");
      assertThat(registry.getSampleValue("escalator_escalations_total", new String[] {"namespace", "environment", "outcome"},
          new String[] {NS, "shop", "Converged"})).isEqualTo(1.0);
    });
    EnvironmentStatus s = status();
    assertThat(s.escalation).as("the finished escalation is removed from status, not left behind by the patch").isNull();
    assertThat(s.level).isNull();
    // health failed (restart, level 2) and smoke (redeploy, level 3): plan = restart then redeploy; reprovision never runs.
    assertThat(s.history.get(0).steps).containsExactly("restart:Succeeded", "redeploy:Succeeded");
    assertThat(s.history.get(0).startLevel).isEqualTo("restart");
    assertThat(s.history.get(0).trigger).extracting(f -> f.check).contains("health");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).as("reprovision is above the plan").isEmpty();
    Map<String, String> annotations = client.apps().deployments().inNamespace(NS).withName("shop").get()
        .getSpec().getTemplate().getMetadata().getAnnotations();
    assertThat(annotations).containsKey("escalator.dev/restartedBy");
    assertThat(service.deploys()).isEqualTo(1);
    assertThat(registry.getSampleValue("escalator_escalations_total", new String[] {"namespace", "environment", "outcome"},
        new String[] {NS, "shop", "Converged"})).isEqualTo(1.0);
    assertThat(registry.getSampleValue("escalator_actions_total", new String[] {"type", "outcome"}, new String[] {"rolloutRestart", "succeeded"}))
        .isEqualTo(1.0);
    assertThat(registry.getSampleValue("escalator_environment_phase", new String[] {"namespace", "environment", "phase"},
        new String[] {NS, "shop", "Healthy"})).isEqualTo(1.0);

    List<String> reasons = eventReasons();
    assertThat(reasons).containsSubsequence("QuiescenceStarted", "EscalationStarted", "StepStarted", "StepSucceeded", "StepStarted", "StepSucceeded", "Converged");
    int restartAt = log.indexOf(log.stream().filter(l -> l.contains("rolled out deployment/shop")).findFirst().orElseThrow());
    int deployAt = log.indexOf(log.stream().filter(l -> l.contains("redeployed")).findFirst().orElseThrow());
    assertThat(restartAt).as("restart runs before redeploy").isLessThan(deployAt);
  }

  @Test
  void restartedOperatorResumesAtTheInterruptedStepWithoutRepeatingFinishedOnes() {
    // Only the Job level fails here (reprovision), and its Job is held running until released.
    Environment shop = DemoEnvironments.shop(NS, "shop", service.baseUrl());
    shop.getSpec().checks.get(0).escalatesTo = "reprovision";
    controllers.jobOutcome(job -> SimulatedControllers.JobOutcome.HOLD);
    startHealthy(shop);

    service.breakService();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s.escalation).isNotNull();
      assertThat(s.escalation.steps.get(0).state).isEqualTo("Running");
      assertThat(s.escalation.steps.get(0).runs.get(0).handle).isNotNull();
    });
    List<Job> jobs = client.batch().v1().jobs().inNamespace(NS).list().getItems();
    assertThat(jobs).hasSize(1);
    String jobName = jobs.get(0).getMetadata().getName();

    operator.close();
    operator = startOperator();
    controllers.finishJob(jobName, true);

    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s.history).isNotEmpty();
      assertThat(s.history.get(0).outcome).isEqualTo("Converged");
    });
    assertThat(status().history.get(0).steps).containsExactly("reprovision:Succeeded", "restart:Succeeded", "redeploy:Succeeded");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).as("the Job was not created twice").hasSize(1);
    assertThat(service.deploys()).as("redeploy ran once").isEqualTo(1);
  }

  @Test
  void invalidEnvironmentGetsAConditionNamingTheFieldAndNoActionIsTaken() {
    Environment bad = DemoEnvironments.shop(NS, "shop", service.baseUrl());
    bad.getSpec().checks.get(1).escalatesTo = "no-such-level";
    operator = startOperator();
    service.breakService();
    client.resources(Environment.class).inNamespace(NS).resource(bad).create();

    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s).isNotNull();
      assertThat(s.phase).isEqualTo("Invalid");
      Condition valid = s.conditions.stream().filter(c -> c.getType().equals("Valid")).findFirst().orElseThrow();
      assertThat(valid.getStatus()).isEqualTo("False");
      assertThat(valid.getReason()).isEqualTo("Invalid");
      assertThat(valid.getMessage()).contains("spec.checks[1].escalatesTo").contains("no-such-level");
      assertThat(eventReasons()).contains("InvalidSpec");
    });
    long writes = kube.environmentStatusWrites();
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> kube.environmentStatusWrites() == writes);
    assertThat(service.deploys()).isZero();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(eventReasons()).filteredOn("InvalidSpec"::equals).hasSize(1);
  }

  @Test
  void observeModeShowsThePlanInStatusAndAnEventAndTakesNoAction() {
    Environment shop = DemoEnvironments.shop(NS, "shop", service.baseUrl());
    shop.getSpec().mode = Mode.Observe;
    startHealthy(shop);

    service.breakService();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s.phase).isEqualTo("Observing");
      assertThat(s.proposedPlan).isNotNull();
      assertThat(s.proposedPlan.summary).isEqualTo("restart[all] -> redeploy[all]");
      assertThat(eventReasons()).contains("WouldEscalate");
      assertThat(condition(s, "Acting")).isEqualTo("False");
    });
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> status().escalation == null);
    assertThat(service.deploys()).isZero();
    assertThat(restartedBy()).isNull();
    assertThat(eventReasons()).filteredOn("WouldEscalate"::equals).as("announced once per distinct plan").hasSize(1);
  }

  @Test
  void levelThatRequiresApprovalWaitsForTheAnnotationNamingItsEscalation() {
    Environment shop = DemoEnvironments.shop(NS, "shop", service.baseUrl());
    shop.getSpec().ladder.get(1).requiresApproval = true; // restart
    startHealthy(shop);

    service.breakService();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s.phase).isEqualTo("PendingApproval");
      assertThat(s.escalation.id).isEqualTo("e1");
      assertThat(eventReasons()).contains("ApprovalRequired");
    });
    annotate(Environment.APPROVE_ANNOTATION, "e99");
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> "PendingApproval".equals(status().phase));
    assertThat(restartedBy()).as("another escalation's approval does not count").isNull();

    annotate(Environment.APPROVE_ANNOTATION, "e1");
    await().atMost(TIMEOUT).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s.history).isNotEmpty();
      assertThat(s.history.get(0).outcome).isEqualTo("Converged");
    });
    assertThat(restartedBy()).isNotNull();
  }

  private void annotate(String key, String value) {
    client.resources(Environment.class).inNamespace(NS).withName("shop").edit(e -> {
      if (e.getMetadata().getAnnotations() == null) e.getMetadata().setAnnotations(new java.util.HashMap<>());
      e.getMetadata().getAnnotations().put(key, value);
      return e;
    });
  }

  private String restartedBy() {
    Map<String, String> a = client.apps().deployments().inNamespace(NS).withName("shop").get().getSpec().getTemplate().getMetadata().getAnnotations();
    return a == null ? null : a.get("escalator.dev/restartedBy");
  }
}
