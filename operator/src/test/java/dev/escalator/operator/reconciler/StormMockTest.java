package dev.escalator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.CheckSpec;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentSpec;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.api.FlapDampingSpec;
import dev.escalator.operator.api.LevelSpec;
import dev.escalator.operator.api.WebhookActionSpec;
import dev.escalator.operator.api.WebhookCompletionSpec;
import dev.escalator.operator.demo.DemoEnvironments;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.ladder.StormGuard;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.client.CollectorRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storm guards on the whole operator: many Environments over one real HTTP fleet whose
 * services the test breaks together, whose repairs (webhooks with completion polling) stay in
 * flight until the test releases them, and which counts how many were in flight at once.
 */
class StormMockTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private InProcessKubernetes kube;
  private KubernetesClient client;
  private Fleet fleet;
  private EscalatorOperator operator;
  private final CollectorRegistry registry = new CollectorRegistry();
  private final List<String[]> environments = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    kube = new InProcessKubernetes();
    client = kube.client();
    fleet = new Fleet();
  }

  @AfterEach
  void tearDown() {
    if (operator != null) operator.close();
    fleet.close();
    kube.close();
  }

  private void start(StormGuard.Limits limits) {
    OperatorSettings settings = OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(200)).withMetricsPort(0).withStorm(limits);
    operator = new EscalatorOperator(client, settings, Clock.systemUTC(), registry).start();
  }

  /** One service: a health check that escalates to a single repair level (a webhook the fleet holds in flight). */
  private Environment service(String namespace, String name, String quiescence) {
    Environment env = new Environment();
    env.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    EnvironmentSpec spec = new EnvironmentSpec();
    spec.quiescence = quiescence;
    spec.escalation = DemoEnvironments.quickPolicy("20s");
    LevelSpec repair = DemoEnvironments.level("repair", "1s");
    repair.action.webhook = new WebhookActionSpec();
    repair.action.webhook.url = fleet.url() + "/repair/" + name;
    repair.action.webhook.completion = new WebhookCompletionSpec();
    repair.action.webhook.completion.statusUrl = fleet.url() + "/status/" + name;
    repair.action.webhook.completion.successRegex = "done";
    repair.action.webhook.completion.interval = "1s";
    spec.ladder = List.of(repair);
    CheckSpec health = DemoEnvironments.http("health", fleet.url() + "/health/" + name, "repair");
    health.failureThreshold = 1;
    spec.checks = List.of(health);
    env.setSpec(spec);
    return env;
  }

  private void create(Environment env) {
    String ns = env.getMetadata().getNamespace();
    fleet.add(ns, env.getMetadata().getName());
    environments.add(new String[] {ns, env.getMetadata().getName()});
    client.resources(Environment.class).inNamespace(ns).resource(env).create();
  }

  private void createAll(String namespace, String quiescence, String... names) {
    for (String name : names) create(service(namespace, name, quiescence));
  }

  private EnvironmentStatus status(String ns, String name) {
    Environment e = client.resources(Environment.class).inNamespace(ns).withName(name).get();
    return e == null ? null : e.getStatus();
  }

  private String phase(String[] env) {
    EnvironmentStatus s = status(env[0], env[1]);
    return s == null ? null : s.phase;
  }

  private static Condition condition(EnvironmentStatus s, String type) {
    return s.conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  private void awaitAllHealthy() {
    await().atMost(TIMEOUT).until(() -> environments.stream().allMatch(e -> "Healthy".equals(phase(e))));
  }

  private List<String> names() {
    return environments.stream().map(e -> e[1]).toList();
  }

  private long events(String ns, String name, String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).mapToLong(Event::getCount).sum();
  }

  @Test
  void capsHoldEscalationsPastThemAndEveryEnvironmentConvergesInTurn() {
    start(new StormGuard.Limits(3, 2, 100, 1));
    createAll("storm-a", "1s", "a1", "a2", "a3", "a4");
    createAll("storm-b", "1s", "b1", "b2");
    awaitAllHealthy();

    fleet.breakAll(names());
    int rounds = 0;
    boolean sawHeld = false;
    while (environments.stream().anyMatch(e -> fleet.repairs(e[1]) == 0)) {
      rounds++;
      // A round ends when the operator started all it may and held the rest.
      await().atMost(TIMEOUT).until(() -> !fleet.inFlight().isEmpty() && environments.stream()
          .filter(e -> fleet.repairs(e[1]) == 0).allMatch(e -> "Held".equals(phase(e))));
      for (String[] e : environments) {
        if (fleet.repairs(e[1]) > 0 || !"Held".equals(phase(e))) continue;
        Condition held = condition(status(e[0], e[1]), "Held");
        assertThat(held.getReason()).isEqualTo("ConcurrencyLimit");
        assertThat(held.getMessage()).contains("escalations are in flight");
        sawHeld = true;
      }
      assertThat(fleet.inFlight()).hasSizeLessThanOrEqualTo(3);
      fleet.releaseAll();
      assertThat(rounds).as("rounds").isLessThan(6);
    }
    awaitAllHealthy();

    assertThat(sawHeld).as("some environment was held by the cap").isTrue();
    assertThat(fleet.maxInFlight()).as("repairs in flight at once, operator cap 3").isEqualTo(3);
    assertThat(fleet.maxInFlightPerGroup()).as("per namespace, cap 2").allSatisfy((ns, max) -> assertThat(max).isLessThanOrEqualTo(2));
    for (String[] e : environments) {
      assertThat(fleet.repairs(e[1])).as("repairs of %s", e[1]).isEqualTo(1);
      assertThat(status(e[0], e[1]).history.get(0).outcome).isEqualTo("Converged");
    }
    System.out.printf("storm caps: 6 environments failing at once, caps 3/operator and 2/namespace: %d rounds, max in flight %d, per namespace %s, repairs %d%n",
        rounds, fleet.maxInFlight(), fleet.maxInFlightPerGroup(), fleet.totalRepairs());
  }

  @Test
  void aMeltdownHoldsEveryEnvironmentUntilFewerFailAndAFewFailingStillEscalate() {
    start(new StormGuard.Limits(10, 10, 50, 4));
    createAll("melt", "3s", "m1", "m2", "m3", "m4", "m5", "m6");
    awaitAllHealthy();

    fleet.breakAll(names());
    await().atMost(TIMEOUT).until(() -> environments.stream().allMatch(e -> "Held".equals(phase(e))));
    for (String[] e : environments) {
      Condition held = condition(status(e[0], e[1]), "Held");
      assertThat(held.getReason()).isEqualTo("Meltdown");
      assertThat(held.getMessage()).contains("6 of 6 environments fail at once (more than 50%)");
    }
    assertThat(registry.getSampleValue("escalator_meltdown_hold")).isEqualTo(1.0);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> fleet.totalRepairs() == 0);
    await().atMost(TIMEOUT).until(() -> environments.stream().allMatch(e -> events(e[0], e[1], "Held") >= 1));

    names().forEach(fleet::fix);
    awaitAllHealthy();
    assertThat(fleet.totalRepairs()).as("nothing repaired what was never broken on their side").isZero();
    for (String[] e : environments) assertThat(status(e[0], e[1]).history.get(0).outcome).isEqualTo("Recovered");
    await().atMost(TIMEOUT).until(() -> registry.getSampleValue("escalator_meltdown_hold") == 0.0);

    fleet.breakAll(List.of("m1", "m2"));
    await().atMost(TIMEOUT).until(() -> fleet.inFlight().equals(Set.of("m1", "m2")));
    fleet.releaseAll();
    awaitAllHealthy();
    assertThat(fleet.repairs("m1")).isEqualTo(1);
    assertThat(fleet.repairs("m2")).isEqualTo(1);
    assertThat(fleet.totalRepairs()).as("2 of 6 failing is no meltdown").isEqualTo(2);
  }

  @Test
  void aFlappingCheckStartsNoEscalationUntilItHoldsSteady() {
    start(StormGuard.Limits.defaults());
    Environment env = service("flap", "f1", "5s");
    env.getSpec().escalation.flapDamping = new FlapDampingSpec();
    env.getSpec().escalation.flapDamping.maxChanges = 2;
    env.getSpec().escalation.flapDamping.window = "8s";
    create(env);
    awaitAllHealthy();

    // Three changes (failing, passing, failing), each seen by the operator before the next.
    for (boolean broken : List.of(true, false, true)) {
      if (broken) fleet.breakAll(List.of("f1"));
      else fleet.fix("f1");
      await().atMost(TIMEOUT).until(() -> {
        EnvironmentStatus s = status("flap", "f1");
        return s.checks != null && !s.checks.isEmpty() && Boolean.valueOf(!broken).equals(s.checks.get(0).healthy);
      });
    }
    await().atMost(TIMEOUT).until(() -> "Held".equals(status("flap", "f1").phase));
    EnvironmentStatus s = status("flap", "f1");
    assertThat(s.checks.get(0).flapping).isTrue();
    assertThat(condition(s, "Held").getReason()).isEqualTo("Flapping");
    assertThat(fleet.totalRepairs()).isZero();
    await().atMost(TIMEOUT).until(() -> events("flap", "f1", "Flapping") == 1);

    // Steady failure: after a whole window the check counts again, quiescence runs, the repair starts.
    await().atMost(TIMEOUT).until(() -> fleet.inFlight().contains("f1"));
    assertThat(status("flap", "f1").checks.get(0).flapping).isNull();
    fleet.releaseAll();
    awaitAllHealthy();
    assertThat(fleet.repairs("f1")).isEqualTo(1);
    assertThat(events("flap", "f1", "Flapping")).isEqualTo(1);
    assertThat(status("flap", "f1").history.get(0).outcome).isEqualTo("Converged");
  }
}
