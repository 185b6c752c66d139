package dev.escalator.operator.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.api.EscalationRecordStatus;
import dev.escalator.operator.api.NodeStatus;
import dev.escalator.operator.demo.CloudEnvironments;
import dev.escalator.operator.demo.DemoService;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.demo.SimulatedControllers;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.client.CollectorRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole operator running the six-level ladder against the real OpenStack of {@code
 * hack/start-openstack.sh} (converge Jobs and the redeploy webhook on the in-process Kubernetes API
 * and a local service): build from nothing, replace exactly the server deleted behind its back,
 * wipe and rebuild twice with the same resources, and survive a crash between create and record.
 * Timings are printed for docs/benchmarks.md.
 */
@Tag("integration")
class OpenStackLadderIntegrationTest {
  private static final String NS = "cloud";
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private final String name = "lad" + Long.toString(System.nanoTime() % 1_000_000, 36);
  private final List<String> log = new CopyOnWriteArrayList<>();
  private InProcessKubernetes kube;
  private KubernetesClient client;
  private DemoService service;
  private SimulatedControllers controllers;
  private EscalatorOperator operator;
  private OpenStackClouds clouds;
  private CloudResources resources;

  @BeforeEach
  void setUp() throws Exception {
    String yaml = RealCloud.cloudsYaml();
    kube = new InProcessKubernetes();
    client = kube.client();
    service = new DemoService(log::add);
    controllers = new SimulatedControllers(client, NS, log::add).start();
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(CloudEnvironments.SECRET).endMetadata()
        .addToStringData("clouds.yaml", yaml).build()).create();
    clouds = RealCloud.clouds(yaml);
    var cloud = environment().getSpec().provider.openstack;
    resources = new CloudResources(clouds,
        clouds.session(NS, cloud, name, OpenStackClouds.ProjectScope.CREDENTIALS),
        clouds.session(NS, cloud, name, OpenStackClouds.ProjectScope.ENVIRONMENT),
        new OpenStackNames(NS, name), OpenStackClouds.environmentProject(NS, name, cloud));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (operator != null) operator.close();
    controllers.close();
    service.close();
    kube.close();
    resources.wipe();
  }

  private Environment environment() {
    return CloudEnvironments.sixLevels(NS, name, RealCloud.ADMIN, 2, service.baseUrl());
  }

  private EscalatorOperator startOperator() {
    OperatorSettings settings = OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(250)).withMetricsPort(0);
    return new EscalatorOperator(client, settings, Clock.systemUTC(), new CollectorRegistry()).start();
  }

  private EnvironmentStatus status() {
    Environment e = client.resources(Environment.class).inNamespace(NS).withName(name).get();
    return e == null ? null : e.getStatus();
  }

  /** Waits for the n-th escalation (1-based, counting converged ones) to converge and returns it. */
  private EscalationRecordStatus converged(int n) {
    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      EnvironmentStatus s = status();
      assertThat(s).isNotNull();
      assertThat(s.history.stream().filter(h -> "Converged".equals(h.outcome)).count()).isGreaterThanOrEqualTo(n);
      assertThat(s.phase).isEqualTo("Healthy");
    });
    return status().history.get(0);
  }

  @Test
  void buildsFromNothingReplacesOneDeletedServerAndRebuildsTwiceWithoutLeaks() throws Exception {
    operator = startOperator();
    long t0 = System.nanoTime();
    client.resources(Environment.class).inNamespace(NS).resource(environment()).create();

    EscalationRecordStatus build = converged(1);
    System.out.printf("[bench] build from nothing (levels 1..6, 2 servers): %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertThat(build.startLevel).isEqualTo("project");
    assertThat(build.steps).containsExactly("project:Succeeded", "network:Succeeded", "tier:Succeeded", "server:Succeeded",
        "converge:Succeeded", "redeploy:Succeeded");
    assertThat(status().inventory).extracting(n -> n.name).containsExactly("web-1", "web-2");
    assertThat(status().inventory).allSatisfy(n -> assertThat(n.address).isNotNull());
    Map<String, Integer> first = resources.count();
    System.out.println("[bench] resources after the first build: " + first);
    assertThat(first).containsEntry("servers", 2).containsEntry("projects", 1);

    // One server deleted behind the operator's back: levels server, converge, redeploy for that node only.
    NodeStatus web2 = status().inventory.get(1);
    long deleted = System.nanoTime();
    resources.deleteServer(web2.providerId);
    EscalationRecordStatus repair = converged(2);
    System.out.printf("[bench] server deleted -> replacement ACTIVE and checks passing: %.1f s (quiescence 1 s, failureThreshold 2 x 1 s);"
        + " escalation itself (server, converge, redeploy, verification): %.1f s%n",
        (System.nanoTime() - deleted) / 1e9,
        java.time.Duration.between(java.time.Instant.parse(repair.startedAt), java.time.Instant.parse(repair.finishedAt)).toMillis() / 1e3);
    assertThat(repair.startLevel).isEqualTo("server");
    assertThat(repair.steps).containsExactly("server:Succeeded", "converge:Succeeded", "redeploy:Succeeded");
    assertThat(repair.trigger).extracting(t -> t.target).containsOnly("node/web/web-2");
    NodeStatus replaced = status().inventory.get(1);
    assertThat(replaced.address).as("the replacement keeps the node's address").isEqualTo(web2.address);
    assertThat(replaced.providerId).isNotEqualTo(web2.providerId);
    assertThat(status().inventory.get(0).providerId).as("the healthy node is untouched").isNotNull();
    assertThat(resources.count()).isEqualTo(first);

    // Wiped entirely, twice: rebuilt each time with the same resources. The wipe takes a few
    // seconds (servers, then network, then project); the operator is stopped meanwhile, so the
    // rebuild starts from nothing rather than racing a half-done wipe.
    for (int round = 1; round <= 2; round++) {
      operator.close();
      resources.wipe();
      operator = startOperator();
      long wiped = System.nanoTime();
      EscalationRecordStatus rebuild = converged(2 + round);
      System.out.printf("[bench] rebuild %d after wipe: %.1f s%n", round, (System.nanoTime() - wiped) / 1e9);
      assertThat(rebuild.startLevel).isEqualTo("project");
      Map<String, Integer> after = resources.count();
      System.out.println("[bench] resources after rebuild " + round + ": " + after);
      assertThat(after).isEqualTo(first);
    }
  }

  @Test
  void aCrashBetweenCreateAndRecordLeaksNothing() throws Exception {
    operator = startOperator();
    client.resources(Environment.class).inNamespace(NS).resource(environment()).create();
    // Stop the operator as soon as the tier level has booted a server, before it can record it.
    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> resources.count().get("servers") > 0);
    operator.close();
    boolean recorded = status().inventory.stream().anyMatch(n -> n.providerId != null);
    operator = startOperator();

    converged(1);
    Map<String, Integer> counts = resources.count();
    System.out.println("[bench] crash between create and record (recorded before the crash: " + recorded + "): " + counts);
    assertThat(counts).containsEntry("servers", 2).containsEntry("networks", 1).containsEntry("routers", 1)
        .containsEntry("subnets", 1).containsEntry("securityGroups", 1).containsEntry("serverGroups", 1).containsEntry("projects", 1);
  }
}
