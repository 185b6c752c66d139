package dev.escalator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.demo.CloudEnvironments;
import dev.escalator.operator.demo.DemoService;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.demo.SimulatedControllers;
import dev.escalator.operator.openstack.OpenStackClouds;
import dev.escalator.operator.openstack.sim.Faults;
import dev.escalator.operator.openstack.sim.Kind;
import dev.escalator.operator.openstack.sim.OpenStackSimulator;
import dev.escalator.operator.openstack.sim.Service;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fleet of OpenStack environments against a faulty cloud (the simulator): built from nothing
 * through random 500s, 429s and slow networking, then the whole API goes away and comes back. The
 * storm that must not happen: duplicated or leaked resources, escalations started because the
 * cloud could not be observed, more escalations in flight than the namespace cap.
 */
class ProviderFaultStormMockTest {
  private static final String NS = "fleet";
  private static final int ENVIRONMENTS = 6;
  private static final Set<String> OPENSTACK_CHECKS = Set.of("cloud-online", "core-network", "server-active");
  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final OpenStackClouds.Settings QUICK_BREAKER = new OpenStackClouds.Settings(
      Duration.ofSeconds(2), Duration.ofSeconds(5), 3, Duration.ofMillis(50), 6, 50f, Duration.ofSeconds(3), Duration.ofMinutes(5));

  private InProcessKubernetes kube;
  private KubernetesClient client;
  private OpenStackSimulator sim;
  private DemoService shop;
  private SimulatedControllers controllers;
  private EscalatorOperator operator;
  private final List<String> names = IntStream.rangeClosed(1, ENVIRONMENTS).mapToObj(i -> "s" + i).toList();

  @BeforeEach
  void setUp() throws Exception {
    kube = new InProcessKubernetes();
    client = kube.client();
    sim = new OpenStackSimulator().start();
    shop = new DemoService(line -> {});
    controllers = new SimulatedControllers(client, NS, line -> {}).start();
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(CloudEnvironments.SECRET).endMetadata()
        .addToStringData("clouds.yaml", sim.cloudsYaml("sim")).build()).create();
    OperatorSettings settings = OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(250)).withMetricsPort(0)
        .withOpenStack(QUICK_BREAKER);
    operator = new EscalatorOperator(client, settings, Clock.systemUTC()).start();
  }

  @AfterEach
  void tearDown() {
    if (operator != null) operator.close();
    controllers.close();
    shop.close();
    sim.close();
    kube.close();
  }

  private EnvironmentStatus status(String name) {
    Environment e = client.resources(Environment.class).inNamespace(NS).withName(name).get();
    return e == null ? null : e.getStatus();
  }

  private List<EnvironmentStatus> statuses() {
    return names.stream().map(this::status).toList();
  }

  private static boolean converged(EnvironmentStatus s) {
    return s != null && "Healthy".equals(s.phase) && !s.history.isEmpty() && "Converged".equals(s.history.get(0).outcome);
  }

  private long ours(Kind kind) {
    return sim.names(kind).stream().filter(n -> n != null && n.startsWith("esc-" + NS + "-")).count();
  }

  private long mutatingRequests() {
    return sim.requestCounts().entrySet().stream()
        .filter(e -> e.getKey().startsWith("POST") || e.getKey().startsWith("PUT") || e.getKey().startsWith("DELETE"))
        .filter(e -> !e.getKey().contains("/auth/tokens")).mapToLong(Map.Entry::getValue).sum();
  }

  @Test
  void aFleetBuiltThroughFaultsLeaksNothingAndAnAbsentCloudStartsNoEscalation() {
    sim.faults().seed(5).failRate(Faults.Match.any(), 0.15, 500).throttleNext(Faults.Match.service(Service.COMPUTE), 5, Duration.ofSeconds(1))
        .latency(Faults.Match.service(Service.NETWORK), Duration.ofMillis(150));
    long started = System.nanoTime();
    for (String name : names) {
      client.resources(Environment.class).inNamespace(NS).resource(CloudEnvironments.sixLevels(NS, name, "sim", 1, shop.baseUrl())).create();
    }
    Set<String> maxInFlight = ConcurrentHashMap.newKeySet();
    int[] peak = {0};
    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
      List<EnvironmentStatus> all = statuses();
      List<String> inFlight = names.stream().filter(n -> {
        EnvironmentStatus s = status(n);
        return s != null && s.phase != null && Set.of("Escalating", "Verifying", "BackingOff").contains(s.phase);
      }).toList();
      if (inFlight.size() > peak[0]) {
        peak[0] = inFlight.size();
        maxInFlight.clear();
        maxInFlight.addAll(inFlight);
      }
      return all.stream().allMatch(ProviderFaultStormMockTest::converged);
    });
    double buildSeconds = (System.nanoTime() - started) / 1e9;
    long buildRequests = sim.requestCounts().values().stream().mapToLong(Long::longValue).sum();

    assertThat(peak[0]).as("escalations seen in flight at once (namespace cap 3): %s", maxInFlight).isLessThanOrEqualTo(3);
    assertThat(ours(Kind.SERVER)).as("servers").isEqualTo(ENVIRONMENTS);
    assertThat(ours(Kind.NETWORK)).as("networks").isEqualTo(ENVIRONMENTS);
    assertThat(ours(Kind.ROUTER)).as("routers").isEqualTo(ENVIRONMENTS);
    assertThat(ours(Kind.SERVER_GROUP)).as("server groups").isEqualTo(ENVIRONMENTS);
    assertThat(sim.names(Kind.SERVER).stream().filter(n -> n.startsWith("esc-" + NS)).collect(Collectors.toSet())).hasSize(ENVIRONMENTS);
    for (EnvironmentStatus s : statuses()) {
      assertThat(s.history).as("one escalation built each environment").hasSize(1);
      assertThat(s.escalationCounter).isEqualTo(1);
    }

    // The whole API goes away: every OpenStack check becomes an ERROR, never a failure.
    sim.faults().clear();
    long mutatingBefore = mutatingRequests();
    sim.faults().refuseConnections();
    await().atMost(TIMEOUT).until(() -> statuses().stream().allMatch(s -> s.providers.stream().anyMatch(p -> "OPEN".equalsIgnoreCase(p.circuit))));
    await().atMost(TIMEOUT).until(() -> statuses().stream().allMatch(s -> s.checks.stream()
        .filter(c -> OPENSTACK_CHECKS.contains(c.name)).allMatch(c -> c.message != null && !c.message.isBlank() && !Boolean.FALSE.equals(c.healthy))));
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
        .until(() -> statuses().stream().allMatch(s -> s.escalationCounter == 1 && "Healthy".equals(s.phase)));
    EnvironmentStatus sample = status("s1");
    sim.faults().acceptConnections();
    await().atMost(TIMEOUT).until(() -> statuses().stream().allMatch(s -> s.providers.stream().allMatch(p -> "CLOSED".equalsIgnoreCase(p.circuit))));

    assertThat(mutatingRequests()).as("nothing was created, changed or deleted because the cloud could not be seen").isEqualTo(mutatingBefore);
    assertThat(statuses()).allSatisfy(s -> assertThat(s.escalationCounter).isEqualTo(1));
    assertThat(ours(Kind.SERVER)).isEqualTo(ENVIRONMENTS);
    System.out.printf("provider fault storm: %d environments built through 15%% 500s, 5 429s and 150 ms network latency in %.1f s, peak %d in flight;"
        + " %d API requests, %d of them mutating; outage: circuits opened, 0 escalations, %d mutating requests; while down s1 said: %s%n",
        ENVIRONMENTS, buildSeconds, peak[0], buildRequests, mutatingBefore, mutatingRequests() - mutatingBefore,
        sample.checks.stream().filter(c -> c.name.equals("cloud-online")).map(c -> c.message).findFirst().orElse("?"));
  }
}
